"""Repeat complaints (重复投诉, SPEC §3, counted in the §5 reports): the one definition,
used by the intake hint, the change page, the list's tag and filter, and the reports.

- Place and category: a complaint is compared with the complaints about the same place
  (the unit; for a common area the building; else the property) and the same category.
  Withdrawn and merged complaints do not count; neither does one without a category.
- Linked (`repeat_linked`): two such complaints filed within REPEAT_WINDOW (30 days) of
  each other.
- Repeat problem: REPEAT_PROBLEM_COUNT (3) or more complaints linked with each other,
  i.e. filed within REPEAT_WINDOW of the first of them. Each of them is a member: the
  list tags it 重复 and the change page says so.
- Counted in reports (`repeat_members_tagged`): a member counts once, in the month it
  became one (`since`), whatever its state then or now.

Membership is stored, one `RepeatMember` row per member, so that the monthly reports
count it with a plain aggregate. The services that change what it depends on (filing
with a category, classifying, withdrawing, merging) call `repeat_members_refresh`.

`since` is when the complaint first belonged to a repeat problem: the filing time of the
complaint that completed its earliest group. Filing more complaints only ever creates
groups, so "a member, counting only complaints filed before T" is exactly `since < T`,
and a month's count never changes by what is filed after it.
"""

from datetime import datetime, timedelta

from django.db import connection, models, transaction
from django.db.models import Case, F, QuerySet, Value, When, Window
from django.db.models.functions import Lag, Lead

from buildings.models import Property
from complaints.models import DISCARDED_STATES, Complaint, RepeatMember

REPEAT_WINDOW = timedelta(days=30)
REPEAT_PROBLEM_COUNT = 3

Key = tuple[int, int, int | None, int | None]


def repeat_key(complaint: Complaint) -> Key | None:
    """The group a complaint is compared within, None when it does not count."""
    if complaint.category_id is None or complaint.state in DISCARDED_STATES:
        return None
    return (complaint.property_id, complaint.category_id, complaint.building_id, complaint.unit_id)


def repeat_linked(
    *,
    property_id: int,
    unit_id: int | None,
    building_id: int | None,
    category_id: int | None,
    around: datetime,
    exclude_id: int | None = None,
) -> QuerySet[Complaint]:
    """The counted complaints linked to a complaint about this place and category filed
    at `around` (or about to be filed, at intake), newest first.

    Without a category (not classified yet) nothing is linked yet: the complaints about
    the same unit or building within REPEAT_WINDOW, of any category, are returned
    instead, as the candidates it would be linked with once classified like them. An
    estate-wide complaint without a category has none: everything else estate-wide in
    those weeks would be listed, about anything."""
    if category_id is None and building_id is None and unit_id is None:
        return Complaint.objects.none()
    queryset = Complaint.objects.filter(
        property_id=property_id,
        building_id=building_id,
        unit_id=unit_id,
        created_at__gte=around - REPEAT_WINDOW,
        created_at__lte=around + REPEAT_WINDOW,
    ).exclude(state__in=DISCARDED_STATES)
    if category_id is not None:
        queryset = queryset.filter(category_id=category_id)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset.order_by("-created_at")


def repeat_members_tagged(
    *, property_id: int, start: datetime, end: datetime
) -> QuerySet[RepeatMember]:
    """The members (the complaints the list tags 重复) of a property that became members
    in [start, end): what the reports count for that period. Every member counts in
    exactly one period, and a past period's count does not change by later filings."""
    return RepeatMember.objects.filter(
        complaint__property_id=property_id, since__gte=start, since__lt=end
    ).order_by()


def _with_since(complaints: QuerySet) -> QuerySet:
    """The counted complaints of `complaints`, each with `since` (None when it belongs to
    no repeat problem among them).

    Within one place and category, ordered by filing time, the groups of three that
    contain a complaint and are complete earliest are among the three runs of
    consecutive complaints around it (two before, one each side, two after): the
    nearest neighbours are the closest ones. A run qualifies when it spans at most
    REPEAT_WINDOW; it is complete when its last complaint is filed.
    """
    assert REPEAT_PROBLEM_COUNT == 3, "the runs below are of three complaints"
    over = {
        # unit, else building (unit empty), else the property (both empty)
        "partition_by": [F("property_id"), F("category_id"), F("building_id"), F("unit_id")],
        "order_by": [F("created_at").asc(), F("pk").asc()],
    }
    filed = F("created_at")
    back2, back1 = Window(Lag("created_at", 2), **over), Window(Lag("created_at", 1), **over)
    ahead1, ahead2 = Window(Lead("created_at", 1), **over), Window(Lead("created_at", 2), **over)
    return (
        complaints.filter(category__isnull=False)
        .exclude(state__in=DISCARDED_STATES)
        .order_by()
        .annotate(
            since=Case(
                When(models.lookups.GreaterThanOrEqual(back2, filed - REPEAT_WINDOW), then=filed),
                When(models.lookups.LessThanOrEqual(ahead1, back1 + REPEAT_WINDOW), then=ahead1),
                When(models.lookups.LessThanOrEqual(ahead2, filed + REPEAT_WINDOW), then=ahead2),
                default=Value(None),
                output_field=models.DateTimeField(),
            )
        )
    )


def _lock(property_ids: list[int]) -> None:
    """Refreshes and rebuilds of a property wait for each other until the transaction
    ends, so that each one sees what the others wrote. Besides the complaint being
    changed, only `RepeatMember` rows are written under this lock, and inserting them
    takes a key-share lock on complaints that the services' FOR NO KEY UPDATE row
    locks do not block: it cannot deadlock with them. Property ids in ascending order.
    (SQLite needs nothing: its write transactions already run one at a time.)"""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for property_id in property_ids:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                [f"complaints.repeats:{property_id}"],
            )


def repeat_members_refresh(complaint: Complaint, *, before: Key | None) -> None:
    """Bring the repeat problems up to date after `complaint` was filed, classified,
    withdrawn or merged; `before` is its `repeat_key` before the change (None for a new
    complaint). Call it in the transaction that changed the complaint, as its last
    write: the property's lock is held until the transaction ends."""
    after = repeat_key(complaint)
    if after == before:
        return
    assert connection.in_atomic_block, "the lock lasts until the transaction ends"
    _lock([complaint.property_id])
    if after is None:
        RepeatMember.objects.filter(complaint_id=complaint.pk).delete()
    for key in (before, after):
        if key is not None:
            _refresh_around(key, complaint.created_at)


def _refresh_around(key: Key, moment: datetime) -> None:
    """Recount the complaints of `key` filed within REPEAT_WINDOW of `moment`: the only
    ones a complaint filed at `moment` can join a repeat problem with. Their own groups
    lie within REPEAT_WINDOW of them, so twice that is read."""
    property_id, category_id, building_id, unit_id = key
    rows = _with_since(
        Complaint.objects.filter(
            property_id=property_id,
            category_id=category_id,
            building_id=building_id,
            unit_id=unit_id,
            created_at__gte=moment - 2 * REPEAT_WINDOW,
            created_at__lte=moment + 2 * REPEAT_WINDOW,
        )
    ).values_list("pk", "created_at", "since")
    wanted = {pk: since for pk, filed, since in rows if abs(filed - moment) <= REPEAT_WINDOW}
    stored = dict(
        RepeatMember.objects.filter(complaint_id__in=wanted).values_list("complaint_id", "since")
    )
    changed = {pk for pk, since in wanted.items() if stored.get(pk) != since}
    RepeatMember.objects.filter(complaint_id__in=changed & stored.keys()).delete()
    RepeatMember.objects.bulk_create(
        RepeatMember(complaint_id=pk, since=wanted[pk]) for pk in changed if wanted[pk] is not None
    )


def repeat_members_rebuild(*, property_id: int | None = None) -> int:
    """Recount every repeat problem (of one property, or all), locked against the
    services' refreshes; returns the number of members. For data written around the
    services (imports)."""
    complaints = Complaint.objects.all()
    properties = Property.objects.order_by("pk")
    if property_id is not None:
        complaints = complaints.filter(property_id=property_id)
        properties = properties.filter(pk=property_id)
    with transaction.atomic():
        _lock(list(properties.values_list("pk", flat=True)))
        RepeatMember.objects.filter(complaint__in=complaints.values("pk")).delete()
        select, params = (
            _with_since(complaints).values("since", member=F("pk")).query.sql_with_params()
        )
        table = connection.ops.quote_name(RepeatMember._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (complaint_id, since) "
                f"SELECT counted.member, counted.since FROM ({select}) counted "
                "WHERE counted.since IS NOT NULL",
                params,
            )
            return cursor.rowcount
