"""Who may do the actions that are not state transitions, and when.

Each `<action>_refusal` returns the domain error that refuses the action, or None
when it is allowed. Services raise it; the admin shows an action's button only when
there is none. The FSM transitions' own rules are on the model (`permission=`).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import has_transition_perm

from complaints.exceptions import ComplaintError, NotAllowed, WrongState
from complaints.models import OWNERLESS_STATES, Complaint, State, has_perm_on_own
from complaints.sla import WATCHED_STATES
from staff.selectors import is_system_user

ACTION_LABELS = {
    "create": gettext_lazy("submit"),
    "accept": gettext_lazy("accept"),
    "classify": gettext_lazy("classify"),
    "dispatch": gettext_lazy("dispatch"),
    "handle": gettext_lazy("mark as handled"),
    "close": gettext_lazy("close"),
    "revisit": gettext_lazy("record the revisit"),
    "reopen": gettext_lazy("reopen"),
    "withdraw": gettext_lazy("withdraw"),
    "merge": gettext_lazy("merge"),
    "transfer": gettext_lazy("transfer ownership"),
    "set_level": gettext_lazy("change the level"),
    "hold": gettext_lazy("put on hold"),
    "resume": gettext_lazy("resume"),
    "on_site": gettext_lazy("record arrival on site"),
    "survey": gettext_lazy("rate the service"),
}


def wrong_state(complaint: Complaint, action: str) -> WrongState:
    return WrongState(
        _("Cannot %(action)s: the complaint is now “%(state)s”.")
        % {"action": ACTION_LABELS[action], "state": complaint.get_state_display()}
    )


def _owner_or_overrider(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return complaint.owner_id == user.pk or user.has_perm("complaints.override_owner")


def transfer_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if not user.has_perm("complaints.transfer_complaint"):
        return NotAllowed()
    if complaint.state in OWNERLESS_STATES:
        return wrong_state(complaint, "transfer")
    return None


def set_level_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.state not in WATCHED_STATES or complaint.level is None:
        return wrong_state(complaint, "set_level")
    if not has_perm_on_own(user, complaint, "complaints.classify_complaint"):
        return NotAllowed()
    return None


def hold_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.state not in WATCHED_STATES or complaint.resolve_due is None:
        return wrong_state(complaint, "hold")
    if complaint.held_since is not None:
        return WrongState(_("This complaint is already on hold."))
    if not _owner_or_overrider(complaint, user):
        return NotAllowed(_("Only the owner may put a complaint on hold."))
    return None


def resume_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.held_since is None:
        return WrongState(_("This complaint is not on hold."))
    if not (_owner_or_overrider(complaint, user) or is_system_user(user)):
        return NotAllowed(_("Only the owner may resume a complaint."))
    return None


def on_site_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.state != State.DISPATCHED:
        return wrong_state(complaint, "on_site")
    if complaint.on_site_at is not None and complaint.on_site_at >= complaint.sla_started_at:
        return WrongState(_("Arrival on site is already recorded."))
    if not has_transition_perm(complaint.handle, user):
        return NotAllowed()
    return None


def reveal_contact_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if not complaint.contact_phone:
        return WrongState(_("No phone number was given."))
    if not (complaint.owner_id == user.pk or user.has_perm("complaints.view_contact_phone")):
        return NotAllowed(_("You may not see residents' phone numbers."))
    return None
