"""The lifecycle transitions (SPEC §3), one service each."""

from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from complaints import clock, permissions, sla
from complaints.exceptions import AlreadyAccepted, InvalidInput, WrongState
from complaints.models import DISCARDED_STATES, Category, Complaint, Level, Photo, State, Transition
from complaints.notifications import event_key
from complaints.reasons import SystemReason, system_reason
from complaints.repeats import repeat_key, repeat_members_refresh
from complaints.selectors import complaint_get_for_update
from complaints.services.base import (
    complaint_save,
    refuse,
    settings_duration,
    state_expect,
    transition_check,
)
from complaints.services.holds import hold_end
from complaints.services.notify import alert_level_one, notify, project_manager_ids
from complaints.services.photos import photos_add, photos_process
from staff.models import Team
from staff.selectors import user_display_name


def complaint_accept(
    *, complaint_id: int, actor: AbstractBaseUser, expected_state: str | None = None
) -> Complaint:
    """The actor becomes the owner (首问负责制). Exactly one of many concurrent callers wins;
    the others get AlreadyAccepted naming the owner. `expected_state` is the state the
    caller's page showed: if the complaint has left it without an owner, ChangedMeanwhile."""
    with transaction.atomic():
        complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
        if complaint.state != State.NEW and complaint.owner_id is not None:
            raise AlreadyAccepted(user_display_name(complaint.owner))
        state_expect(complaint, expected_state)
        transition_check(complaint, Transition.ACCEPT, actor)
        complaint.accept(by=actor, at=clock.now())
        try:
            complaint_save(complaint, actor=actor, transition=Transition.ACCEPT, reason="")
        except WrongState:
            pass
        else:
            return complaint
    # The optimistic check lost a race the row lock could not prevent (SQLite):
    # tell the caller who won.
    complaint = Complaint.objects.select_related("owner").get(pk=complaint_id)
    raise AlreadyAccepted(user_display_name(complaint.owner))


@transaction.atomic
def complaint_classify(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    category: Category,
    level: int | None = None,
    reason: str = "",
) -> Complaint:
    """Owner (or an overrider with a reason) sets category and level; the level defaults
    to the category's."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    transition_check(complaint, Transition.CLASSIFY, actor)
    refuse(permissions.override_reason_refusal(complaint, actor, reason))
    if not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    level = level if level is not None else category.default_level
    if level not in Level.values:
        raise InvalidInput(_("Choose level I, II or III."), field="level")
    before = repeat_key(complaint)
    complaint.classify(category=category, level=level, at=clock.now())
    sla.deadlines_compute(complaint, start=complaint.created_at)
    complaint_save(complaint, actor=actor, transition=Transition.CLASSIFY, reason=reason)
    if level == Level.I:
        alert_level_one(complaint)
    repeat_members_refresh(complaint, before=before)
    return complaint


@transaction.atomic
def complaint_set_level(
    *, complaint_id: int, actor: AbstractBaseUser, level: int, reason: str
) -> Complaint:
    """Owner (or an overrider) changes the level of a classified complaint; the cycle's
    deadlines are recomputed from its start, and the change is in history."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.set_level_refusal(complaint, actor))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for changing the level."), field="reason")
    if level not in Level.values:
        raise InvalidInput(_("Choose level I, II or III."), field="level")
    if level == complaint.level:
        raise InvalidInput(_("The complaint already has this level."), field="level")
    if level == Level.I and complaint.held_since is not None:
        raise InvalidInput(_("Resume the complaint before raising it to level I."), field="level")
    complaint.level = level
    sla.deadlines_compute(complaint, start=complaint.sla_started_at)
    complaint_save(complaint, actor=actor, transition=Transition.SET_LEVEL, reason=reason)
    if level == Level.I:
        alert_level_one(complaint)
    return complaint


@transaction.atomic
def complaint_dispatch(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    team: Team,
    assignee: AbstractBaseUser | None = None,
    reason: str = "",
) -> Complaint:
    """Owner (or an overrider with a reason) sends the complaint to a team of its property,
    optionally to one member; re-dispatching to another team is recorded the same way."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    transition_check(complaint, Transition.DISPATCH, actor)
    refuse(permissions.override_reason_refusal(complaint, actor, reason))
    if team.property_id != complaint.property_id:
        raise InvalidInput(_("Choose a team of this complaint's property."), field="team")
    if assignee is not None and not team.members.filter(user=assignee).exists():
        raise InvalidInput(_("The assignee is not a member of that team."), field="assignee")
    complaint.dispatch(team=team, assignee=assignee, at=clock.now())
    complaint_save(complaint, actor=actor, transition=Transition.DISPATCH, reason=reason)
    return complaint


def complaint_handle(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    note: str,
    before_photos: Sequence[UploadedFile] = (),
    after_photos: Sequence[UploadedFile] = (),
    reason: str = "",
) -> Complaint:
    """A member of the dispatched team records what was done, with before/after photos
    when the category asks for them. The resident is then asked to confirm."""
    processed = photos_process({Photo.Step.BEFORE: before_photos, Photo.Step.AFTER: after_photos})
    with transaction.atomic():
        complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
        transition_check(complaint, Transition.HANDLE, actor)
        refuse(permissions.handle_reason_refusal(complaint, actor, reason))
        note = note.strip()
        if not note:
            raise InvalidInput(_("Describe what was done."), field="note")
        if (
            complaint.category is not None
            and complaint.category.needs_photos
            and not after_photos
            and not complaint.photos.filter(step=Photo.Step.AFTER).exists()
        ):
            raise InvalidInput(
                _("This category needs an after photo of the finished work."), field="after_photos"
            )
        photos_add(complaint, processed, actor=actor)
        if complaint.held_since is not None:
            hold_end(complaint, actor=actor, at=clock.now())
        complaint.handle(note=note, at=clock.now())
        complaint_save(complaint, actor=actor, transition=Transition.HANDLE, reason=reason.strip())
        if complaint.resident_id is not None:
            notify(
                complaint,
                [complaint.resident.user_id],
                kind="handled",
                event_key=event_key("handled", complaint.pk, complaint.reopen_count),
            )
        return complaint


@transaction.atomic
def complaint_close(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    reason: str = "",
    expected_state: str | None = None,
) -> Complaint:
    """Close a handled complaint: the resident confirming the fix, the job after the
    confirmation window ("auto-confirmed"), or the owner with a reason (e.g. resident
    unreachable). `expected_state` is the state the caller's page showed
    (ChangedMeanwhile if the complaint has left it)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    state_expect(complaint, expected_state)
    transition_check(complaint, Transition.CLOSE, actor)
    refuse(permissions.close_reason_refusal(complaint, actor, reason))
    reason = reason.strip()
    if not reason and permissions.is_complaint_resident(actor, complaint):
        reason = system_reason(SystemReason.RESIDENT_CONFIRMED)
    complaint.close(reason=reason, at=clock.now())
    complaint.revisit_due_at = complaint.closed_at + settings_duration("REVISIT_AFTER")
    complaint_save(complaint, actor=actor, transition=Transition.CLOSE, reason=reason)
    return complaint


@transaction.atomic
def complaint_revisit(
    *, complaint_id: int, actor: AbstractBaseUser, note: str, solved: bool = True
) -> Complaint:
    """Customer service records the call-back (回访) on a closed complaint. Recorded as
    not solved (`solved=False`), the revisit reopens the complaint in the same
    transaction, with what the resident said as the reason, told as any reopening is
    (SPEC §3: reopen "by the revisit"); this needs the reopen permission too."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    transition_check(complaint, Transition.REVISIT, actor)
    if not solved:
        refuse(permissions.revisit_reopen_refusal(complaint, actor))
    note = note.strip()
    if not note:
        raise InvalidInput(_("Write down what the resident said."), field="note")
    complaint.revisit(note=note, at=clock.now())
    complaint_save(complaint, actor=actor, transition=Transition.REVISIT, reason=note)
    if not solved:
        _reopen(complaint, actor=actor, reason=note)
    return complaint


@transaction.atomic
def complaint_reopen(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    reason: str,
    expected_state: str | None = None,
) -> Complaint:
    """Reopen a handled, closed or revisited complaint: the resident ("not fixed", or
    within 7 days of closing; past them ReopenWindowClosed), or a project manager's
    override with a reason. Customer service reopens through `complaint_revisit`
    (solved=False); any other staff member is refused (NotAllowed, naming the revisit).
    The owner then re-dispatches it; project managers review reopened complaints
    (二次处置). `expected_state` is the state the caller's page showed: a "not fixed"
    from a page still showing "handled" does not reopen a complaint closed meanwhile."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    state_expect(complaint, expected_state)
    transition_check(complaint, Transition.REOPEN, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Tell us what is still wrong."), field="reason")
    _reopen(complaint, actor=actor, reason=reason)
    return complaint


def _reopen(complaint: Complaint, *, actor: AbstractBaseUser, reason: str) -> None:
    """The reopening itself, once the caller has checked who may: a new SLA cycle from
    now, the history row, and the project managers and the owner told."""
    complaint.reopen(at=clock.now())
    complaint.revisit_due_at = None
    complaint.held_total = timedelta()
    sla.deadlines_compute(complaint, start=complaint.reopened_at)
    complaint_save(complaint, actor=actor, transition=Transition.REOPEN, reason=reason)
    recipients = set(project_manager_ids(complaint))
    if complaint.owner_id:
        recipients.add(complaint.owner_id)
    notify(
        complaint,
        recipients - {actor.pk},
        kind="reopened",
        event_key=event_key("reopened", complaint.pk, complaint.reopen_count),
        params={"summary": reason[:60]},
    )


@transaction.atomic
def complaint_withdraw(
    *, complaint_id: int, actor: AbstractBaseUser, reason: str = ""
) -> Complaint:
    """The resident who filed it withdraws it before anyone accepts it."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    transition_check(complaint, Transition.WITHDRAW, actor)
    before = repeat_key(complaint)
    complaint.withdraw(at=clock.now())
    complaint_save(complaint, actor=actor, transition=Transition.WITHDRAW, reason=reason.strip())
    repeat_members_refresh(complaint, before=before)
    return complaint


@transaction.atomic
def complaint_merge(
    *, complaint_id: int, actor: AbstractBaseUser, into_id: int, reason: str = ""
) -> Complaint:
    """Mark a new or accepted complaint as a duplicate of another complaint of the same
    property that is not itself withdrawn or merged."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    transition_check(complaint, Transition.MERGE, actor)
    refuse(permissions.override_reason_refusal(complaint, actor, reason))
    if into_id == complaint.pk:
        raise InvalidInput(_("A complaint cannot be merged into itself."), field="into")
    target = complaint_get_for_update(complaint_id=into_id, actor=actor)
    if target.property_id != complaint.property_id:
        raise InvalidInput(_("Merge only complaints of the same property."), field="into")
    if target.state in DISCARDED_STATES:
        raise InvalidInput(
            _("%(reference)s is %(state)s and cannot take duplicates.")
            % {"reference": target.reference, "state": target.get_state_display()},
            field="into",
        )
    before = repeat_key(complaint)
    complaint.merge(into=target, at=clock.now())
    complaint_save(
        complaint,
        actor=actor,
        transition=Transition.MERGE,
        reason=reason.strip()
        or system_reason(SystemReason.DUPLICATE_OF, reference=target.reference),
    )
    repeat_members_refresh(complaint, before=before)
    return complaint


@transaction.atomic
def complaint_transfer_ownership(
    *, complaint_id: int, actor: AbstractBaseUser, new_owner: AbstractBaseUser, reason: str
) -> Complaint:
    """A project manager moves ownership to another staff member of the property.
    Ownership never moves any other way."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.transfer_refusal(complaint, actor))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the transfer."), field="reason")
    if new_owner.pk == complaint.owner_id:
        raise InvalidInput(_("This person already owns the complaint."), field="new_owner")
    refuse(permissions.new_owner_refusal(complaint, new_owner))
    complaint.owner = new_owner
    complaint_save(complaint, actor=actor, transition=Transition.TRANSFER, reason=reason)
    return complaint
