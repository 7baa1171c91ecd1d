"""Filing a complaint: place, photos, emergency check, repeat link, filing limit, merge;
and staff intake, which files it and takes it on in one step."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from buildings.models import Building, Property, Resident, Unit
from complaints import clock, sla
from complaints.exceptions import InvalidInput, NotAllowed
from complaints.models import (
    Category,
    Channel,
    Complaint,
    IntakeSuggestion,
    Level,
    Notification,
    Photo,
    Transition,
)
from complaints.notifications import NOBODY_ON_DUTY, event_key
from complaints.reasons import SystemReason, system_reason
from complaints.repeats import repeat_members_refresh
from complaints.selectors import resident_of
from complaints.services.base import RESIDENT_CHANNELS, complaint_save, refuse
from complaints.services.filing_limit import filing_limit_refusal
from complaints.services.notify import notify
from complaints.services.photos import photos_add, photos_process
from complaints.services.transitions import (
    complaint_accept,
    complaint_classify,
    complaint_dispatch,
    complaint_merge,
)
from complaints.suggestions import intake_preview
from staff.models import Duty, Team
from staff.selectors import (
    project_manager_ids_by_property,
    property_ids_visible_to,
    service_leader_id_by_property,
)


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


def complaint_create(
    *,
    actor: AbstractBaseUser,
    description: str,
    channel: str = Channel.WEB,
    category: Category | None = None,
    suggested_level: int | None = None,
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
    confirms or changes it when classifying. An emergency phrase of the property in the
    text (`complaints.emergency`, recorded in `emergency_phrase`), or a category whose
    default level is I, marks the complaint a suspected emergency at once, and so does a
    `suggested_level` of I (a sensor's configured level); the level itself is still set
    by classifying. A suspected emergency alerts the people on duty at once
    (`_emergency_alert`).

    The suggestion of category, level and team (the keyword tables, and the place's
    recent complaints) is stored with its reason; it and the emergency check are
    `complaints.suggestions.intake_preview`, which the forms also show while typing. The
    agent's classification stays final.

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
    if suggested_level is not None and suggested_level not in Level.values:
        raise InvalidInput(_("Choose level I, II or III."), field="level")
    processed = photos_process({Photo.Step.EVIDENCE: photos})
    with transaction.atomic():
        property, building, unit = _resolve_place(
            actor=actor, property=property, building=building, unit=unit
        )
        actor_resident = resident_of(actor)
        if actor_resident is not None and channel in RESIDENT_CHANNELS:
            # The count is taken under a lock on the user's row, inside this transaction:
            # submissions at once wait for each other and each counts the others.
            refuse(filing_limit_refusal(actor, lock=True))
        if actor.has_perm("complaints.add_complaint"):
            if property.pk not in property_ids_visible_to(actor):
                raise NotAllowed(_("This property is outside your scope."))
            if (
                resident is not None
                and not resident.units.filter(building__property=property).exists()
            ):
                raise InvalidInput(
                    _("This resident does not live in that property."), field="resident"
                )
        elif actor_resident is not None:
            if channel not in RESIDENT_CHANNELS:
                raise NotAllowed()
            resident = actor_resident
            my_units = Unit.objects.filter(residencies__resident=resident)
            if unit is not None and not my_units.filter(pk=unit.pk).exists():
                raise InvalidInput(
                    _("You can only report problems in your own units."), field="unit"
                )
            if unit is None and not my_units.filter(building__property=property).exists():
                raise InvalidInput(
                    _("You can only report common areas where you live."), field="building"
                )
        else:
            raise NotAllowed()
        if resident is not None:
            contact_name = contact_name or resident.name
            contact_phone = contact_phone or resident.phone
        preview = intake_preview(
            description=description,
            location_text=location_text,
            property_id=property.pk,
            unit_id=unit.pk if unit is not None else None,
            building_id=building.pk if building is not None else None,
            category=category,
            level=suggested_level,
        )
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
            emergency_phrase=preview.emergency_phrase,
            suspected_emergency=preview.suspected_emergency,
        )
        sla.first_response_provisional(complaint)
        complaint_save(complaint, actor=actor, transition=Transition.CREATE, reason="")
        photos_add(complaint, processed, actor=actor)
        suggestion = preview.suggestion
        if suggestion is not None:
            IntakeSuggestion.objects.create(
                complaint=complaint,
                category=suggestion.category,
                level=suggestion.level,
                team=suggestion.team,
                reason=suggestion.reason,
            )
        if complaint.suspected_emergency:
            _emergency_alert(complaint)
        repeat_members_refresh(complaint, before=None)
        if merge_into_id is not None:
            complaint = complaint_merge(
                complaint_id=complaint.pk,
                actor=actor,
                into_id=merge_into_id,
                reason=system_reason(SystemReason.MERGED_AT_INTAKE),
            )
        return complaint


def _emergency_alert(complaint: Complaint) -> None:
    """A suspected emergency alerts, once (the event is the complaint), the staff on duty
    for its property at this moment (`staff.models.Duty`), its customer-service leader
    and its project managers. With nobody on duty the leader and the managers are told
    so in the alert, to reach someone themselves."""
    property_id = complaint.property_id
    on_duty = set(
        Duty.objects.on_duty(property_id=property_id, at=clock.now()).values_list(
            "user_id", flat=True
        )
    )
    recipients = on_duty | set(project_manager_ids_by_property([property_id])[property_id])
    leader_id = service_leader_id_by_property([property_id]).get(property_id)
    if leader_id:
        recipients.add(leader_id)
    notify(
        complaint,
        recipients,
        kind=Notification.Kind.EMERGENCY,
        event_key=event_key("emergency", complaint.pk),
        params=None if on_duty else {"variant": NOBODY_ON_DUTY},
    )


def complaint_take_in(
    *,
    actor: AbstractBaseUser,
    description: str,
    channel: str,
    category: Category | None = None,
    level: int | None = None,
    team: Team | None = None,
    assignee: AbstractBaseUser | None = None,
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
    """A staff member takes in a complaint on behalf of a resident (phone, walk-in, paper,
    committee) and, being its first responder, owns it (首问负责制).

    Filed by `complaint_create`, then accepted by the actor (`complaint_accept`); with a
    category it is classified at once (`complaint_classify`: the level defaults to the
    category's, level I alerts the project managers) and with a team also dispatched
    (`complaint_dispatch`, optionally to one member). History has a row for each step,
    by the actor; each step asks its own permission. Without a category it stays
    accepted and unclassified.

    With `merge_into_id` (a repeat of an open complaint) it is filed and merged into that
    one instead, as `complaint_create` does; nobody takes the duplicate on.

    All or nothing: any refusal (NotAllowed naming the step the actor may not take,
    InvalidInput, WrongState) leaves no complaint, history or photo behind. Photos are
    stored last, so a refusal leaves no file either.
    """
    if channel in RESIDENT_CHANNELS:
        raise InvalidInput(
            _("Residents use the web form or the app themselves; choose how this one came in."),
            field="channel",
        )
    if category is None and level is not None:
        raise InvalidInput(_("Choose the category the level belongs to."), field="level")
    if category is None and team is not None:
        raise InvalidInput(
            _("Choose the category too: a complaint is dispatched once it is classified."),
            field="category",
        )
    if team is None and assignee is not None:
        raise InvalidInput(_("Choose the team of the person."), field="team")
    processed = photos_process({Photo.Step.EVIDENCE: photos})
    with transaction.atomic():
        complaint = complaint_create(
            actor=actor,
            description=description,
            channel=channel,
            # Taken on, it gets its category by classifying; a duplicate keeps the choice.
            category=category if merge_into_id is not None else None,
            property=property,
            building=building,
            unit=unit,
            location_text=location_text,
            resident=resident,
            contact_name=contact_name,
            contact_phone=contact_phone,
            preferred_contact_time=preferred_contact_time,
            merge_into_id=merge_into_id,
        )
        if merge_into_id is None:
            with _refused_as(
                _(
                    "You may not accept complaints, and whoever takes a complaint in becomes "
                    "its owner. Nothing was saved."
                )
            ):
                complaint = complaint_accept(complaint_id=complaint.pk, actor=actor)
            if category is not None:
                with _refused_as(
                    _(
                        "You may not classify complaints: leave the category empty. "
                        "Nothing was saved."
                    )
                ):
                    complaint = complaint_classify(
                        complaint_id=complaint.pk, actor=actor, category=category, level=level
                    )
            if team is not None:
                with _refused_as(
                    _("You may not dispatch complaints: leave the team empty. Nothing was saved.")
                ):
                    complaint = complaint_dispatch(
                        complaint_id=complaint.pk, actor=actor, team=team, assignee=assignee
                    )
        photos_add(complaint, processed, actor=actor)
        return complaint


@contextmanager
def _refused_as(message: str) -> Iterator[None]:
    """Say which step of the intake the actor may not take (the rule stays the step's)."""
    try:
        yield
    except NotAllowed:
        raise NotAllowed(message) from None
