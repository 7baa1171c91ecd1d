"""What a model case must not carry (PIPL minimum necessary): phone numbers (a run of 7
or more digits, with or without separators), the unit numbers of the complaint's
building (of three characters or more: "12" would refuse "12 minutes"), and the names
of its resident and contact."""

import re

from django.utils.translation import gettext as _

from buildings.models import Unit
from complaints.models import Complaint

PHONE_LIKE = re.compile(r"[0-9０-９](?:[\s\-–—.()/+·]*[0-9０-９]){6,}")


def _token(value: str) -> re.Pattern:
    """`value` as a whole token: 1201 is found in "Room 1201," but not in "11201"."""
    return re.compile(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", re.IGNORECASE)


def unit_numbers(complaint: Complaint) -> set[str]:
    if complaint.building_id is None:
        return set()
    numbers = set(
        Unit.objects.filter(building_id=complaint.building_id).values_list("number", flat=True)
    )
    return {number.strip() for number in numbers if len(number.strip()) >= 3}


def names(complaint: Complaint) -> set[str]:
    found = {complaint.contact_name.strip()}
    if complaint.resident_id is not None:
        found.add(complaint.resident.name.strip())
    # "Zhang Wei" is also written "Wei Zhang" or "ZhangWei".
    for name in list(found):
        parts = name.split()
        if len(parts) > 1:
            found |= {" ".join(reversed(parts)), "".join(parts)}
    return {name for name in found if len(name) >= 2}


def personal_data_refusal(text: str, complaint: Complaint) -> str | None:
    """Why `text` may not go into a case of `complaint`, or None."""
    if PHONE_LIKE.search(text):
        return _("Remove the phone number: a case carries no personal data.")
    for number in unit_numbers(complaint):
        if _token(number).search(text):
            return _("Remove the unit number %(number)s: a case carries no personal data.") % {
                "number": number
            }
    lowered = text.casefold()
    for name in names(complaint):
        if name.casefold() in lowered:
            return _("Remove the resident's name: a case carries no personal data.")
    return None
