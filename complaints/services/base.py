"""What every write shares: durations from settings, the save that records history
and late breaches, and the permission check."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from complaints import clock, permissions, sla
from complaints.exceptions import ChangedMeanwhile, ComplaintError, WrongState
from complaints.models import Breach, Channel, Complaint, Transition
from complaints.notifications import notifications_save
from complaints.services.notify import deliver_after_commit
from complaints.sla.escalation import breach_notifications
from complaints.webhooks import breaches_announce, complaint_transition_announce

RESIDENT_CHANNELS = (Channel.WEB, Channel.APP)
DURATION_DEFAULTS = {
    "CONFIRMATION_WINDOW": timedelta(hours=72),
    # How long after closing the survey goes out; never later than SURVEY_PROMISE.
    "SURVEY_DELAY": timedelta(hours=1),
    "REVISIT_AFTER": timedelta(hours=48),
}
SATISFACTION_THRESHOLD = 80
# SPEC §3: the survey is sent within 24 h of closing, whatever the delay is set to.
SURVEY_PROMISE = timedelta(hours=24)


def settings_duration(name: str) -> timedelta:
    """PROPERTYDESK_<name> from settings, read at call time."""
    return getattr(settings, f"PROPERTYDESK_{name}", DURATION_DEFAULTS[name])


def complaint_save(
    complaint: Complaint, *, actor: AbstractBaseUser, transition: Transition, reason: str
) -> None:
    """Save with the history row's actor, transition and reason; record the breaches of
    deadlines this change met late, told at once as the sweep tells its own (the same
    people and event keys, so a later sweep adds nothing); the sweep escalates them to
    the project manager one window after the deadline."""
    now = clock.now()
    sla.refresh_schedule(complaint, now=now)
    complaint._history_user = actor
    complaint._change_reason = reason
    complaint._history_transition = transition
    try:
        complaint.save()
        complaint_transition_announce(complaint, transition=transition, now=now)
        late_breaches_record(complaint, now=now)
    except ConcurrentTransition:
        raise WrongState(
            _("Someone else changed this complaint a moment ago. Reload it and try again.")
        ) from None
    finally:
        del complaint._history_user, complaint._change_reason, complaint._history_transition


def late_breaches_record(complaint: Complaint, *, now: datetime) -> None:
    """Record the cycle's deadlines met late that no breach row holds yet (met between
    two sweeps, or while the cluster was down) and tell them. A breach the sweep already
    recorded was told then; the complaint's row lock keeps the sweep out meanwhile."""
    late = sla.late_breaches(complaint, now=now)
    if not late:
        return
    recorded = set(
        Breach.objects.filter(
            complaint=complaint,
            cycle=complaint.reopen_count,
            deadline__in=[b.deadline for b in late],
        ).values_list("deadline", flat=True)
    )
    new = [breach for breach in late if breach.deadline not in recorded]
    if not new:
        return
    Breach.objects.bulk_create(new, ignore_conflicts=True)
    breaches_announce(new)
    notifications_save(breach_notifications(complaint, new, now=now))
    deliver_after_commit()


def refuse(error: ComplaintError | None) -> None:
    if error is not None:
        raise error


def state_expect(complaint: Complaint, expected_state: str | None) -> None:
    """Refuse (ChangedMeanwhile) when the page the caller acted on showed another state
    than the complaint has now; None: the caller showed no state."""
    if expected_state is not None and complaint.state != expected_state:
        raise ChangedMeanwhile(complaint.get_state_display())


def transition_check(complaint: Complaint, name: str, actor: AbstractBaseUser) -> None:
    refuse(permissions.transition_refusal(complaint, name, actor))
