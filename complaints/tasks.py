"""Scheduled jobs (django-q2). Each takes an optional `now` so tests can call it directly,
works in chunks, and is idempotent: unique constraints make a second run, or a run in
another cluster at the same time, record and notify nothing twice. A crash loses at
most the chunk in progress, which the next run redoes."""

import logging
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from complaints import clock, sla
from complaints.exceptions import ComplaintError
from complaints.models import (
    ACCEPTED_OPEN_STATES,
    CLOSED_STATES,
    IN_PROGRESS_STATES,
    Breach,
    Complaint,
    Notification,
    State,
    Survey,
)
from complaints.notifications import (
    event_key,
    event_key_expression,
    notification_build,
    notifications_deliver,
    notifications_save,
)
from complaints.services import complaint_close, settings_duration
from complaints.services.batch import complaints_schedule_save, holds_resume_due
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


def _format(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def sla_sweep(*, now: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> dict[str, int]:
    """Warn owners at 80 %, record breaches, escalate them to the team leader at once and
    to the project manager one window later, and end holds whose time has come.

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
                return totals
            # Before _sweep_chunk moves each complaint's sla_next_at on.
            last = (chunk[-1].sla_next_at, chunk[-1].pk)
            counts = _sweep_chunk(chunk, now=now)
        for key, value in counts.items():
            totals[key] += value


def _build(
    recipients: Iterable[int | None],
    kind: str,
    *,
    complaint: Complaint,
    parts: tuple,
    params: dict,
    now: datetime,
) -> list[Notification]:
    return [
        notification_build(
            recipient_id=user_id,
            kind=kind,
            event_key=event_key(kind, *parts),
            now=now,
            complaint=complaint,
            params=params,
        )
        for user_id in set(recipients)
        if user_id
    ]


def _sweep_chunk(chunk: list[Complaint], *, now: datetime) -> dict[str, int]:
    property_ids = {complaint.property_id for complaint in chunk}
    managers = project_manager_ids_by_property(property_ids)
    service_leaders = service_leader_id_by_property(property_ids)
    system = system_user()

    resumed = holds_resume_due(chunk, actor=system, now=now)

    breaches: list[Breach] = []
    escalated: dict[tuple[str, int], list[int]] = {}
    notifications: list[Notification] = []
    for complaint in chunk:
        cycle = complaint.reopen_count
        leader_id = (
            complaint.team.leader_id
            if complaint.team and complaint.team.leader_id
            else service_leaders.get(complaint.property_id)
        )
        for times in sla.open_deadlines(complaint):
            event = {
                "complaint": complaint,
                "parts": (complaint.pk, times.deadline, cycle),
                "params": {"deadline": times.deadline, "due": _format(times.due_at)},
                "now": now,
            }
            if times.warn_at <= now < times.due_at:
                notifications += _build([complaint.owner_id], "sla_warning", **event)
            if times.due_at <= now:
                breaches.append(
                    sla.breach_of(
                        complaint, deadline=times.deadline, due_at=times.due_at, detected_at=now
                    )
                )
                notifications += _build([leader_id, complaint.owner_id], "sla_breach", **event)
            if times.escalate_at <= now:
                escalated.setdefault((times.deadline, cycle), []).append(complaint.pk)
                notifications += _build(
                    managers.get(complaint.property_id, []), "sla_escalation", **event
                )
        sla.refresh_schedule(complaint, now=now, swept=True)

    Breach.objects.bulk_create(breaches, ignore_conflicts=True)
    if escalated:
        # One term per deadline and cycle, not per complaint: SQLite refuses an
        # expression deeper than 1,000 terms, and each term costs a filter resolution.
        condition = Q()
        for (deadline, cycle), complaint_ids in escalated.items():
            condition |= Q(deadline=deadline, cycle=cycle, complaint_id__in=complaint_ids)
        Breach.objects.filter(condition, escalated_to_manager_at__isnull=True).update(
            escalated_to_manager_at=now
        )
    notifications_save(notifications)
    complaints_schedule_save(chunk)
    return {
        "complaints": len(chunk),
        "breaches": len(breaches),
        "notifications": len(notifications),
        "resumed": len(resumed),
    }


def _notified(kind: str, suffix_field: str):
    """Notifications of `kind` whose event key is "<kind>:<complaint id>:<suffix_field>" for
    the outer complaint: a scan skips what it has already reported."""
    return Notification.objects.filter(
        complaint=OuterRef("pk"),
        kind=kind,
        event_key=event_key_expression(kind, OuterRef("pk"), OuterRef(suffix_field)),
    )


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
        .filter(~Exists(_notified("inactive_owner", "owner_id")))
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


def auto_confirm(*, now: datetime | None = None) -> int:
    """Close handled complaints the resident left unconfirmed past the window."""
    now = now or clock.now()
    cutoff = now - settings_duration("CONFIRMATION_WINDOW")
    system = system_user()
    closed = 0
    for complaint_id in Complaint.objects.filter(
        state=State.HANDLED, handled_at__lte=cutoff
    ).values_list("pk", flat=True)[:CHUNK_SIZE]:
        try:
            complaint_close(complaint_id=complaint_id, actor=system, reason="auto-confirmed")
        except ComplaintError as error:
            logger.info("Auto-confirm skipped complaint %s: %s", complaint_id, error)
        else:
            closed += 1
    return closed


def survey_dispatch(*, now: datetime | None = None) -> int:
    """Invite the resident to rate each closing, once, a day after it was closed."""
    now = now or clock.now()
    due = list(
        Complaint.objects.filter(
            state__in=CLOSED_STATES,
            closed_at__lte=now - settings_duration("SURVEY_AFTER"),
            resident__isnull=False,
        )
        .filter(
            ~Exists(Survey.objects.filter(complaint=OuterRef("pk"), cycle=OuterRef("reopen_count")))
        )
        .select_related("resident")
        .order_by("pk")[:CHUNK_SIZE]
    )
    with transaction.atomic():
        Survey.objects.bulk_create(
            [Survey(complaint=c, cycle=c.reopen_count, sent_at=now) for c in due],
            ignore_conflicts=True,
        )
        notifications_save(
            notification_build(
                recipient_id=c.resident.user_id,
                kind="survey",
                event_key=event_key("survey", c.pk, c.reopen_count),
                now=now,
                complaint=c,
            )
            for c in due
        )
    return len(due)


def revisit_queue(*, now: datetime | None = None) -> int:
    """Tell customer service which closed complaints are due for a call-back: 48 hours
    after closing, or at once when the satisfaction mean fell below 80."""
    now = now or clock.now()
    due = list(
        Complaint.objects.filter(state=State.CLOSED, revisit_due_at__lte=now)
        .filter(~Exists(_notified("revisit_due", "reopen_count")))
        .order_by("revisit_due_at")[:CHUNK_SIZE]
    )
    leaders = service_leader_id_by_property({c.property_id for c in due})
    notifications_save(
        notification_build(
            recipient_id=recipient,
            kind="revisit_due",
            event_key=event_key("revisit_due", c.pk, c.reopen_count),
            now=now,
            complaint=c,
        )
        for c in due
        for recipient in {leaders.get(c.property_id), c.owner_id} - {None}
    )
    return len(due)


def notifications_deliver_task(*, now: datetime | None = None) -> int:
    return notifications_deliver(now=now)


def monthly_snapshot(*, now: datetime | None = None) -> int:
    """Publish last month's red/black list and analysis for every property (the 1st,
    01:00). Then the months before it in the satisfaction trend, each a task of its own,
    publish what was missed (the cluster was down on their 1st). Publishing is
    idempotent: a month already published stays as it was. Returns the number of
    snapshots of last month created."""
    from django_q.tasks import async_task

    from complaints.reports import TREND_MONTHS, month_add, snapshots_publish

    now = timezone.localtime(now or clock.now())
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(day=1).date()
    created = snapshots_publish(month=last_month, now=now)
    for back in range(1, TREND_MONTHS):
        async_task(
            "complaints.tasks.snapshots_catch_up",
            month_add(last_month, -back).isoformat(),
            q_options={"group": "snapshots"},
        )
    return created


def snapshots_catch_up(month: str) -> int:
    """Publish a month that is over (`month`: its 1st, ISO) for the properties that had
    complaints filed, due or closed in it and no snapshot of it yet."""
    from complaints.reports import snapshots_publish

    return snapshots_publish(month=date.fromisoformat(month), idle=False)
