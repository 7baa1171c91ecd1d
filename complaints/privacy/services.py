"""The one writer of the personal data access log."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from complaints.models import PersonalDataAccess

DataAccessKind = PersonalDataAccess.Kind


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
