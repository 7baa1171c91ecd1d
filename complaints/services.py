"""Every write to a complaint. Admin, portal, API and jobs call these and nothing else
changes `state`.

Each transition service: opens a transaction, locks the row through a selector (a
complaint the actor may not see is "not found"), refuses a wrong state or a missing
permission with a domain error, runs the django-fsm transition, saves, and leaves a
history row carrying the actor, the transition name and the reason.
"""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from buildings.models import Building, Property, Resident, Unit
from complaints.exceptions import AlreadyAccepted, InvalidInput, NotAllowed, WrongState
from complaints.models import (
    OWNERLESS_STATES,
    Category,
    Channel,
    Complaint,
    Level,
    Photo,
    State,
)
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT, photo_process
from complaints.selectors import complaint_get_for_update
from staff.models import Team
from staff.selectors import SYSTEM_USERNAME, property_ids_visible_to, user_display_name

TRANSITION_LABELS = {
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
}
RESIDENT_CHANNELS = (Channel.WEB, Channel.APP)


def _save(complaint: Complaint, *, actor: AbstractBaseUser, transition: str, reason: str) -> None:
    complaint._history_user = actor
    complaint._change_reason = reason
    complaint._history_transition = transition
    try:
        complaint.save()
    except ConcurrentTransition:
        raise WrongState(
            _("Someone else changed this complaint a moment ago. Reload it and try again.")
        ) from None
    finally:
        del complaint._history_user, complaint._change_reason, complaint._history_transition


def _check(complaint: Complaint, name: str, actor: AbstractBaseUser) -> None:
    method = getattr(complaint, name)
    if not can_proceed(method):
        raise WrongState(
            _("Cannot %(action)s: the complaint is now “%(state)s”.")
            % {"action": TRANSITION_LABELS[name], "state": complaint.get_state_display()}
        )
    if not has_transition_perm(method, actor):
        raise NotAllowed()


def _require_reason_when_overriding(complaint: Complaint, actor, reason: str) -> None:
    """Acting on someone else's complaint is allowed to overriders only, and never silently."""
    if complaint.owner_id not in (None, actor.pk) and not reason.strip():
        raise InvalidInput(
            _("Give a reason: this complaint is owned by %(name)s.")
            % {"name": user_display_name(complaint.owner)},
            field="reason",
        )


def _is_resident_actor(complaint: Complaint, actor) -> bool:
    return complaint.resident_id is not None and complaint.resident.user_id == actor.pk


def _add_photos(
    complaint: Complaint, uploads: Sequence[UploadedFile], *, step: str, actor
) -> list[Photo]:
    if not uploads:
        return []
    existing = complaint.photos.count()
    if existing + len(uploads) > MAX_PHOTOS_PER_COMPLAINT:
        raise InvalidInput(
            _("A complaint can have at most %(limit)d photos.")
            % {"limit": MAX_PHOTOS_PER_COMPLAINT},
            field="photos",
        )
    processed = [photo_process(upload) for upload in uploads]
    photos = []
    for item in processed:
        photo = Photo(
            complaint=complaint, step=step, uploaded_by=actor, original_name=item.original_name
        )
        photo.image.save(item.image.name, item.image, save=False)
        photo.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
        photo.save()
        photos.append(photo)
    return photos


def _resolve_place(
    *, actor, property: Property | None, building: Building | None, unit: Unit | None
) -> tuple[Property, Building | None, Unit | None]:
    if unit is not None:
        if building is not None and unit.building_id != building.pk:
            raise InvalidInput(_("The unit is not in the chosen building."), field="unit")
        building = unit.building
    if building is not None:
        if property is not None and building.property_id != property.pk:
            raise InvalidInput(_("The building is not in the chosen property."), field="building")
        property = building.property
    if property is None:
        raise InvalidInput(_("Choose a unit, a building or a property."), field="unit")
    return property, building, unit


@transaction.atomic
def complaint_create(
    *,
    actor: AbstractBaseUser,
    description: str,
    channel: str = Channel.WEB,
    property: Property | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    location_text: str = "",
    resident: Resident | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    preferred_contact_time: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Complaint:
    """File a new complaint.

    A resident files for one of their own units or a common area of a building or
    property they live in (web or app channel). Staff with `add_complaint` file on
    behalf of anyone (phone, walk-in, paper, committee) within their properties.
    Photos are stored as evidence.
    """
    description = description.strip()
    if not description:
        raise InvalidInput(_("Describe the problem."), field="description")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    property, building, unit = _resolve_place(
        actor=actor, property=property, building=building, unit=unit
    )
    actor_resident = Resident.objects.filter(user=actor).first()
    if actor.has_perm("complaints.add_complaint"):
        if property.pk not in property_ids_visible_to(actor):
            raise NotAllowed(_("This property is outside your scope."))
        if resident is not None and not resident.units.filter(building__property=property).exists():
            raise InvalidInput(_("This resident does not live in that property."), field="resident")
    elif actor_resident is not None:
        if channel not in RESIDENT_CHANNELS:
            raise NotAllowed()
        resident = actor_resident
        my_units = Unit.objects.filter(residencies__resident=resident)
        if unit is not None and not my_units.filter(pk=unit.pk).exists():
            raise InvalidInput(_("You can only report problems in your own units."), field="unit")
        if unit is None and not my_units.filter(building__property=property).exists():
            raise InvalidInput(
                _("You can only report common areas where you live."), field="building"
            )
    else:
        raise NotAllowed()
    if resident is not None:
        contact_name = contact_name or resident.name
        contact_phone = contact_phone or resident.phone
    complaint = Complaint(
        channel=channel,
        property=property,
        building=building,
        unit=unit,
        location_text=location_text.strip(),
        description=description,
        resident=resident,
        contact_name=contact_name,
        contact_phone=contact_phone,
        preferred_contact_time=preferred_contact_time,
        created_by=actor,
    )
    _save(complaint, actor=actor, transition="create", reason="")
    _add_photos(complaint, photos, step=Photo.Step.EVIDENCE, actor=actor)
    return complaint


def complaint_accept(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """The actor becomes the owner (首问负责制). Exactly one of many concurrent callers wins;
    the others get AlreadyAccepted naming the owner."""
    with transaction.atomic():
        complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
        if complaint.state != State.NEW and complaint.owner_id is not None:
            raise AlreadyAccepted(user_display_name(complaint.owner))
        _check(complaint, "accept", actor)
        complaint.accept(by=actor, at=timezone.now())
        try:
            _save(complaint, actor=actor, transition="accept", reason="")
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
    _check(complaint, "classify", actor)
    _require_reason_when_overriding(complaint, actor, reason)
    if not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    level = level if level is not None else category.default_level
    if level not in Level.values:
        raise InvalidInput(_("Choose level I, II or III."), field="level")
    complaint.classify(category=category, level=level, at=timezone.now())
    _save(complaint, actor=actor, transition="classify", reason=reason)
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
    _check(complaint, "dispatch", actor)
    _require_reason_when_overriding(complaint, actor, reason)
    if team.property_id != complaint.property_id:
        raise InvalidInput(_("Choose a team of this complaint's property."), field="team")
    if assignee is not None and not team.members.filter(user=assignee).exists():
        raise InvalidInput(_("The assignee is not a member of that team."), field="assignee")
    complaint.dispatch(team=team, assignee=assignee, at=timezone.now())
    _save(complaint, actor=actor, transition="dispatch", reason=reason)
    return complaint


@transaction.atomic
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
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "handle", actor)
    note = note.strip()
    if not note:
        raise InvalidInput(_("Describe what was done."), field="note")
    _add_photos(complaint, before_photos, step=Photo.Step.BEFORE, actor=actor)
    _add_photos(complaint, after_photos, step=Photo.Step.AFTER, actor=actor)
    if (
        complaint.category is not None
        and complaint.category.needs_photos
        and not complaint.photos.filter(step=Photo.Step.AFTER).exists()
    ):
        raise InvalidInput(
            _("This category needs an after photo of the finished work."), field="after_photos"
        )
    complaint.handle(note=note, at=timezone.now())
    _save(complaint, actor=actor, transition="handle", reason=reason)
    return complaint


@transaction.atomic
def complaint_close(*, complaint_id: int, actor: AbstractBaseUser, reason: str = "") -> Complaint:
    """Close a handled complaint: the resident confirming the fix, the job after the
    confirmation window ("auto-confirmed"), or the owner with a reason (e.g. resident
    unreachable)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "close", actor)
    reason = reason.strip()
    if _is_resident_actor(complaint, actor):
        reason = reason or str(_("Confirmed by the resident"))
    elif actor.get_username() != SYSTEM_USERNAME and not reason:
        raise InvalidInput(_("Give the reason for closing without the resident."), field="reason")
    complaint.close(reason=reason, at=timezone.now())
    _save(complaint, actor=actor, transition="close", reason=reason)
    return complaint


@transaction.atomic
def complaint_revisit(*, complaint_id: int, actor: AbstractBaseUser, note: str) -> Complaint:
    """Customer service records the call-back (回访) on a closed complaint."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "revisit", actor)
    note = note.strip()
    if not note:
        raise InvalidInput(_("Write down what the resident said."), field="note")
    complaint.revisit(note=note, at=timezone.now())
    _save(complaint, actor=actor, transition="revisit", reason=note)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint_id: int, actor: AbstractBaseUser, reason: str) -> Complaint:
    """Reopen a handled, closed or revisited complaint: the resident ("not fixed", or
    within 7 days of closing) or customer service after a revisit. The owner then
    re-dispatches it; project managers review reopened complaints (二次处置)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "reopen", actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Tell us what is still wrong."), field="reason")
    complaint.reopen(at=timezone.now())
    _save(complaint, actor=actor, transition="reopen", reason=reason)
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint_id: int, actor: AbstractBaseUser, reason: str = ""
) -> Complaint:
    """The resident who filed it withdraws it before anyone accepts it."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "withdraw", actor)
    complaint.withdraw(at=timezone.now())
    _save(complaint, actor=actor, transition="withdraw", reason=reason.strip())
    return complaint


@transaction.atomic
def complaint_merge(
    *, complaint_id: int, actor: AbstractBaseUser, into_id: int, reason: str = ""
) -> Complaint:
    """Mark a new or accepted complaint as a duplicate of another open complaint of the
    same property."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, "merge", actor)
    _require_reason_when_overriding(complaint, actor, reason)
    if into_id == complaint.pk:
        raise InvalidInput(_("A complaint cannot be merged into itself."), field="into")
    target = complaint_get_for_update(complaint_id=into_id, actor=actor)
    if target.property_id != complaint.property_id:
        raise InvalidInput(_("Merge only complaints of the same property."), field="into")
    if target.state in (State.MERGED, State.WITHDRAWN):
        raise InvalidInput(
            _("%(reference)s is %(state)s; choose the complaint it was merged into.")
            % {"reference": target.reference, "state": target.get_state_display()},
            field="into",
        )
    complaint.merge(into=target, at=timezone.now())
    _save(
        complaint,
        actor=actor,
        transition="merge",
        reason=reason.strip() or _("Duplicate of %(reference)s") % {"reference": target.reference},
    )
    return complaint


@transaction.atomic
def complaint_transfer_ownership(
    *, complaint_id: int, actor: AbstractBaseUser, new_owner: AbstractBaseUser, reason: str
) -> Complaint:
    """A project manager moves ownership to another staff member of the property.
    Ownership never moves any other way."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    if not actor.has_perm("complaints.transfer_complaint"):
        raise NotAllowed()
    if complaint.state in OWNERLESS_STATES:
        raise WrongState(
            _("Cannot %(action)s: the complaint is now “%(state)s”.")
            % {"action": TRANSITION_LABELS["transfer"], "state": complaint.get_state_display()}
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the transfer."), field="reason")
    if new_owner.pk == complaint.owner_id:
        raise InvalidInput(_("This person already owns the complaint."), field="new_owner")
    if (
        not new_owner.is_active
        or not new_owner.has_perm("complaints.accept_complaint")
        or complaint.property_id not in property_ids_visible_to(new_owner)
    ):
        raise InvalidInput(
            _("The new owner must be active staff of this property who may accept complaints."),
            field="new_owner",
        )
    complaint.owner = new_owner
    _save(complaint, actor=actor, transition="transfer", reason=reason)
    return complaint
