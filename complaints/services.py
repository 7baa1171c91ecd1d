"""Every write to a complaint. Admin, portal, API and jobs call these and nothing else
changes `state`.

Each transition service: opens a transaction, locks the row through a selector (a
complaint the actor may not see is "not found"), refuses a wrong state or a missing
permission with a domain error, runs the django-fsm transition, saves, and leaves a
history row carrying the actor, the transition name and the reason.
"""

import weakref
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from buildings.models import Building, Property, Resident, Unit
from complaints import clock, permissions, sla
from complaints.batch import hold_resumed_notifications
from complaints.emergency import is_suspected_emergency
from complaints.exceptions import (
    AlreadyAccepted,
    ChangedMeanwhile,
    ComplaintError,
    InvalidInput,
    NotAllowed,
    WrongState,
)
from complaints.filing_limit import filing_limit_refusal
from complaints.models import (
    DISCARDED_STATES,
    Breach,
    Category,
    Channel,
    Complaint,
    Hold,
    Level,
    Notification,
    Photo,
    State,
    Survey,
    Transition,
)
from complaints.notifications import event_key, notification_build, notifications_save
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT, photo_process
from complaints.privacy.services import DataAccessKind, data_access_record
from complaints.repeats import repeat_key, repeat_members_refresh
from complaints.selectors import complaint_get_for_update
from staff.models import Team
from staff.selectors import (
    project_manager_ids_by_property,
    property_ids_visible_to,
    service_leader_id_by_property,
    user_display_name,
)

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


def _save(
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


def _refuse(error: ComplaintError | None) -> None:
    if error is not None:
        raise error


def _check(complaint: Complaint, name: str, actor: AbstractBaseUser) -> None:
    _refuse(permissions.transition_refusal(complaint, name, actor))


def _notify(
    complaint: Complaint,
    recipient_ids: Iterable[int],
    *,
    kind: str,
    event_key: str,
    params: dict | None = None,
) -> None:
    now = clock.now()
    notifications_save(
        notification_build(
            recipient_id=user_id,
            kind=kind,
            event_key=event_key,
            now=now,
            complaint=complaint,
            params=params,
        )
        for user_id in recipient_ids
    )
    _deliver_after_commit()


# One delivery task per transaction, however many notifications it saves. The callback
# registered with transaction.on_commit is a fresh function held only by Django's commit
# queue; this (per thread / async context) weak reference shows whether it is still
# queued without reading the connection's private run_on_commit list. When the
# transaction commits, or rolls back (or its savepoint does), Django drops the callback
# and the reference dies, so the next notification queues a new one. Chosen over
# "on_commit every time" because the delivery job is not free (and on SQLite two
# concurrent runs could send the same row twice), and over a plain flag because a flag
# cannot be reset on rollback through public API. Should a reference outlive its
# callback (no reference counting), delivery waits for the every-minute schedule.
_queued_delivery: ContextVar[weakref.ref | None] = ContextVar("_queued_delivery", default=None)


def _deliver_after_commit() -> None:
    queued = _queued_delivery.get()
    if queued is not None and queued() is not None:
        return

    def deliver() -> None:
        _deliver_soon()

    _queued_delivery.set(weakref.ref(deliver))
    transaction.on_commit(deliver)


def _project_manager_ids(complaint: Complaint) -> list[int]:
    return project_manager_ids_by_property([complaint.property_id])[complaint.property_id]


def _notify_managers(complaint: Complaint, *, kind: str, event_key: str, leader: bool) -> None:
    """Tell the property's project managers (and the customer-service leader) at once."""
    recipients = set(_project_manager_ids(complaint))
    if leader:
        leader_id = service_leader_id_by_property([complaint.property_id]).get(
            complaint.property_id
        )
        if leader_id:
            recipients.add(leader_id)
    _notify(complaint, recipients, kind=kind, event_key=event_key)


def _deliver_soon() -> None:
    from django_q.tasks import async_task

    async_task("complaints.tasks.notifications_deliver_task", q_options={"group": "notify"})


def _alert_level_one(complaint: Complaint) -> None:
    """Level I alerts the project managers at once (SPEC §3), once per cycle."""
    _notify_managers(
        complaint,
        kind="level_one",
        event_key=event_key("level_one", complaint.pk, complaint.reopen_count),
        leader=False,
    )


def _add_photos(
    complaint: Complaint, uploads: dict[str, Sequence[UploadedFile]], *, actor
) -> list[Photo]:
    """Store photos by step. Every upload is checked before any file is written, so a
    refused request leaves nothing in storage."""
    count = sum(len(files) for files in uploads.values())
    if not count:
        return []
    if complaint.photos.count() + count > MAX_PHOTOS_PER_COMPLAINT:
        raise InvalidInput(
            _("A complaint can have at most %(limit)d photos.")
            % {"limit": MAX_PHOTOS_PER_COMPLAINT},
            field="photos",
        )
    processed = [
        (step, photo_process(upload)) for step, files in uploads.items() for upload in files
    ]
    photos = []
    for step, item in processed:
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
    category: Category | None = None,
    property: Property | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    location_text: str = "",
    resident: Resident | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    preferred_contact_time: str = "",
    photos: Sequence[UploadedFile] = (),
    merge_into_id: int | None = None,
) -> Complaint:
    """File a new complaint.

    A resident files for one of their own units or a common area of a building or
    property they live in (web or app channel), at most the hourly number
    (`filing_limit`; FilingLimitReached beyond it). Staff with `add_complaint` file on
    behalf of anyone (phone, walk-in, paper, committee) within their properties.
    Photos are stored as evidence. `category` is the filer's choice (optional); the agent
    confirms or changes it when classifying. A category whose default level is I marks
    the complaint a suspected emergency at once.

    With `merge_into_id` (intake of a repeat) the new complaint is merged into that one
    at once, by `complaint_merge`'s rules: both are saved or neither is.
    """
    description = description.strip()
    if not description:
        raise InvalidInput(_("Describe the problem."), field="description")
    if category is not None and not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    property, building, unit = _resolve_place(
        actor=actor, property=property, building=building, unit=unit
    )
    actor_resident = Resident.objects.filter(user=actor).first()
    if actor_resident is not None and channel in RESIDENT_CHANNELS:
        # The count is taken under a lock on the user's row, inside this transaction:
        # submissions at once wait for each other and each counts the others.
        _refuse(filing_limit_refusal(actor, lock=True))
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
        category=category,
        suspected_emergency=is_suspected_emergency(f"{description} {location_text}")
        or (category is not None and category.default_level == Level.I),
    )
    sla.first_response_provisional(complaint)
    _save(complaint, actor=actor, transition=Transition.CREATE, reason="")
    _add_photos(complaint, {Photo.Step.EVIDENCE: photos}, actor=actor)
    if complaint.suspected_emergency:
        _notify_managers(
            complaint, kind="emergency", event_key=event_key("emergency", complaint.pk), leader=True
        )
    repeat_members_refresh(complaint, before=None)
    if merge_into_id is not None:
        complaint = complaint_merge(
            complaint_id=complaint.pk,
            actor=actor,
            into_id=merge_into_id,
            reason=_("Repeat of an open complaint, merged at intake"),
        )
    return complaint


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
        if expected_state is not None and complaint.state != expected_state:
            raise ChangedMeanwhile(complaint.get_state_display())
        _check(complaint, Transition.ACCEPT, actor)
        complaint.accept(by=actor, at=clock.now())
        try:
            _save(complaint, actor=actor, transition=Transition.ACCEPT, reason="")
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
    _check(complaint, Transition.CLASSIFY, actor)
    _refuse(permissions.override_reason_refusal(complaint, actor, reason))
    if not category.is_active:
        raise InvalidInput(_("This category is no longer in use."), field="category")
    level = level if level is not None else category.default_level
    if level not in Level.values:
        raise InvalidInput(_("Choose level I, II or III."), field="level")
    before = repeat_key(complaint)
    complaint.classify(category=category, level=level, at=clock.now())
    sla.deadlines_compute(complaint, start=complaint.created_at)
    _save(complaint, actor=actor, transition=Transition.CLASSIFY, reason=reason)
    if level == Level.I:
        _alert_level_one(complaint)
    repeat_members_refresh(complaint, before=before)
    return complaint


@transaction.atomic
def complaint_set_level(
    *, complaint_id: int, actor: AbstractBaseUser, level: int, reason: str
) -> Complaint:
    """Owner (or an overrider) changes the level of a classified complaint; the cycle's
    deadlines are recomputed from its start, and the change is in history."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _refuse(permissions.set_level_refusal(complaint, actor))
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
    _save(complaint, actor=actor, transition=Transition.SET_LEVEL, reason=reason)
    if level == Level.I:
        _alert_level_one(complaint)
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
    _check(complaint, Transition.DISPATCH, actor)
    _refuse(permissions.override_reason_refusal(complaint, actor, reason))
    if team.property_id != complaint.property_id:
        raise InvalidInput(_("Choose a team of this complaint's property."), field="team")
    if assignee is not None and not team.members.filter(user=assignee).exists():
        raise InvalidInput(_("The assignee is not a member of that team."), field="assignee")
    complaint.dispatch(team=team, assignee=assignee, at=clock.now())
    _save(complaint, actor=actor, transition=Transition.DISPATCH, reason=reason)
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
    _check(complaint, Transition.HANDLE, actor)
    _refuse(permissions.handle_reason_refusal(complaint, actor, reason))
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
    _add_photos(
        complaint, {Photo.Step.BEFORE: before_photos, Photo.Step.AFTER: after_photos}, actor=actor
    )
    if complaint.held_since is not None:
        hold_end(complaint, actor=actor, at=clock.now())
    complaint.handle(note=note, at=clock.now())
    _save(complaint, actor=actor, transition=Transition.HANDLE, reason=reason.strip())
    if complaint.resident_id is not None:
        _notify(
            complaint,
            [complaint.resident.user_id],
            kind="handled",
            event_key=event_key("handled", complaint.pk, complaint.reopen_count),
        )
    return complaint


@transaction.atomic
def complaint_close(*, complaint_id: int, actor: AbstractBaseUser, reason: str = "") -> Complaint:
    """Close a handled complaint: the resident confirming the fix, the job after the
    confirmation window ("auto-confirmed"), or the owner with a reason (e.g. resident
    unreachable)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, Transition.CLOSE, actor)
    _refuse(permissions.close_reason_refusal(complaint, actor, reason))
    reason = reason.strip()
    if not reason and permissions.is_complaint_resident(actor, complaint):
        reason = str(_("Confirmed by the resident"))
    complaint.close(reason=reason, at=clock.now())
    complaint.revisit_due_at = complaint.closed_at + settings_duration("REVISIT_AFTER")
    _save(complaint, actor=actor, transition=Transition.CLOSE, reason=reason)
    return complaint


@transaction.atomic
def complaint_revisit(*, complaint_id: int, actor: AbstractBaseUser, note: str) -> Complaint:
    """Customer service records the call-back (回访) on a closed complaint."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, Transition.REVISIT, actor)
    note = note.strip()
    if not note:
        raise InvalidInput(_("Write down what the resident said."), field="note")
    complaint.revisit(note=note, at=clock.now())
    _save(complaint, actor=actor, transition=Transition.REVISIT, reason=note)
    return complaint


@transaction.atomic
def complaint_reopen(*, complaint_id: int, actor: AbstractBaseUser, reason: str) -> Complaint:
    """Reopen a handled, closed or revisited complaint: the resident ("not fixed", or
    within 7 days of closing) or customer service after a revisit. The owner then
    re-dispatches it; project managers review reopened complaints (二次处置). A resident
    past the 7 days gets ReopenWindowClosed."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, Transition.REOPEN, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Tell us what is still wrong."), field="reason")
    complaint.reopen(at=clock.now())
    complaint.revisit_due_at = None
    complaint.held_total = timedelta()
    sla.deadlines_compute(complaint, start=complaint.reopened_at)
    _save(complaint, actor=actor, transition=Transition.REOPEN, reason=reason)
    recipients = set(_project_manager_ids(complaint))
    if complaint.owner_id:
        recipients.add(complaint.owner_id)
    _notify(
        complaint,
        recipients - {actor.pk},
        kind="reopened",
        event_key=event_key("reopened", complaint.pk, complaint.reopen_count),
        params={"summary": reason[:60]},
    )
    return complaint


@transaction.atomic
def complaint_withdraw(
    *, complaint_id: int, actor: AbstractBaseUser, reason: str = ""
) -> Complaint:
    """The resident who filed it withdraws it before anyone accepts it."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, Transition.WITHDRAW, actor)
    before = repeat_key(complaint)
    complaint.withdraw(at=clock.now())
    _save(complaint, actor=actor, transition=Transition.WITHDRAW, reason=reason.strip())
    repeat_members_refresh(complaint, before=before)
    return complaint


@transaction.atomic
def complaint_merge(
    *, complaint_id: int, actor: AbstractBaseUser, into_id: int, reason: str = ""
) -> Complaint:
    """Mark a new or accepted complaint as a duplicate of another complaint of the same
    property that is not itself withdrawn or merged."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _check(complaint, Transition.MERGE, actor)
    _refuse(permissions.override_reason_refusal(complaint, actor, reason))
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
    _save(
        complaint,
        actor=actor,
        transition=Transition.MERGE,
        reason=reason.strip() or _("Duplicate of %(reference)s") % {"reference": target.reference},
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
    _refuse(permissions.transfer_refusal(complaint, actor))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the transfer."), field="reason")
    if new_owner.pk == complaint.owner_id:
        raise InvalidInput(_("This person already owns the complaint."), field="new_owner")
    _refuse(permissions.new_owner_refusal(complaint, new_owner))
    complaint.owner = new_owner
    _save(complaint, actor=actor, transition=Transition.TRANSFER, reason=reason)
    return complaint


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
    _refuse(permissions.hold_refusal(complaint, actor))
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
    _save(
        complaint,
        actor=actor,
        transition=Transition.HOLD,
        reason=f"{hold.get_reason_display()} {hold.note}".strip(),
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
    _refuse(permissions.resume_refusal(complaint, actor))
    now = clock.now()
    hold = hold_end(complaint, actor=actor, at=min(now, complaint.held_until))
    _save(complaint, actor=actor, transition=Transition.RESUME, reason="")
    notifications_save(hold_resumed_notifications(complaint, hold, actor=actor, now=now))
    return complaint


@transaction.atomic
def complaint_mark_on_site(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """A handler of the dispatched team records arriving on site (level I's 30 minutes)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _refuse(permissions.on_site_refusal(complaint, actor))
    complaint.on_site_at = clock.now()
    _save(complaint, actor=actor, transition=Transition.ON_SITE, reason="")
    return complaint


@transaction.atomic
def survey_submit(
    *,
    complaint_id: int,
    actor: AbstractBaseUser,
    solved: int,
    speed: int,
    attitude: int,
    comment: str = "",
) -> Survey:
    """The resident rates the latest closing once; a mean below 80 puts the complaint on
    the revisit queue at once (回头看)."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _refuse(permissions.survey_refusal(complaint, actor))
    for field, value in (("solved", solved), ("speed", speed), ("attitude", attitude)):
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise InvalidInput(_("Give a score from 0 to 100."), field=field)
    now = clock.now()
    survey, _created = Survey.objects.select_for_update().get_or_create(
        complaint=complaint, cycle=complaint.reopen_count, defaults={"sent_at": now}
    )
    if survey.submitted_at is not None:
        raise WrongState(_("You have already rated this complaint. Thank you!"))
    survey.solved, survey.speed, survey.attitude = solved, speed, attitude
    survey.comment = comment.strip()
    survey.submitted_at = now
    survey.save()
    if survey.mean < SATISFACTION_THRESHOLD and complaint.state == State.CLOSED:
        complaint.revisit_due_at = now
        _save(
            complaint,
            actor=actor,
            transition=Transition.SURVEY,
            reason=_("Satisfaction %(mean).0f below %(threshold)d: revisit now.")
            % {"mean": survey.mean, "threshold": SATISFACTION_THRESHOLD},
        )
    return survey


def notification_mark_read(*, user: AbstractBaseUser, notification_ids: Iterable[int]) -> int:
    return Notification.objects.filter(
        recipient=user, pk__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=clock.now())


@transaction.atomic
def complaint_reveal_contact(*, complaint_id: int, actor: AbstractBaseUser) -> str:
    """The resident's whole phone number, for the owner or staff allowed to see it (agents,
    project managers); every reveal is logged in the personal data access log."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    _refuse(permissions.reveal_contact_refusal(complaint, actor))
    data_access_record(
        actor=actor,
        kind=DataAccessKind.REVEAL,
        complaint_id=complaint.pk,
        resident_id=complaint.resident_id,
        property_ids=[complaint.property_id],
    )
    return complaint.contact_phone
