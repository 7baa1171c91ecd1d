"""Holds (the SLA clock stops while the resident or a third party is awaited) and the
on-site mark."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import clock, permissions, sla
from complaints.exceptions import InvalidInput
from complaints.models import Complaint, Hold, Transition
from complaints.notifications import notifications_save
from complaints.reasons import SystemReason, system_reason
from complaints.selectors import complaint_get_for_update
from complaints.services.base import complaint_save, refuse
from complaints.services.batch import hold_resumed_notifications


@transaction.atomic
def complaint_hold(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    reason: str,
    resume_at: datetime,
    note: str = "",
) -> Hold:
    """The owner stops the resolve clock while waiting for access, parts or a third
    party, until `resume_at` at the latest. Not for level I; the level's cap on the total
    time held in a cycle applies."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.hold_refusal(complaint, actor))
    if reason not in Hold.Reason.values:
        raise InvalidInput(_("Choose what you are waiting for."), field="reason")
    now = clock.now()
    if resume_at <= now:
        raise InvalidInput(_("The expected resume time must be in the future."), field="resume_at")
    windows = sla.windows_for(property_id=complaint.property_id, level=complaint.level)
    if not windows.max_hold:
        raise InvalidInput(
            _("%(level)s complaints cannot be put on hold.")
            % {"level": complaint.get_level_display()},
            field="reason",
        )
    remaining = windows.max_hold - complaint.held_total
    if resume_at - now > remaining:
        raise InvalidInput(
            _("At most %(hours)s more hours on hold are allowed for this complaint.")
            % {"hours": max(0, int(remaining.total_seconds() // 3600))},
            field="resume_at",
        )
    hold = Hold.objects.create(
        complaint=complaint,
        reason=reason,
        note=note.strip()[:200],
        started_at=now,
        expected_resume_at=resume_at,
        started_by=actor,
    )
    complaint.held_since = now
    complaint.held_until = resume_at
    complaint_save(
        complaint,
        actor=actor,
        transition=Transition.HOLD,
        reason=system_reason(SystemReason.ON_HOLD, hold_reason=hold.reason, note=hold.note),
    )
    return hold


def hold_end(complaint: Complaint, *, actor: AbstractBaseUser, at: datetime) -> Hold:
    """End the running hold of a locked complaint in memory and in its Hold row."""
    hold = complaint.holds.get(ended_at__isnull=True)
    sla.resume_hold(complaint, at=at)
    hold.ended_at = at
    hold.ended_by = actor
    hold.save(update_fields=["ended_at", "ended_by"])
    return hold


@transaction.atomic
def complaint_resume(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """The owner (or the job, at the expected time) restarts the resolve clock; the
    resolve deadline moves by the time held."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.resume_refusal(complaint, actor))
    now = clock.now()
    hold = hold_end(complaint, actor=actor, at=min(now, complaint.held_until))
    complaint_save(complaint, actor=actor, transition=Transition.RESUME, reason="")
    notifications_save(hold_resumed_notifications(complaint, hold, actor=actor, now=now))
    return complaint


@transaction.atomic
def complaint_mark_on_site(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """A handler of the dispatched team records arriving on site (level I's 30 minutes)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.on_site_refusal(complaint, actor))
    complaint.on_site_at = clock.now()
    complaint_save(complaint, actor=actor, transition=Transition.ON_SITE, reason="")
    return complaint
