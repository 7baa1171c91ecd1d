"""Revealing a resident's full phone number, logged."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from complaints import permissions
from complaints.privacy.services import DataAccessKind, data_access_record
from complaints.selectors import complaint_get_for_update
from complaints.services.base import refuse


@transaction.atomic
def complaint_reveal_contact(*, complaint_id: int, actor: AbstractBaseUser) -> str:
    """The resident's whole phone number, for the owner or staff allowed to see it (agents,
    project managers); every reveal is logged in the personal data access log."""
    complaint = complaint_get_for_update(complaint_id=complaint_id, actor=actor)
    refuse(permissions.reveal_contact_refusal(complaint, actor))
    data_access_record(
        actor=actor,
        kind=DataAccessKind.REVEAL,
        complaint_id=complaint.pk,
        resident_id=complaint.resident_id,
        property_ids=[complaint.property_id],
    )
    return complaint.contact_phone
