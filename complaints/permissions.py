"""Who may do what to a complaint, now (SPEC §2–§3): the one home of every such rule.

- `can_<transition>(complaint, user)` decides a state transition. The model's
  `permission=` callables call these (complaints.models imports this module only when
  asked, as this module needs the model), so django-fsm's `has_transition_perm` and
  `get_available_user_state_transitions` answer by them.
- `<action>_refusal(complaint, user)` returns the domain error that refuses an action,
  or None when it is allowed; `action_refusal` answers for any action, transitions
  included. Services raise the refusal; the admin offers an action only when there is
  none, so a button is never shown for something the service would refuse.
- `<rule>_reason_refusal(...)`: acting on someone else's complaint needs a reason.
- `owner_candidates` is the people who may become a complaint's owner, for the transfer
  form and the transfer service alike.

Roles are groups of permissions (staff.roles); the scheduled jobs' system actor has its
own group, so no rule here names a role, and only the closing reason names the system.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from complaints.exceptions import (
    ComplaintError,
    InvalidInput,
    NotAllowed,
    ReopenWindowClosed,
    WrongState,
)
from complaints.models import (
    CLOSED_STATES,
    DISCARDED_STATES,
    IN_PROGRESS_STATES,
    OWNERLESS_STATES,
    Complaint,
    State,
    Transition,
)
from staff.selectors import is_system_user, user_display_name

TRANSITIONS = (
    Transition.ACCEPT,
    Transition.CLASSIFY,
    Transition.DISPATCH,
    Transition.HANDLE,
    Transition.CLOSE,
    Transition.REVISIT,
    Transition.REOPEN,
    Transition.WITHDRAW,
    Transition.MERGE,
)

OWNER_PERMISSION = "complaints.accept_complaint"
"""Who holds it may own complaints: accept them, or receive them by a transfer."""


def wrong_state(complaint: Complaint, action: str) -> WrongState:
    return WrongState(
        _("Cannot %(action)s: the complaint is now “%(state)s”.")
        % {"action": Transition(action).label, "state": complaint.get_state_display()}
    )


# Who the user is to this complaint


def is_owner_or_overrider(user: AbstractBaseUser, complaint: Complaint) -> bool:
    """The owner, or someone allowed to act on complaints owned by others (with a reason)."""
    return complaint.owner_id == user.pk or user.has_perm("complaints.override_owner")


def has_perm_on_own(user: AbstractBaseUser, complaint: Complaint, perm: str) -> bool:
    """The owner with `perm`, or an overrider with `perm`."""
    return user.has_perm(perm) and is_owner_or_overrider(user, complaint)


def is_complaint_resident(user: AbstractBaseUser, complaint: Complaint) -> bool:
    """The resident the complaint was filed for."""
    return complaint.resident_id is not None and complaint.resident.user_id == user.pk


def is_in_dispatched_team(user: AbstractBaseUser, complaint: Complaint) -> bool:
    """The assignee, a member or the leader of the team the complaint is dispatched to."""
    if complaint.assignee_id == user.pk:
        return True
    if complaint.team_id is None:
        return False
    profile = getattr(user, "staff_profile", None)
    return (profile is not None and profile.team_id == complaint.team_id) or (
        complaint.team.leader_id == user.pk
    )


# The transitions (the model's `permission=`)


def can_accept(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return user.has_perm(OWNER_PERMISSION)


def can_classify(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return has_perm_on_own(user, complaint, "complaints.classify_complaint")


def can_dispatch(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return has_perm_on_own(user, complaint, "complaints.dispatch_complaint")


def can_handle(complaint: Complaint, user: AbstractBaseUser) -> bool:
    if not user.has_perm("complaints.handle_complaint"):
        return False
    return is_in_dispatched_team(user, complaint) or user.has_perm("complaints.override_owner")


def can_close(complaint: Complaint, user: AbstractBaseUser) -> bool:
    """The resident confirming, or the owner (an overrider: the auto-confirm job too)."""
    return is_complaint_resident(user, complaint) or has_perm_on_own(
        user, complaint, "complaints.close_complaint"
    )


def can_revisit(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return user.has_perm("complaints.revisit_complaint")


REOPEN_PERMISSION = "complaints.reopen_complaint"
"""Who holds it reopens a closed complaint by recording its revisit as "not solved"."""


def can_reopen(complaint: Complaint, user: AbstractBaseUser) -> bool:
    """SPEC §3: the resident, while handled ("not fixed") or within 7 days of closing;
    staff reopen through the revisit (`can_reopen_by_revisit`), not by this transition,
    except a project manager's override: one who may reopen and act on complaints owned
    by others, with a reason (the service requires one) that lands in the history."""
    if is_complaint_resident(user, complaint):
        return complaint.state == State.HANDLED or complaint.within_resident_reopen_window()
    return user.has_perm(REOPEN_PERMISSION) and user.has_perm("complaints.override_owner")


def can_reopen_by_revisit(complaint: Complaint, user: AbstractBaseUser) -> bool:
    """Customer service recording the call-back as "not solved" reopens the complaint."""
    return can_revisit(complaint, user) and user.has_perm(REOPEN_PERMISSION)


def can_withdraw(complaint: Complaint, user: AbstractBaseUser) -> bool:
    return is_complaint_resident(user, complaint)


def can_merge(complaint: Complaint, user: AbstractBaseUser) -> bool:
    if complaint.state == State.NEW:
        return user.has_perm("complaints.merge_complaint")
    return has_perm_on_own(user, complaint, "complaints.merge_complaint")


def transition_refusal(
    complaint: Complaint, name: str, user: AbstractBaseUser
) -> ComplaintError | None:
    """Why `user` may not run the transition `name` now: the state, or the permission."""
    method = getattr(complaint, name)
    if not can_proceed(method):
        return wrong_state(complaint, name)
    if not has_transition_perm(method, user):
        if name == Transition.REOPEN:
            return reopen_refusal(complaint, user)
        return NotAllowed()
    return None


def reopen_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError:
    """Why `can_reopen` said no: to its own resident, only once the window is over; to
    staff, because their way is the revisit."""
    if is_complaint_resident(user, complaint):
        return ReopenWindowClosed()
    return NotAllowed(
        _(
            "Staff reopen a complaint through the revisit: record the call-back as “not "
            "solved”. Otherwise only the resident, or a project manager with a reason, "
            "may reopen it."
        )
    )


def revisit_reopen_refusal(complaint: Complaint, user: AbstractBaseUser) -> NotAllowed | None:
    """Recording a revisit as "not solved" reopens the complaint: it needs both rights."""
    if not can_reopen_by_revisit(complaint, user):
        return NotAllowed(_("You may record the revisit but not reopen the complaint."))
    return None


# The actions that are not transitions


def transfer_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if not user.has_perm("complaints.transfer_complaint"):
        return NotAllowed()
    if complaint.state in OWNERLESS_STATES:
        return wrong_state(complaint, Transition.TRANSFER)
    return None


def set_level_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.state not in IN_PROGRESS_STATES or complaint.level is None:
        return wrong_state(complaint, Transition.SET_LEVEL)
    if not has_perm_on_own(user, complaint, "complaints.classify_complaint"):
        return NotAllowed()
    return None


def hold_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    """Holding is the owner's act: the owner, or an overrider who may own complaints."""
    if complaint.state not in IN_PROGRESS_STATES or complaint.resolve_due is None:
        return wrong_state(complaint, Transition.HOLD)
    if complaint.held_since is not None:
        return WrongState(_("This complaint is already on hold."))
    if not has_perm_on_own(user, complaint, OWNER_PERMISSION):
        return NotAllowed(_("Only the owner may put a complaint on hold."))
    return None


def resume_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    """The owner, or an overrider: the sweep ends holds at their expected time."""
    if complaint.held_since is None:
        return WrongState(_("This complaint is not on hold."))
    if not is_owner_or_overrider(user, complaint):
        return NotAllowed(_("Only the owner may resume a complaint."))
    return None


def on_site_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    if complaint.state != State.DISPATCHED:
        return wrong_state(complaint, Transition.ON_SITE)
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


def survey_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    """The resident rates a closing, once it is closed."""
    if not is_complaint_resident(user, complaint):
        return NotAllowed()
    if complaint.state not in CLOSED_STATES:
        return wrong_state(complaint, Transition.SURVEY)
    return None


MESSAGE_PERMISSION = "complaints.add_complaintmessage"


def message_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    """Writing to the resident (with a reply script or not): staff who may, about a
    complaint that has a resident with a portal account and is not discarded; once it
    is accepted, its owner (首问负责制: the first responder speaks for it) or an
    overrider."""
    if not user.has_perm(MESSAGE_PERMISSION):
        return NotAllowed(_("You may not write to residents."))
    if complaint.owner_id is not None and not is_owner_or_overrider(user, complaint):
        return NotAllowed(_("The owner of this complaint writes to the resident."))
    if complaint.state in DISCARDED_STATES:
        return wrong_state(complaint, Transition.MESSAGE)
    if complaint.resident_id is None or complaint.resident.anonymised_at is not None:
        return WrongState(_("This complaint has no resident account to write to."))
    return None


def model_case_refusal(complaint: Complaint, user: AbstractBaseUser) -> ComplaintError | None:
    """Agents and project managers write up a closed complaint as a model case, once."""
    if not user.has_perm("complaints.add_modelcase"):
        return NotAllowed(_("You may not write model cases."))
    if complaint.state not in CLOSED_STATES:
        return WrongState(_("Only a closed complaint can become a model case."))
    if hasattr(complaint, "model_case"):
        return WrongState(_("This complaint is already a model case."))
    return None


REFUSALS = {
    Transition.SET_LEVEL: set_level_refusal,
    Transition.HOLD: hold_refusal,
    Transition.RESUME: resume_refusal,
    Transition.ON_SITE: on_site_refusal,
    Transition.TRANSFER: transfer_refusal,
    "reveal_contact": reveal_contact_refusal,
    Transition.SURVEY: survey_refusal,
    Transition.MESSAGE: message_refusal,
    "model_case": model_case_refusal,
}


def action_refusal(
    complaint: Complaint, action: str, user: AbstractBaseUser
) -> ComplaintError | None:
    """Why `user` may not do `action` (a transition or one of REFUSALS) now, or None."""
    if action in TRANSITIONS:
        return transition_refusal(complaint, action, user)
    return REFUSALS[action](complaint, user)


def may(complaint: Complaint, action: str, user: AbstractBaseUser) -> bool:
    """Whether a page should offer `action`: the service would not refuse it now."""
    return action_refusal(complaint, action, user) is None


# Reasons: acting on someone else's complaint is never silent


def override_reason_refusal(
    complaint: Complaint, user: AbstractBaseUser, reason: str
) -> InvalidInput | None:
    """An overrider acting on a complaint owned by someone else must say why."""
    if complaint.owner_id not in (None, user.pk) and not reason.strip():
        return InvalidInput(
            _("Give a reason: this complaint is owned by %(name)s.")
            % {"name": user_display_name(complaint.owner)},
            field="reason",
        )
    return None


def handle_reason_refusal(
    complaint: Complaint, user: AbstractBaseUser, reason: str
) -> InvalidInput | None:
    """An overrider handling for a team they are not in must say why."""
    if not is_in_dispatched_team(user, complaint) and not reason.strip():
        return InvalidInput(
            _("Give a reason: this complaint is dispatched to %(team)s.")
            % {"team": complaint.team.name if complaint.team_id else "-"},
            field="reason",
        )
    return None


def close_reason_refusal(
    complaint: Complaint, user: AbstractBaseUser, reason: str
) -> InvalidInput | None:
    """Closing without the resident's confirmation needs a reason, except the job's closing
    when the confirmation window passed (the window is its reason)."""
    if is_complaint_resident(user, complaint) or is_system_user(user):
        return None
    if not reason.strip():
        return InvalidInput(_("Give the reason for closing without the resident."), field="reason")
    return None


# Ownership


def owner_candidates(complaint: Complaint) -> QuerySet:
    """Who may become this complaint's owner: active staff of its property who hold the
    owner's permission (through a group, directly, or as superusers)."""
    app_label, codename = OWNER_PERMISSION.split(".")
    owner_permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=owner_permission)
            | Q(user_permissions__in=owner_permission)
        )
        .filter(Q(is_superuser=True) | Q(staff_profile__properties=complaint.property_id))
        .distinct()
    )


def new_owner_refusal(complaint: Complaint, new_owner: AbstractBaseUser) -> InvalidInput | None:
    if not owner_candidates(complaint).filter(pk=new_owner.pk).exists():
        return InvalidInput(
            _("The new owner must be active staff of this property who may accept complaints."),
            field="new_owner",
        )
    return None


# Service quality: reply scripts, inspections, corrective actions (issue 16)


def script_delete_refusal(script, user: AbstractBaseUser) -> ComplaintError | None:
    """A script that was used is kept for the messages written with it: retire it."""
    if not user.has_perm("complaints.delete_replyscript"):
        return NotAllowed()
    if script.pk is not None and script.messages.exists():
        return WrongState(
            _("This script was used in messages to residents: retire it instead of deleting it.")
        )
    return None


def script_change_refusal(script, user: AbstractBaseUser) -> ComplaintError | None:
    """Company-wide scripts are head office's (superusers); a property's, its managers'."""
    if not user.has_perm("complaints.change_replyscript"):
        return NotAllowed()
    if script.property_id is None and not user.is_superuser:
        return NotAllowed(_("Company-wide scripts are kept by head office."))
    return None


def inspection_score_refusal(inspection, user: AbstractBaseUser) -> ComplaintError | None:
    if not user.has_perm("complaints.score_inspection"):
        return NotAllowed(_("Only quality supervisors score inspections."))
    if inspection.scored_at is not None:
        return WrongState(_("This inspection is already scored."))
    return None


def corrective_answer_refusal(action, user: AbstractBaseUser) -> ComplaintError | None:
    """The team leader answers their team's corrective action, once."""
    if action.leader_id != user.pk and action.team.leader_id != user.pk:
        return NotAllowed(_("Only the team's leader answers its corrective actions."))
    if action.state != action.State.OPEN:
        return WrongState(_("This corrective action is already answered."))
    return None


def corrective_close_refusal(action, user: AbstractBaseUser) -> ComplaintError | None:
    """A quality supervisor closes a corrective action the leader has answered."""
    if not user.has_perm("complaints.score_inspection"):
        return NotAllowed(_("Only quality supervisors close corrective actions."))
    if action.state != action.State.ANSWERED:
        return WrongState(_("Only an answered corrective action can be closed."))
    return None


def model_case_change_refusal(case, user: AbstractBaseUser) -> ComplaintError | None:
    """A case is rewritten by those who may write cases (among the cases they can see:
    complaints.quality.selectors.model_cases_visible_to)."""
    if not user.has_perm("complaints.change_modelcase"):
        return NotAllowed()
    return None
