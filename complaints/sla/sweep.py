"""The minute sweep: 80 % warnings, breaches and their escalation, holds that end, and
the ownership guard for complaints nobody has accepted. Each run reads only what is due,
a chunk at a time; on PostgreSQL a second cluster skips the rows the first has locked."""

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q

from complaints import clock, sla
from complaints.models import (
    ACCEPTED_OPEN_STATES,
    IN_PROGRESS_STATES,
    Breach,
    Complaint,
    Notification,
    State,
)
from complaints.notifications import (
    already_notified,
    event_key,
    notification_build,
    notifications_save,
)
from complaints.services.batch import complaints_schedule_save, holds_resume_due
from complaints.sla.escalation import (
    breach_notifications,
    deadline_notifications,
    escalation_notifications,
)
from complaints.webhooks import breaches_announce
from staff.selectors import (
    project_manager_ids_by_property,
    project_manager_links,
    service_leader_id_by_property,
    service_leader_teams,
    system_user,
    user_display_name,
)

logger = logging.getLogger(__name__)
CHUNK_SIZE = 500


def _lock_chunk(queryset):
    """Row-lock the chunk; on PostgreSQL another cluster skips it instead of waiting."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",), no_key=True)
    return queryset


def sla_sweep(*, now: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Warn owners at 80 %, record breaches, escalate them to the team leader at once and
    to the project manager one window later (`breaches_escalate`, for every breach however
    it was recorded), and end holds whose time has come.

    Only complaints whose `sla_next_at` has come are read, a chunk at a time with a fixed
    number of queries per chunk, in the order of the `sla_next_at` index (the longest
    overdue first): each chunk is a range scan of that index. Ordered by primary key, the
    database walked the whole table instead, however few complaints were due.
    """
    now = now or clock.now()
    totals = {"complaints": 0, "breaches": 0, "notifications": 0, "resumed": 0}
    last: tuple[datetime, int] | None = None
    while True:
        with transaction.atomic():
            due = Complaint.objects.filter(sla_next_at__lte=now, state__in=IN_PROGRESS_STATES)
            if last is not None:
                # Past the previous chunk in (sla_next_at, pk) order.
                due = due.filter(sla_next_at__gte=last[0]).filter(
                    Q(sla_next_at__gt=last[0]) | Q(pk__gt=last[1])
                )
            chunk = list(
                _lock_chunk(due.select_related("team").order_by("sla_next_at", "pk"))[:chunk_size]
            )
            if not chunk:
                break
            # Before _sweep_chunk moves each complaint's sla_next_at on.
            last = (chunk[-1].sla_next_at, chunk[-1].pk)
            counts = _sweep_chunk(chunk, now=now)
        for key, value in counts.items():
            totals[key] += value
    # After the breaches this run recorded, so one overdue for a whole window already
    # (the cluster was down) is escalated in the same run.
    escalated = breaches_escalate(now=now, chunk_size=chunk_size)
    totals["escalated"] = escalated["escalated"]
    totals["notifications"] += escalated["notifications"]
    return totals


def _sweep_chunk(chunk: list[Complaint], *, now: datetime) -> dict[str, int]:
    property_ids = {complaint.property_id for complaint in chunk}
    service_leaders = service_leader_id_by_property(property_ids)
    system = system_user()

    resumed = holds_resume_due(chunk, actor=system, now=now)

    breaches: list[Breach] = []
    notifications: list[Notification] = []
    for complaint in chunk:
        for times in sla.open_deadlines(complaint):
            if times.warn_at <= now < times.due_at:
                notifications += deadline_notifications(
                    [complaint.owner_id],
                    "sla_warning",
                    complaint=complaint,
                    deadline=times.deadline,
                    cycle=complaint.reopen_count,
                    due_at=times.due_at,
                    now=now,
                )
            if times.due_at <= now:
                breach = sla.breach_of(
                    complaint, deadline=times.deadline, due_at=times.due_at, detected_at=now
                )
                breaches.append(breach)
                notifications += breach_notifications(
                    complaint, [breach], now=now, service_leaders=service_leaders
                )
        sla.refresh_schedule(complaint, now=now, swept=True)

    Breach.objects.bulk_create(breaches, ignore_conflicts=True)
    breaches_announce(breaches)
    notifications_save(notifications)
    complaints_schedule_save(chunk)
    return {
        "complaints": len(chunk),
        "breaches": len(breaches),
        "notifications": len(notifications),
        "resumed": len(resumed),
    }


def breaches_escalate(*, now: datetime, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Tell the project managers of every breach one window after its deadline, whatever
    the complaint's state now: still open, met late (by a service, between two sweeps or
    while the cluster was down), closed or reopened since. Each breach once: it is marked
    escalated in the chunk's transaction, and on PostgreSQL a second cluster skips the
    rows the first has locked. Reads the partial index of breaches still to escalate."""
    totals = {"escalated": 0, "notifications": 0}
    due = Breach.objects.filter(escalated_to_manager_at__isnull=True, escalate_at__lte=now)
    # Most minutes nothing is due: one probe of the index, no transaction.
    while due.exists():
        with transaction.atomic():
            ordered = due.select_related("complaint").order_by("escalate_at", "pk")
            chunk = list(_lock_chunk(ordered)[:chunk_size])
            if not chunk:
                break  # the rest is locked by another cluster, which escalates it
            notifications = escalation_notifications(chunk, now=now)
            Breach.objects.filter(
                pk__in=[breach.pk for breach in chunk], escalated_to_manager_at__isnull=True
            ).update(escalated_to_manager_at=now)
            notifications_save(notifications)
        totals["escalated"] += len(chunk)
        totals["notifications"] += len(notifications)
    return totals


def ownership_guard(*, now: datetime | None = None) -> int:
    """Escalate new complaints nobody accepted within the first-response window to the
    customer-service leader, and flag complaints whose owner's account is inactive to
    the project managers. Returns the number of notifications created."""
    now = now or clock.now()
    notifications: list[Notification] = []
    unaccepted = (
        Complaint.objects.filter(state=State.NEW, first_response_due__lte=now)
        .filter(~Exists(Notification.objects.filter(complaint=OuterRef("pk"), kind="unaccepted")))
        # Those of a property with nobody to tell would fill every chunk for good.
        .filter(Exists(service_leader_teams().filter(property_id=OuterRef("property_id"))))
        .order_by("created_at")[:CHUNK_SIZE]
    )
    unaccepted = list(unaccepted)
    leaders = service_leader_id_by_property({c.property_id for c in unaccepted})
    for complaint in unaccepted:
        window = complaint.first_response_due - complaint.created_at
        leader_id = leaders.get(complaint.property_id)
        if leader_id:
            notifications.append(
                notification_build(
                    recipient_id=leader_id,
                    kind="unaccepted",
                    event_key=event_key("unaccepted", complaint.pk),
                    now=now,
                    complaint=complaint,
                    params={"minutes": int(window.total_seconds() // 60)},
                )
            )

    orphaned = list(
        Complaint.objects.filter(state__in=ACCEPTED_OPEN_STATES, owner__is_active=False)
        .filter(~Exists(already_notified("inactive_owner", "owner_id")))
        .filter(Exists(project_manager_links().filter(property_id=OuterRef("property_id"))))
        .select_related("owner")
        .order_by("pk")[:CHUNK_SIZE]
    )
    managers = project_manager_ids_by_property({c.property_id for c in orphaned})
    for complaint in orphaned:
        for manager_id in managers.get(complaint.property_id, []):
            notifications.append(
                notification_build(
                    recipient_id=manager_id,
                    kind="inactive_owner",
                    event_key=event_key("inactive_owner", complaint.pk, complaint.owner_id),
                    now=now,
                    complaint=complaint,
                    params={"owner": user_display_name(complaint.owner)},
                )
            )
    notifications_save(notifications)
    return len(notifications)
