"""The writes about personal data (SPEC §7, PIPL minimum necessary): the one writer of
the personal data access log, and the residents' records that it logs: opening a
resident's record and revealing their phone are logged, and a departed resident can be
anonymised without changing any complaint statistics.

Residents outside the actor's properties are "not found" (`staff.selectors.
scoped_to_properties`, the rule the admin lists use too).
"""

import json
from collections.abc import Iterable

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _

from buildings.models import Property, Resident, mask_phone
from complaints import clock
from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import (
    Complaint,
    ComplaintMessage,
    Notification,
    PersonalDataAccess,
    Transition,
)
from staff.selectors import scoped_to_properties

DataAccessKind = PersonalDataAccess.Kind
REVEAL_PERMISSION = "complaints.view_contact_phone"
ANONYMISE_PERMISSION = "buildings.anonymise_resident"
# What a complaint copied from its resident when it was filed.
COMPLAINT_CONTACT_FIELDS = ("contact_name", "contact_phone", "preferred_contact_time")


@transaction.atomic
def data_access_record(
    *,
    actor: AbstractBaseUser,
    kind: str,
    property_ids: Iterable[int],
    resident_id: int | None = None,
    complaint_id: int | None = None,
    description: str = "",
    details: dict | None = None,
    row_count: int | None = None,
    reason: str = "",
) -> PersonalDataAccess:
    """Log one access: called by every export, every phone reveal, every staff view of a
    resident's record and every anonymisation, inside the transaction of the access (a
    failed access leaves no row, a logged one cannot be skipped). `property_ids` are the
    properties whose data was reached; their project managers read the row."""
    entry = PersonalDataAccess.objects.create(
        user=actor,
        kind=DataAccessKind(kind),
        resident_id=resident_id,
        complaint_id=complaint_id,
        description=description[:200],
        details=details or {},
        row_count=row_count,
        reason=reason,
    )
    entry.properties.set(sorted(set(property_ids)))
    return entry


class ResidentNotFound(ComplaintNotFound):
    def __init__(self) -> None:
        super().__init__(_("Resident not found."))


def resident_phone_reveal_allowed(user: AbstractBaseUser) -> bool:
    """Who may unmask a resident's whole phone number (each time logged): holders of
    `complaints.view_contact_phone` (agents, project managers)."""
    return user.has_perm(REVEAL_PERMISSION)


def _resident_in_scope(*, resident_id: int, actor: AbstractBaseUser, lock: bool = False):
    queryset = scoped_to_properties(Resident.objects.all(), actor)
    if lock:
        # A distinct query cannot be locked: lock the row by its id once it is found.
        if not queryset.filter(pk=resident_id).exists():
            raise ResidentNotFound()
        queryset = Resident.objects.select_for_update()
    try:
        return queryset.get(pk=resident_id)
    except Resident.DoesNotExist:
        raise ResidentNotFound() from None


def _scrubbed(text: str, *, erased: list[str], label: str) -> str:
    """`text` with the label where the erased texts were (also as JSON escapes them)."""
    for old in sorted({item for item in erased if item}, key=len, reverse=True):
        text = text.replace(old, label).replace(json.dumps(old)[1:-1], label)
    return text


def _scrub_admin_log(obj, *, erased: list[str], label: str) -> None:
    """The admin's own change log names the object and, for inlines, its residencies."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    )
    for entry in entries:
        entry.object_repr = label
        entry.change_message = _scrubbed(entry.change_message, erased=erased, label=label)
        entry.save(update_fields=["object_repr", "change_message"])


def _scrub_messages(complaint_ids: list[int], *, erased: list[str], label: str) -> None:
    """Staff's messages to the resident name them (a script's {resident}): in the
    message, its history row and its notification."""
    for message in ComplaintMessage.objects.filter(complaint_id__in=complaint_ids):
        message.body = _scrubbed(message.body, erased=erased, label=label)
        message.save(update_fields=["body"])
    rows = Complaint.history.filter(id__in=complaint_ids, transition=Transition.MESSAGE)
    for row in rows.exclude(history_change_reason=""):
        row.history_change_reason = _scrubbed(row.history_change_reason, erased=erased, label=label)
        row.save(update_fields=["history_change_reason"])
    for notification in Notification.objects.filter(
        complaint_id__in=complaint_ids, kind=Notification.Kind.MESSAGE
    ):
        notification.params = json.loads(
            _scrubbed(json.dumps(notification.params), erased=erased, label=label)
        )
        notification.save(update_fields=["params"])


def _property_ids(resident: Resident) -> set[int]:
    return set(
        Property.objects.filter(buildings__units__residencies__resident=resident).values_list(
            "pk", flat=True
        )
    )


@transaction.atomic
def resident_log_view(*, resident_id: int, actor: AbstractBaseUser) -> Resident:
    """Log that staff opened a resident's record (the Resident admin change page)."""
    resident = _resident_in_scope(resident_id=resident_id, actor=actor)
    data_access_record(
        actor=actor,
        kind=DataAccessKind.VIEW,
        resident_id=resident.pk,
        property_ids=_property_ids(resident),
    )
    return resident


@transaction.atomic
def resident_reveal_phone(*, resident_id: int, actor: AbstractBaseUser) -> str:
    """The resident's whole phone number, for those `resident_phone_reveal_allowed`;
    every reveal is logged."""
    resident = _resident_in_scope(resident_id=resident_id, actor=actor)
    if not resident_phone_reveal_allowed(actor):
        raise NotAllowed(_("You may not see residents' phone numbers."))
    if not resident.phone:
        raise WrongState(_("No phone number was given."))
    data_access_record(
        actor=actor,
        kind=DataAccessKind.REVEAL,
        resident_id=resident.pk,
        property_ids=_property_ids(resident),
    )
    return resident.phone


@transaction.atomic
def resident_anonymise(*, resident_id: int, actor: AbstractBaseUser, reason: str) -> Resident:
    """Erase a departed resident (holders of `buildings.anonymise_resident`: project
    managers, for residents of their properties).

    Beyond the row: the name becomes `anonymised-<id>` and the phone is removed; the login
    is deactivated and renamed likewise, without password or e-mail; the contact name,
    phone and preferred time copied onto their complaints are blanked, in the complaints'
    history too; staff's messages to them (message, history row, notification) and
    the admin's change log name them by the new name; their residencies
    end. Complaints stay with their states, deadlines, categories, breaches and survey
    scores, so every report counts as before. Who did it and why is in the personal data
    access log.
    """
    reason = reason.strip()
    if not actor.has_perm(ANONYMISE_PERMISSION):
        raise NotAllowed(_("You may not anonymise residents."))
    resident = _resident_in_scope(resident_id=resident_id, actor=actor, lock=True)
    if not reason:
        raise InvalidInput(_("Say why the resident is anonymised."), field="reason")
    if resident.anonymised_at is not None:
        raise WrongState(_("This resident is already anonymised."))
    user = resident.user
    try:
        user.staff_profile  # noqa: B018  (a staff login is not the resident's to erase)
    except ObjectDoesNotExist:
        pass
    else:
        raise WrongState(_("This resident logs in with a staff account; end the staff role first."))
    property_ids = _property_ids(resident)
    label = f"anonymised-{resident.pk}"
    erased = [
        resident.name,
        resident.phone,
        mask_phone(resident.phone) if resident.phone else "",
        user.get_username(),
        user.email,
        user.get_full_name(),
        user.first_name,
        user.last_name,
    ]

    resident.name = label
    resident.phone = ""
    resident.anonymised_at = clock.now()
    resident.save(update_fields=["name", "phone", "anonymised_at"])

    user.username = label
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()

    complaint_ids = list(Complaint.objects.filter(resident=resident).values_list("pk", flat=True))
    blank = dict.fromkeys(COMPLAINT_CONTACT_FIELDS, "")
    # Only the copied contact details change: no state, no deadline, no new history row.
    Complaint.objects.filter(pk__in=complaint_ids).update(**blank)
    Complaint.history.filter(id__in=complaint_ids).update(**blank)

    resident.residencies.all().delete()
    _scrub_messages(complaint_ids, erased=erased, label=label)
    _scrub_admin_log(resident, erased=erased, label=label)
    _scrub_admin_log(user, erased=erased, label=label)
    data_access_record(
        actor=actor,
        kind=DataAccessKind.ANONYMISE,
        resident_id=resident.pk,
        property_ids=property_ids,
        reason=reason,
        details={"complaints": sorted(complaint_ids)},
        row_count=len(complaint_ids),
    )
    return resident
