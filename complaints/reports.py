"""Supervisor reports (SPEC §5): the monthly red/black list (红黑榜) and the monthly
analysis of one property, and their publication as stored snapshots.

Every figure is an SQL aggregate computed in this module. The Python below only adds up
grouped rows (one per team × owner × level, or category × building × level, …) and
never loops over complaints. The pages print the rules (`RULES` holds the numbers):

- A complaint belongs to the month in which it was closed: its latest `closed_at`, in
  local time (settings.TIME_ZONE, Asia/Shanghai), including one reopened since.
- On time: the complaint has no breach at all, in any cycle, of any deadline.
- Mean satisfaction: the mean of the three scores (solved, speed, attitude) over every
  submitted survey of those complaints.
- Reopen rate: the share of them reopened at least once (`reopen_count > 0`).
- Repeat problems (重复投诉), as `complaints.repeats` defines them and the complaint list
  tags them: the complaints, in any state, that became members of a repeat problem in
  the month (their `since`), each counted once, in that one month, by its own team,
  owner, category and building. They are read from the stored `RepeatMember` rows; a
  later filing never changes a past month's count. The analysis's repeat rate divides
  them by the complaints received in the month.
- Score: 50 × on-time rate + 40 × mean satisfaction / 100 + 10 × (1 − reopen rate); with
  no survey at all the two other parts are scaled up to 100. Only teams and owners with
  closed complaints are ranked: best score first, then more complaints closed, then
  name. Red = the best min(3, n // 2), black = the worst min(3, n // 2) of n ranked.
- Talk with the team leader (约谈): a team's complaints whose resolve deadline falls in
  the month, in the order of that deadline; three overdue ones (each with a breach) in a
  row flag the team.
- A published month is a stored snapshot (`MonthlySnapshot`): the pages show it as it
  was published; the current month, and a past month not yet published, are computed
  live and marked "not final".
"""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    Count,
    DurationField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag
from django.utils import timezone

from buildings.models import Building, Property
from complaints import clock
from complaints.models import (
    DISCARDED_STATES,
    Breach,
    Category,
    Complaint,
    Level,
    MonthlySnapshot,
    Survey,
)
from complaints.repeats import (
    REPEAT_PROBLEM_COUNT,
    REPEAT_WINDOW,
    repeat_members_tagged,
)
from staff.models import Team
from staff.selectors import property_ids_visible_to, user_display_name

SCORE_WEIGHTS = {"on_time": 50, "satisfaction": 40, "not_reopened": 10}
LIST_SIZE = 3
TALK_STREAK = 3
TREND_MONTHS = 12
LEVELS = [str(level) for level in Level.values]

RULES = {
    "score_weights": SCORE_WEIGHTS,
    "list_size": LIST_SIZE,
    "talk_streak": TALK_STREAK,
    "repeat_count": REPEAT_PROBLEM_COUNT,
    "repeat_days": REPEAT_WINDOW.days,
    "trend_months": TREND_MONTHS,
}


# Who may read the reports ---------------------------------------------------------------


def report_property_ids_for(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """The properties whose reports this user may read: those in scope for holders of
    `view_monthlysnapshot` (supervisors and project managers, given by a migration;
    superusers), none for everyone else."""
    if not user.is_authenticated or not user.has_perm("complaints.view_monthlysnapshot"):
        return frozenset()
    return property_ids_visible_to(user)


# Months ---------------------------------------------------------------------------------


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_parse(text: str) -> date:
    """'2026-10' → date(2026, 10, 1); ValueError for anything else."""
    year, _, number = text.strip().partition("-")
    if not (len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= len(number) <= 2):
        raise ValueError(f"not a month: {text!r}")
    return date(int(year), int(number), 1)


def month_of(moment: datetime) -> date:
    """The (local) month a moment falls in."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a month in local time, as aware datetimes."""
    zone = timezone.get_default_timezone()
    following = month_add(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


# Figures from counts --------------------------------------------------------------------


def _blank_counts() -> dict:
    return {
        "closed": 0,
        "on_time": 0,
        "reopened": 0,
        "repeats": 0,
        "surveys": 0,
        "survey_points": 0,
        "levels": {level: {"closed": 0, "on_time": 0} for level in LEVELS},
    }


def _add_row(counts: dict, row: dict) -> None:
    for key in ("closed", "on_time", "reopened"):
        counts[key] += row[key]
    level = str(row["level"]) if row.get("level") else None
    if level in counts["levels"]:
        counts["levels"][level]["closed"] += row["closed"]
        counts["levels"][level]["on_time"] += row["on_time"]


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def score_of(
    on_time_rate: float | None, mean_satisfaction: float | None, reopen_rate: float | None
) -> float | None:
    """The red/black score, 0–100 (see the module docstring); None with nothing closed."""
    if on_time_rate is None or reopen_rate is None:
        return None
    weights = SCORE_WEIGHTS
    score = weights["on_time"] * on_time_rate + weights["not_reopened"] * (1 - reopen_rate)
    if mean_satisfaction is None:
        return score * 100 / (weights["on_time"] + weights["not_reopened"])
    return score + weights["satisfaction"] * mean_satisfaction / 100


def _with_figures(counts: dict) -> dict:
    """Counts plus the rates, mean and score derived from them."""
    closed = counts["closed"]
    figures = dict(counts)
    figures["levels"] = {
        level: {**values, "on_time_rate": _ratio(values["on_time"], values["closed"])}
        for level, values in counts["levels"].items()
    }
    figures["on_time_rate"] = _ratio(counts["on_time"], closed)
    figures["reopen_rate"] = _ratio(counts["reopened"], closed)
    figures["mean_satisfaction"] = _ratio(counts["survey_points"], 3 * counts["surveys"])
    figures["score"] = score_of(
        figures["on_time_rate"], figures["mean_satisfaction"], figures["reopen_rate"]
    )
    return figures


def _rank(entries: list[dict]) -> None:
    """Set rank and mark (red, black or "") on entries that have a score."""
    ranked = sorted(
        (entry for entry in entries if entry["score"] is not None),
        key=lambda entry: (-entry["score"], -entry["closed"], entry["name"]),
    )
    size = min(LIST_SIZE, len(ranked) // 2)
    for position, entry in enumerate(ranked):
        entry["rank"] = position + 1
        if position < size:
            entry["mark"] = "red"
        elif position >= len(ranked) - size:
            entry["mark"] = "black"
    for entry in entries:
        entry.setdefault("rank", None)
        entry.setdefault("mark", "")
    entries.sort(key=lambda entry: (entry["rank"] is None, entry["rank"] or 0, entry["name"]))


# The queries ----------------------------------------------------------------------------


def _closed_in(property_id: int, start: datetime, end: datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        property_id=property_id, closed_at__gte=start, closed_at__lt=end
    ).order_by()


@dataclass(frozen=True)
class _ClosedMonth:
    """The complaints of one property closed in [start, end), and the oldest of them:
    when it was filed and its id, which bound the other tables' rows to read."""

    property_id: int
    start: datetime
    end: datetime
    count: int
    first_filed: datetime | None
    first_id: int | None

    @classmethod
    def of(cls, *, property_id: int, month: date) -> "_ClosedMonth":
        start, end = month_bounds(month)
        # With a COUNT beside them, PostgreSQL reads MIN from the month's rows rather
        # than walking a whole index.
        bounds = _closed_in(property_id, start, end).aggregate(
            count=Count("pk"), first_filed=Min("created_at"), first_id=Min("pk")
        )
        return cls(property_id=property_id, start=start, end=end, **bounds)

    def complaints(self) -> QuerySet[Complaint]:
        return _closed_in(self.property_id, self.start, self.end)


def _counted_rows(closed: _ClosedMonth, *, group_by: list[str], **extra) -> list[dict]:
    """The month's closed complaints grouped by `group_by`: closed, on time (no breach)
    and reopened counts per group, plus `extra` aggregates."""
    if not closed.count:
        return []
    # A deadline falls after its complaint was filed, so these are all the breaches of
    # the month's closed complaints; the database hashes the set once.
    breached_ids = Breach.objects.filter(due_at__gte=closed.first_filed).values("complaint_id")
    return list(
        closed.complaints()
        .values(*group_by)
        .annotate(
            closed=Count("pk"),
            on_time=Count("pk", filter=~Q(pk__in=breached_ids)),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
            **extra,
        )
    )


def _repeat_rows(*, property_id: int, start: datetime, end: datetime, group_by: list[str]):
    """The repeat complaints of the month (those the list tags, counted in the month they
    became members), per `group_by` fields of the complaint: one aggregate over the
    stored members of the month."""
    return list(
        repeat_members_tagged(property_id=property_id, start=start, end=end)
        .values(**{field: F(f"complaint__{field}") for field in group_by})
        .annotate(repeats=Count("pk"))
    )


def _survey_rows(closed: _ClosedMonth, *, group_by: list[str]) -> list[dict]:
    """Submitted surveys of the month's closed complaints: count and the sum of all
    three scores, per group (one row in all when `group_by` is empty)."""
    aggregates = {"surveys": Count("pk"), "points": Sum(F("solved") + F("speed") + F("attitude"))}
    if not closed.count:
        return [{"surveys": 0, "points": 0}] if not group_by else []
    surveys = Survey.objects.filter(
        submitted_at__isnull=False,
        # no survey of these complaints has a smaller complaint id: the index on
        # complaint_id skips the surveys of older complaints
        complaint_id__gte=closed.first_id,
        complaint__property_id=closed.property_id,
        complaint__closed_at__gte=closed.start,
        complaint__closed_at__lt=closed.end,
    ).order_by()
    if not group_by:
        return [surveys.aggregate(**aggregates)]
    return list(surveys.values(*group_by).annotate(**aggregates))


def overdue_streaks(*, property_id: int, start: datetime, end: datetime) -> dict[int, list]:
    """Runs of TALK_STREAK (3) or more overdue complaints in a row, per team.

    The team's complaints whose resolve deadline falls in [start, end), ordered by it;
    overdue means it has a breach. "Overdue" (1 or 0) is added up over a frame of each
    complaint and the TALK_STREAK - 1 before it: one row comes back per complaint that
    closes a streak, and rows sharing complaints are joined into one run. Returns
    {team id: [[complaint, …], …]}, a complaint being {"id", "reference", "due_at"}.
    """
    overdue = Case(
        When(pk__in=Breach.objects.values("complaint_id"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    over = {"partition_by": [F("team_id")], "order_by": [F("resolve_due").asc(), F("pk").asc()]}
    before = range(TALK_STREAK - 1, 0, -1)
    rows = (
        Complaint.objects.filter(
            property_id=property_id,
            resolve_due__gte=start,
            resolve_due__lt=end,
            team__isnull=False,
        )
        .exclude(state__in=DISCARDED_STATES)
        .annotate(
            # this complaint and the ones before it
            overdue_in_streak=Window(
                Sum(overdue), frame=RowRange(start=1 - TALK_STREAK, end=0), **over
            ),
            **{f"id_{back}": Window(Lag("pk", back), **over) for back in before},
            **{f"due_{back}": Window(Lag("resolve_due", back), **over) for back in before},
        )
        # Only conditions on window results: Django applies them after the windows.
        .filter(overdue_in_streak=TALK_STREAK)
        .order_by("team_id", "resolve_due", "pk")
        .values(
            "team_id",
            "pk",
            "resolve_due",
            *(f"{key}_{back}" for back in before for key in ("id", "due")),
        )
    )
    streaks: dict[int, list[list[dict]]] = defaultdict(list)
    for row in rows:
        runs = streaks[row["team_id"]]
        if runs and runs[-1][-1]["id"] == row["id_1"]:
            runs[-1].append(_linked(row["pk"], row["resolve_due"]))
        else:
            runs.append(
                [_linked(row[f"id_{back}"], row[f"due_{back}"]) for back in before]
                + [_linked(row["pk"], row["resolve_due"])]
            )
    return dict(streaks)


def _linked(pk: int, due: datetime) -> dict:
    return {"id": pk, "reference": Complaint(pk=pk).reference, "due_at": due.isoformat()}


def _analytic(compute: Callable[..., dict]) -> Callable[..., dict]:
    """On PostgreSQL, run a report's queries in one transaction without JIT compilation
    (compiling costs more than these sub-second queries gain) and with the memory to sort
    the month in memory rather than on disk; both settings end with the transaction.
    (Not on SQLite, where a transaction here would take the write lock.)"""

    @functools.wraps(compute)
    def run(**kwargs) -> dict:
        if connection.vendor != "postgresql":
            return compute(**kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL work_mem = '64MB'")
            return compute(**kwargs)

    return run


# The red/black list ---------------------------------------------------------------------


@_analytic
def red_black_compute(*, property_id: int, month: date) -> dict:
    """The red/black list of one property and month, live, as a JSON-ready dict."""
    closed = _ClosedMonth.of(property_id=property_id, month=month)
    rows = _counted_rows(closed, group_by=["team_id", "owner_id", "level"])
    surveys = _survey_rows(closed, group_by=["complaint__team_id", "complaint__owner_id"])
    streaks = overdue_streaks(property_id=property_id, start=closed.start, end=closed.end)

    total = _blank_counts()
    by_team: dict[int | None, dict] = defaultdict(_blank_counts)
    by_owner: dict[int | None, dict] = defaultdict(_blank_counts)
    for row in rows:
        for counts in (total, by_team[row["team_id"]], by_owner[row["owner_id"]]):
            _add_row(counts, row)
    for row in _repeat_rows(
        property_id=property_id,
        start=closed.start,
        end=closed.end,
        group_by=["team_id", "owner_id"],
    ):
        for counts in (total, by_team[row["team_id"]], by_owner[row["owner_id"]]):
            counts["repeats"] += row["repeats"]
    for row in surveys:
        team, owner = row["complaint__team_id"], row["complaint__owner_id"]
        for counts in (total, by_team[team], by_owner[owner]):
            counts["surveys"] += row["surveys"]
            counts["survey_points"] += row["points"]

    team_ids = set(by_team) - {None}
    teams = (
        Team.objects.filter(Q(property_id=property_id) | Q(pk__in=team_ids))
        .select_related("leader")
        .order_by("name")
    )
    team_entries = []
    for team in teams:
        team_entries.append(
            {
                "id": team.pk,
                "name": team.name,
                "leader": user_display_name(team.leader) if team.leader else "",
                **_with_figures(by_team.get(team.pk) or _blank_counts()),
                "talk": streaks.get(team.pk, []),
            }
        )
    if None in by_team:
        team_entries.append(
            {
                "id": None,
                "name": "—",
                "leader": "",
                **_with_figures(by_team[None]),
                "talk": [],
            }
        )
    _rank(team_entries)

    owners = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=set(by_owner) - {None})
        .select_related("staff_profile__team")
    }
    owner_entries = []
    for owner_id, counts in by_owner.items():
        user = owners.get(owner_id)
        profile = getattr(user, "staff_profile", None) if user else None
        owner_entries.append(
            {
                "id": owner_id,
                "name": user_display_name(user) if user else "—",
                "team": profile.team.name if profile and profile.team else "",
                **_with_figures(counts),
            }
        )
    _rank(owner_entries)

    return {
        "kind": MonthlySnapshot.Kind.RED_BLACK.value,
        "month": f"{month:%Y-%m}",
        "property": _property_info(property_id),
        "computed_at": clock.now().isoformat(),
        "rules": RULES,
        "summary": _with_figures(total),
        "teams": team_entries,
        "owners": owner_entries,
        "talks": [
            {"team_id": entry["id"], "team": entry["name"], "leader": entry["leader"], "runs": runs}
            for entry in team_entries
            if (runs := entry["talk"])
        ],
    }


def _property_info(property_id: int) -> dict:
    name = Property.objects.filter(pk=property_id).values_list("name", flat=True).first()
    return {"id": property_id, "name": name or ""}


# The monthly analysis -------------------------------------------------------------------


@_analytic
def analysis_compute(*, property_id: int, month: date) -> dict:
    """The monthly analysis of one property and month, live, as a JSON-ready dict."""
    closed = _ClosedMonth.of(property_id=property_id, month=month)
    start, end = closed.start, closed.end
    handled = Q(handled_at__isnull=False)
    rows = _counted_rows(
        closed,
        group_by=["category_id", "building_id", "level"],
        handled=Count("pk", filter=handled),
        handling=Sum(
            F("handled_at") - F("created_at"), filter=handled, output_field=DurationField()
        ),
    )
    received = list(
        Complaint.objects.filter(property_id=property_id, created_at__gte=start, created_at__lt=end)
        .exclude(state__in=DISCARDED_STATES)
        .order_by()
        .values("category_id", "building_id")
        .annotate(received=Count("pk"))
    )

    total = {**_blank_counts(), "received": 0, "handled": 0, "handling_seconds": 0.0}
    by_category: dict[int | None, dict] = defaultdict(_place_counts)
    by_building: dict[int | None, dict] = defaultdict(_place_counts)
    for row in rows:
        _add_row(total, row)
        row["handling_seconds"] = row["handling"].total_seconds() if row["handling"] else 0.0
        for counts in (total, by_category[row["category_id"]], by_building[row["building_id"]]):
            for key in ("handled", "handling_seconds"):
                counts[key] += row[key]
        for counts in (by_category[row["category_id"]], by_building[row["building_id"]]):
            for key in ("closed", "on_time"):
                counts[key] += row[key]
    for row in _repeat_rows(
        property_id=property_id, start=start, end=end, group_by=["category_id", "building_id"]
    ):
        for counts in (total, by_category[row["category_id"]], by_building[row["building_id"]]):
            counts["repeats"] += row["repeats"]
    for row in received:
        total["received"] += row["received"]
        by_category[row["category_id"]]["received"] += row["received"]
        by_building[row["building_id"]]["received"] += row["received"]

    (surveys,) = _survey_rows(closed, group_by=[])
    total["surveys"], total["survey_points"] = surveys["surveys"], surveys["points"] or 0
    trend = satisfaction_trend(property_id=property_id, month=month, this_month=total)
    summary = _with_figures(total)
    summary["mean_handling_hours"] = _hours(total)
    summary["repeat_rate"] = _ratio(total["repeats"], total["received"])

    categories = _category_names(set(by_category) - {None})
    buildings = dict(
        Building.objects.filter(pk__in=set(by_building) - {None}).values_list("pk", "name")
    )
    category_entries = [
        {
            "id": category_id,
            **categories.get(category_id, {"name_zh_hans": "未分类", "name_en": "Unclassified"}),
            **_place_figures(counts),
        }
        for category_id, counts in by_category.items()
    ]
    category_entries.sort(
        key=lambda entry: (-entry["received"], -entry["closed"], entry["name_en"])
    )
    building_entries = [
        {"id": building_id, "name": buildings.get(building_id, ""), **_place_figures(counts)}
        for building_id, counts in by_building.items()
    ]
    building_entries.sort(key=lambda entry: (-entry["received"], -entry["closed"], entry["name"]))

    return {
        "kind": MonthlySnapshot.Kind.ANALYSIS.value,
        "month": f"{month:%Y-%m}",
        "property": _property_info(property_id),
        "computed_at": clock.now().isoformat(),
        "rules": RULES,
        "summary": summary,
        "levels": [{"level": int(level), **summary["levels"][level]} for level in LEVELS],
        "categories": category_entries,
        "buildings": building_entries,
        "trend": trend,
    }


def _place_counts() -> dict:
    return {
        "received": 0,
        "closed": 0,
        "on_time": 0,
        "repeats": 0,
        "handled": 0,
        "handling_seconds": 0.0,
    }


def _hours(counts: dict) -> float | None:
    ratio = _ratio(counts["handling_seconds"], counts["handled"])
    return ratio / 3600 if ratio is not None else None


def _place_figures(counts: dict) -> dict:
    return {
        **counts,
        "on_time_rate": _ratio(counts["on_time"], counts["closed"]),
        "repeat_rate": _ratio(counts["repeats"], counts["received"]),
        "mean_handling_hours": _hours(counts),
    }


def _category_names(ids: Iterable[int]) -> dict[int, dict]:
    names = {}
    for category in Category.objects.filter(pk__in=list(ids)).select_related("parent"):
        parent = category.parent
        names[category.pk] = {
            "name_zh_hans": f"{parent.name_zh_hans} / {category.name_zh_hans}"
            if parent
            else category.name_zh_hans,
            "name_en": f"{parent.name_en} / {category.name_en}" if parent else category.name_en,
        }
    return names


def satisfaction_trend(*, property_id: int, month: date, this_month: dict) -> list[dict]:
    """Mean satisfaction of the complaints closed in each of the TREND_MONTHS months
    ending with `month`, whose own counts (closed, surveys, survey_points) are given. A
    month already published gives its published figures; the others are counted live,
    all of them in two queries."""
    months = [month_add(month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    published = {
        snapshot.month: snapshot.data["summary"]
        for snapshot in MonthlySnapshot.objects.filter(
            kind=MonthlySnapshot.Kind.ANALYSIS,
            property_id=property_id,
            month__in=months[:-1],
        ).only("month", "data")
    }
    live = [item for item in months[:-1] if item not in published]
    counted: dict[date, dict] = {month: this_month}
    if live:
        ranges = {item: month_bounds(item) for item in live}
        closed = (
            Complaint.objects.filter(
                property_id=property_id,
                closed_at__gte=ranges[live[0]][0],
                closed_at__lt=ranges[live[-1]][1],
            )
            .order_by()
            .aggregate(
                **{
                    f"m{index}": Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end))
                    for index, (start, end) in enumerate(ranges.values())
                }
            )
        )
        points = F("solved") + F("speed") + F("attitude")
        surveys = (
            Survey.objects.filter(
                submitted_at__isnull=False,
                complaint__property_id=property_id,
                complaint__closed_at__gte=ranges[live[0]][0],
                complaint__closed_at__lt=ranges[live[-1]][1],
            )
            .order_by()
            .aggregate(
                **{
                    f"{key}{index}": aggregate(
                        value,
                        filter=Q(complaint__closed_at__gte=start, complaint__closed_at__lt=end),
                    )
                    for index, (start, end) in enumerate(ranges.values())
                    for key, aggregate, value in (("n", Count, "pk"), ("p", Sum, points))
                }
            )
        )
        for index, item in enumerate(live):
            counted[item] = {
                "closed": closed[f"m{index}"],
                "surveys": surveys[f"n{index}"],
                "survey_points": surveys[f"p{index}"] or 0,
            }
    trend = []
    for item in months:
        source = published.get(item) or counted[item]
        trend.append(
            {
                "month": f"{item:%Y-%m}",
                "published": item in published,
                "closed": source["closed"],
                "surveys": source["surveys"],
                "survey_points": source["survey_points"],
                "mean_satisfaction": _ratio(source["survey_points"], 3 * source["surveys"]),
            }
        )
    return trend


# Published months -----------------------------------------------------------------------

COMPUTE = {
    MonthlySnapshot.Kind.RED_BLACK: red_black_compute,
    MonthlySnapshot.Kind.ANALYSIS: analysis_compute,
}


def report_for(*, kind: str, property_id: int, month: date) -> tuple[dict, MonthlySnapshot | None]:
    """The report to show: the published snapshot when there is one, else live figures
    (with None for the snapshot, meaning "not final")."""
    snapshot = MonthlySnapshot.objects.filter(
        kind=kind, property_id=property_id, month=month
    ).first()
    if snapshot is not None:
        return snapshot.data, snapshot
    return COMPUTE[MonthlySnapshot.Kind(kind)](property_id=property_id, month=month), None


def snapshots_publish(*, month: date, now: datetime | None = None, idle: bool = True) -> int:
    """Store both reports of `month` for every property that has no snapshot of it yet
    (the monthly job, on the 1st). Idempotent: an existing snapshot is never changed,
    and a snapshot another process stored meanwhile is left as it is. Only a month that
    is over can be published. With `idle` False, a property that had no complaint filed,
    due or closed in the month is left out. Returns the number of snapshots created."""
    now = now or clock.now()
    month = month.replace(day=1)
    start, end = month_bounds(month)
    if end > now:
        raise ValueError(f"{month:%Y-%m} is not over yet: it cannot be published")
    done = set(MonthlySnapshot.objects.filter(month=month).values_list("kind", "property_id"))
    properties = Property.objects.order_by("pk")
    if not idle:
        in_month = Complaint.objects.filter(property_id=OuterRef("pk"))
        properties = properties.filter(
            Exists(in_month.filter(created_at__gte=start, created_at__lt=end))
            | Exists(in_month.filter(resolve_due__gte=start, resolve_due__lt=end))
            | Exists(in_month.filter(closed_at__gte=start, closed_at__lt=end))
        )
    created = 0
    for property_id in properties.values_list("pk", flat=True):
        for kind, compute in COMPUTE.items():
            if (kind.value, property_id) in done:
                continue
            data = compute(property_id=property_id, month=month)
            try:
                with transaction.atomic():
                    MonthlySnapshot.objects.create(
                        kind=kind, month=month, property_id=property_id, published_at=now, data=data
                    )
            except IntegrityError:
                continue  # published by another run meanwhile: keep that one
            created += 1
    return created
