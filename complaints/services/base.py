"""What every write shares: durations from settings, the save that records history
and late breaches, and the permission check."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from complaints import clock, permissions, sla
from complaints.exceptions import ComplaintError, WrongState
from complaints.models import Breach, Channel, Complaint, Transition

RESIDENT_CHANNELS = (Channel.WEB, Channel.APP)
DURATION_DEFAULTS = {
    "CONFIRMATION_WINDOW": timedelta(hours=72),
    "SURVEY_AFTER": timedelta(hours=24),
    "REVISIT_AFTER": timedelta(hours=48),
}
SATISFACTION_THRESHOLD = 80


def settings_duration(name: str) -> timedelta:
    """PROPERTYDESK_<name> from settings, read at call time."""
    return getattr(settings, f"PROPERTYDESK_{name}", DURATION_DEFAULTS[name])


def complaint_save(
    complaint: Complaint, *, actor: AbstractBaseUser, transition: Transition, reason: str
) -> None:
    now = clock.now()
    sla.refresh_schedule(complaint, now=now)
    complaint._history_user = actor
    complaint._change_reason = reason
    complaint._history_transition = transition
    try:
        complaint.save()
        Breach.objects.bulk_create(sla.late_breaches(complaint, now=now), ignore_conflicts=True)
    except ConcurrentTransition:
        raise WrongState(
            _("Someone else changed this complaint a moment ago. Reload it and try again.")
        ) from None
    finally:
        del complaint._history_user, complaint._change_reason, complaint._history_transition


def refuse(error: ComplaintError | None) -> None:
    if error is not None:
        raise error


def transition_check(complaint: Complaint, name: str, actor: AbstractBaseUser) -> None:
    refuse(permissions.transition_refusal(complaint, name, actor))
