"""A resident's own data, as one JSON document they download from the portal (PIPL: the
right to a copy): their record, units, complaints with the timeline and surveys as the
portal shows them, and their notifications. Only their own — the complaints come from
`complaint_list_for_resident`, the notifications are those addressed to them."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from buildings.models import Resident
from complaints.models import Notification
from complaints.portal import display
from complaints.selectors import complaint_list_for_resident


def _when(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _photo(photo) -> dict:
    return {
        "step": photo.get_step_display(),
        "file_name": photo.original_name,
        "uploaded_at": _when(photo.created_at),
        "url": reverse("complaints:photo", args=[photo.pk, "image"]),
    }


def _complaint(complaint) -> dict:
    return {
        "reference": complaint.reference,
        "submitted_at": _when(complaint.created_at),
        "channel": complaint.get_channel_display(),
        "state": display.state_words(complaint),
        "category": complaint.category.name if complaint.category_id else None,
        "level": complaint.get_level_display() if complaint.level else None,
        "place": complaint.location_display,
        "description": complaint.description,
        "contact_name": complaint.contact_name,
        "contact_phone": complaint.contact_phone,
        "preferred_contact_time": complaint.preferred_contact_time,
        "closed_at": _when(complaint.closed_at),
        "timeline": [
            {
                "at": _when(entry.at),
                "title": entry.title,
                "detail": entry.detail,
                "photos": [_photo(photo) for photo in entry.photos],
            }
            for entry in display.timeline(complaint)
        ],
        "surveys": [
            {
                "sent_at": _when(survey.sent_at),
                "submitted_at": _when(survey.submitted_at),
                "problem_solved": survey.solved,
                "response_speed": survey.speed,
                "attitude": survey.attitude,
                "comment": survey.comment,
            }
            for survey in sorted(complaint.surveys.all(), key=lambda item: item.cycle)
        ],
    }


def resident_own_data(resident: Resident) -> dict:
    """Everything the portal keeps about this resident, in plain values."""
    user = resident.user
    complaints = list(
        complaint_list_for_resident(user)
        .select_related("property", "building__property", "unit__building__property", "category")
        .prefetch_related("surveys", "photos", "holds")
        .order_by("created_at", "pk")
    )
    own = {complaint.pk: complaint.reference for complaint in complaints}
    notifications = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    residencies = resident.residencies.select_related("unit__building__property").order_by(
        "unit__building__property__name", "unit__building__name", "unit__number"
    )
    return {
        "generated_at": _when(timezone.now()),
        "resident": {
            "name": resident.name,
            "phone": resident.phone,
            "username": user.get_username(),
            "email": user.email,
            "registered_at": _when(user.date_joined),
        },
        "units": [
            {
                "property": residency.unit.building.property.name,
                "building": residency.unit.building.name,
                "entrance": residency.unit.entrance,
                "floor": residency.unit.floor,
                "number": residency.unit.number,
                "relation": residency.get_relation_display(),
            }
            for residency in residencies
        ],
        "complaints": [_complaint(complaint) for complaint in complaints],
        "notifications": [
            {
                "at": _when(item.created_at),
                "text": item.text,
                "complaint": own.get(item.complaint_id),
                "read_at": _when(item.read_at),
            }
            for item in notifications
        ],
    }
