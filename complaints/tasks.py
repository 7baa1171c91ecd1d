"""Scheduled jobs (django-q2), under the names their schedules call; the SLA sweep and
the ownership guard live in `complaints.sla.sweep`. Each takes an optional `now` so tests
can call it directly, works in chunks, and is idempotent: unique constraints make a
second run, or a run in another cluster at the same time, record and notify nothing
twice. A crash loses at most the chunk in progress, which the next run redoes."""

import logging
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from complaints import clock
from complaints.exceptions import ComplaintError
from complaints.models import CLOSED_STATES, Complaint, State, Survey
from complaints.notifications import (
    already_notified,
    event_key,
    notification_build,
    notifications_deliver,
    notifications_save,
)
from complaints.reasons import SystemReason, system_reason
from complaints.schedules import schedule_interval
from complaints.services import complaint_close, settings_duration
from complaints.services.base import SURVEY_PROMISE
from complaints.sla.sweep import CHUNK_SIZE, ownership_guard, sla_sweep
from staff.selectors import service_leader_id_by_property, system_user

__all__ = [
    "auto_confirm",
    "inspections_monthly_draw",
    "monthly_snapshot",
    "notifications_deliver_task",
    "ownership_guard",
    "revisit_queue",
    "sla_sweep",
    "survey_dispatch",
]
logger = logging.getLogger(__name__)


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
            with clock.at(now):
                complaint_close(
                    complaint_id=complaint_id,
                    actor=system,
                    reason=system_reason(SystemReason.AUTO_CONFIRMED),
                )
        except ComplaintError as error:
            logger.info("Auto-confirm skipped complaint %s: %s", complaint_id, error)
        else:
            closed += 1
    return closed


def survey_waiting_time() -> timedelta:
    """How long after closing `survey_dispatch` sends the survey: the PROPERTYDESK_SURVEY_DELAY
    setting (1 h by default), cut so that the last run before the 24 h promise is up still
    sends it however far apart the runs are (24 h less the job's interval)."""
    latest = SURVEY_PROMISE - schedule_interval("complaints.tasks.survey_dispatch")
    return min(settings_duration("SURVEY_DELAY"), latest)


def survey_dispatch(*, now: datetime | None = None) -> int:
    """Invite the resident to rate each closing, once, soon after it was closed (see
    `survey_waiting_time`), within the 24 h SPEC §3 promises."""
    now = now or clock.now()
    due = list(
        Complaint.objects.filter(
            state__in=CLOSED_STATES,
            closed_at__lte=now - survey_waiting_time(),
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
        .filter(~Exists(already_notified("revisit_due", "reopen_count")))
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


def inspections_monthly_draw(*, now: datetime | None = None) -> int:
    """Draw last month's quality inspection sample of every team (the 1st, 02:00);
    a team already drawn for the month is left as it is. Returns the draws made."""
    from complaints.services import inspections_draw

    now = timezone.localtime(now or clock.now())
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(day=1).date()
    return inspections_draw(month=last_month, now=now)


def snapshots_catch_up(month: str) -> int:
    """Publish a month that is over (`month`: its 1st, ISO) for the properties that had
    complaints filed, due or closed in it and no snapshot of it yet."""
    from complaints.reports import snapshots_publish

    return snapshots_publish(month=date.fromisoformat(month), idle=False)
