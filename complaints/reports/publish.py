"""Who reads which property's reports, the live-or-published report of a month, and
publishing a month as snapshots."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from buildings.models import Property
from complaints import clock
from complaints.models import Complaint, MonthlySnapshot
from complaints.reports.analysis import analysis_compute
from complaints.reports.months import month_add, month_bounds, month_of
from complaints.reports.red_black import red_black_compute
from staff.selectors import property_ids_visible_to


def report_property_ids_for(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """The properties whose reports this user may read: those in scope for holders of
    `view_monthlysnapshot` (supervisors and project managers, given by a migration;
    superusers), none for everyone else."""
    if not user.is_authenticated or not user.has_perm("complaints.view_monthlysnapshot"):
        return frozenset()
    return property_ids_visible_to(user)


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


def report_month_default(*, kind: str, property_id: int) -> date:
    """The month a report opens on when none is asked for: last month's once it is
    published (the final report a supervisor reads), else this month's live figures."""
    current = month_of(clock.now())
    last = month_add(current, -1)
    published = MonthlySnapshot.objects.filter(kind=kind, property_id=property_id, month=last)
    return last if published.exists() else current


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
