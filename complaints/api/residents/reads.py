"""What a resident reads, as plain data for the serializers: the portal's list row, its
detail page (timeline, promise, rating, the actions allowed now) and its filing form's
choices. The words come from `complaints.portal.display`, the rules from
`complaints.permissions`; nothing here decides."""

from django.urls import reverse
from rest_framework.request import Request

from complaints import permissions
from complaints.models import AWAITING_RESPONSE_STATES, Complaint, Photo, Transition
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.portal import display
from complaints.portal.forms import ComplaintForm


def _place(complaint: Complaint) -> dict:
    for kind in ("unit", "building", "property"):
        place = getattr(complaint, kind)
        if place is not None:
            return {"kind": kind, "id": place.pk, "name": str(place)}
    raise AssertionError("a complaint always has a property")


def complaint_summary(complaint: Complaint) -> dict:
    """The portal list's row: the state and the next step in plain words."""
    category = complaint.category
    return {
        "id": complaint.pk,
        "reference": complaint.reference,
        "state": complaint.state,
        "state_label": display.state_words(complaint),
        "next_step": display.next_step(complaint),
        "channel": complaint.channel,
        "place": _place(complaint),
        "location_text": complaint.location_text,
        "location": complaint.location_display,
        "description": complaint.description,
        "category": {"id": category.pk, "name": category.name} if category else None,
        "level": complaint.level,
        "preferred_contact_time": complaint.preferred_contact_time,
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
        "closed_at": complaint.closed_at,
    }


def _photo(photo: Photo, request: Request) -> dict:
    return {
        "id": photo.pk,
        "step": photo.step,
        "url": request.build_absolute_uri(reverse("api:resident_photo", args=[photo.pk])),
        "thumbnail_url": request.build_absolute_uri(
            reverse("api:resident_photo_thumbnail", args=[photo.pk])
        ),
    }


def complaint_detail(complaint: Complaint, request: Request) -> dict:
    """The portal's detail page: timeline, promise while waiting, the latest rating, and
    the actions the services would allow now."""
    user = request.user
    survey = complaint.surveys.filter(submitted_at__isnull=False).order_by("-cycle").first()
    return {
        **complaint_summary(complaint),
        "merged_into": complaint.merged_into.reference if complaint.merged_into_id else None,
        "promise": display.promise_sentences(complaint)
        if complaint.state in AWAITING_RESPONSE_STATES
        else [],
        "timeline": [
            {
                "at": entry.at,
                "title": entry.title,
                "detail": entry.detail,
                "photos": [_photo(photo, request) for photo in entry.photos],
            }
            for entry in display.timeline(complaint)
        ],
        "survey": {
            "solved": survey.solved,
            "speed": survey.speed,
            "attitude": survey.attitude,
            "comment": survey.comment,
            "submitted_at": survey.submitted_at,
        }
        if survey
        else None,
        "actions": {
            "withdraw": permissions.may(complaint, Transition.WITHDRAW, user),
            "confirm": permissions.may(complaint, Transition.CLOSE, user),
            "reopen": permissions.may(complaint, Transition.REOPEN, user),
            "rate": display.survey_pending(complaint),
        },
    }


def _flat_choices(choices) -> list[tuple[str, str, str | None]]:
    """(value, label, group) of a form field's grouped choices, the empty one left out."""
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend((str(item), str(name), str(value)) for item, name in label)
        elif value != "":
            flat.append((str(value), str(label), None))
    return flat


def filing_options(form: ComplaintForm) -> dict:
    """The choices the portal's complaint form offers its resident."""
    places = []
    for value, name, _group in _flat_choices(form.fields["place"].choices):
        kind, pk = value.split(":")
        places.append({"kind": kind, "id": int(pk), "name": name})
    return {
        "places": places,
        "categories": [
            {"id": int(value), "name": name, "group": group}
            for value, name, group in _flat_choices(form.fields["category"].choices)
        ],
        "max_photos": MAX_PHOTOS_PER_COMPLAINT,
        "duty_phones": [{"property": name, "phone": phone} for name, phone in form.duty_phones],
    }
