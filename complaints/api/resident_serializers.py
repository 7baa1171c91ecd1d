"""The residents' API in and out: what a
resident reads about their complaints, and what they send.

What a resident sends is checked by the portal's own forms (`complaints.portal.forms`):
the fields here take their limits from the form fields, and `validate` runs the form, so
a place outside the resident's homes, an inactive category or too many photos are
refused here as in the portal, by the same code and with the same messages. The services
decide the rest (state, permission, filing limit, photo content)."""

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from complaints.models import Channel, Level, Photo, State
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.portal.forms import ComplaintForm, ReopenForm, SurveyForm, WithdrawForm

# Ids in the path: bounded, so a client (or a fuzzer) is told which numbers can exist.
COMPLAINT_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
    OpenApiParameter.PATH,
    description="The complaint's id (its reference without the prefix).",
)
PHOTO_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, OpenApiParameter.PATH
)


# --- What a resident reads -----------------------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["unit", "building", "property"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class CategoryRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    step = serializers.ChoiceField(choices=Photo.Step.choices)
    url = serializers.URLField(help_text="The photo, for the same credentials.")
    thumbnail_url = serializers.URLField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    title = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    photos = PhotoSerializer(many=True)


class SurveyResultSerializer(serializers.Serializer):
    solved = serializers.IntegerField()
    speed = serializers.IntegerField()
    attitude = serializers.IntegerField()
    comment = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()


class ActionsSerializer(serializers.Serializer):
    """What the resident may do now, by the rules the services apply (as the portal
    offers its buttons)."""

    withdraw = serializers.BooleanField()
    confirm = serializers.BooleanField()
    reopen = serializers.BooleanField(help_text='"Not fixed" after handling, or reopen.')
    rate = serializers.BooleanField()


class ResidentComplaintSerializer(serializers.Serializer):
    """One of the resident's complaints, as the portal's list shows it."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField(help_text="The state in plain words.")
    next_step = serializers.CharField(help_text="What the resident can expect next.")
    channel = serializers.ChoiceField(choices=Channel.choices)
    place = PlaceSerializer()
    location_text = serializers.CharField(allow_blank=True)
    location = serializers.CharField(help_text="The place and the location text in one.")
    description = serializers.CharField()
    category = CategoryRefSerializer(allow_null=True)
    level = serializers.ChoiceField(choices=Level.choices, allow_null=True)
    preferred_contact_time = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)


class ResidentComplaintDetailSerializer(ResidentComplaintSerializer):
    """One complaint with the portal's timeline, the level's promise while the resident
    waits, the latest rating and what the resident may do now."""

    merged_into = serializers.CharField(allow_null=True, help_text="The reference, if merged.")
    promise = serializers.ListField(child=serializers.CharField())
    timeline = TimelineEntrySerializer(many=True)
    survey = SurveyResultSerializer(allow_null=True)
    actions = ActionsSerializer()


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    complaint = serializers.IntegerField(
        allow_null=True, help_text="The complaint's id, when it is one of the resident's."
    )
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread until now.")


class ChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    group = serializers.CharField(allow_null=True)


class DutyPhoneSerializer(serializers.Serializer):
    property = serializers.CharField()
    phone = serializers.CharField(help_text="The property office's 24-hour duty phone.")


class FilingOptionsSerializer(serializers.Serializer):
    """What the portal's complaint form offers this resident."""

    places = PlaceSerializer(many=True, help_text="Send one as `unit`, `building` or `property`.")
    categories = ChoiceSerializer(many=True)
    max_photos = serializers.IntegerField()
    duty_phones = DutyPhoneSerializer(many=True)


# --- What a resident sends -----------------------------------------------------------------


def form_field(form_class: type[forms.Form], name: str, **extra) -> serializers.Field:
    """The API field of a portal form's field, with the form's limits."""
    field = form_class.base_fields[name]
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            required=field.required, min_value=field.min_value, max_value=field.max_value, **extra
        )
    # Blank passes here: the form refuses a blank required field with its own message.
    return serializers.CharField(
        required=field.required, allow_blank=True, max_length=field.max_length, **extra
    )


def flat_errors(errors: dict, aliases: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A Django form's errors as the API's `errors`: the API's field names (`aliases`),
    `non_field_errors` for the form's own."""
    aliases = {forms.forms.NON_FIELD_ERRORS: "non_field_errors", **(aliases or {})}
    flat: dict[str, list[str]] = {}
    for name, messages in errors.items():
        flat.setdefault(aliases.get(name, name), []).extend(str(item) for item in messages)
    return flat


class PortalFormSerializer(serializers.Serializer):
    """Validated by the portal form `form_class` after the field types are checked."""

    form_class: type[forms.Form]

    def form_kwargs(self) -> dict:
        return {}

    def form_data(self, attrs: dict) -> dict:
        return {name: attrs.get(name, "") for name in self.form_class.base_fields}

    def error_aliases(self, attrs: dict) -> dict[str, str]:
        return {}

    def validate(self, attrs: dict) -> dict:
        form = self.form_class(data=self.form_data(attrs), **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(flat_errors(form.errors, self.error_aliases(attrs)))
        return {**attrs, **form.cleaned_data}


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string", "format": "binary"},
        "maxItems": MAX_PHOTOS_PER_COMPLAINT,
    }
)
class PhotoUploadsField(serializers.Field):
    """Files sent under one name, any number of times; the form and the photo checks
    judge them."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            return dictionary.getlist(self.field_name) or empty
        return dictionary.get(self.field_name, empty)

    def to_internal_value(self, data) -> list:
        return list(data) if isinstance(data, list | tuple) else [data]

    def to_representation(self, value):
        return None


PLACE_FIELDS = ("unit", "building", "property")


class ComplaintCreateSerializer(PortalFormSerializer):
    """A new complaint, as the portal's form takes it: one place (one of the resident's
    units, or the common area of a building or property they live in), what is wrong,
    optionally the kind, where exactly, when to call back and photos."""

    form_class = ComplaintForm

    description = form_field(ComplaintForm, "description")
    unit = serializers.IntegerField(required=False, help_text="One of the resident's units.")
    building = serializers.IntegerField(
        required=False, help_text="The common area of a building the resident lives in."
    )
    property = serializers.IntegerField(
        required=False, help_text="The common area of the estate the resident lives in."
    )
    category = serializers.IntegerField(
        required=False, allow_null=True, help_text="Optional: staff sort it otherwise."
    )
    location_text = form_field(ComplaintForm, "location_text")
    preferred_contact_time = form_field(ComplaintForm, "preferred_contact_time")
    photos = PhotoUploadsField(
        required=False, help_text=f"Up to {MAX_PHOTOS_PER_COMPLAINT} images, checked by content."
    )

    def form_kwargs(self) -> dict:
        return {"resident": self.context["resident"]}

    def _place_field(self, attrs: dict) -> str | None:
        given = [name for name in PLACE_FIELDS if attrs.get(name) is not None]
        if len(given) > 1:
            raise serializers.ValidationError(
                {given[1]: [_("Give one place: a unit, a building or a property.")]}
            )
        return given[0] if given else None

    def form_data(self, attrs: dict) -> dict:
        place = self._place_field(attrs)
        category = attrs.get("category")
        return {
            "place": f"{place}:{attrs[place]}" if place else "",
            "category": "" if category is None else str(category),
            "description": attrs.get("description", ""),
            "location_text": attrs.get("location_text", ""),
            "preferred_contact_time": attrs.get("preferred_contact_time", ""),
        }

    def error_aliases(self, attrs: dict) -> dict[str, str]:
        return {"place": self._place_field(attrs) or "unit"}

    def validate(self, attrs: dict) -> dict:
        if self._place_field(attrs) is None:
            # The service's own words for a complaint about no place.
            raise serializers.ValidationError(
                {"unit": [_("Choose a unit, a building or a property.")]}
            )
        form = self.form_class(
            data=self.form_data(attrs),
            files=MultiValueDict({"photos": attrs.get("photos", [])}),
            **self.form_kwargs(),
        )
        if not form.is_valid():
            raise serializers.ValidationError(flat_errors(form.errors, self.error_aliases(attrs)))
        return form.cleaned_data


class ExpectedStateField(serializers.ChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(choices=State.choices, **kwargs)


class ExpectedStateMixin(serializers.Serializer):
    expected_state = ExpectedStateField(
        required=False,
        help_text="The state the caller showed; if the complaint has left it, 409 `stale` "
        "and nothing is done.",
    )


class ConfirmSerializer(ExpectedStateMixin):
    pass


class ReopenSerializer(ExpectedStateMixin, PortalFormSerializer):
    """ "Not fixed" after handling, or reopen within 7 days of closing: what is wrong."""

    form_class = ReopenForm

    reason = form_field(ReopenForm, "reason")


class WithdrawSerializer(PortalFormSerializer):
    form_class = WithdrawForm

    reason = form_field(WithdrawForm, "reason")


class SurveySubmitSerializer(PortalFormSerializer):
    """Three scores from 0 to 100 (the portal's five stars are 20 … 100) and a comment."""

    form_class = SurveyForm

    solved = form_field(SurveyForm, "solved", help_text="Was the problem solved?")
    speed = form_field(SurveyForm, "speed", help_text="How fast was the response?")
    attitude = form_field(SurveyForm, "attitude", help_text="How was the staff's attitude?")
    comment = form_field(SurveyForm, "comment")


class IdListField(serializers.ListField):
    """A list of ids whose errors are one flat list of messages, as every other field's."""

    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)

    def to_internal_value(self, data) -> list:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict):
                messages = [str(item) for items in detail.values() for item in items]
                raise serializers.ValidationError(sorted(set(messages))) from None
            raise


class NotificationReadSerializer(serializers.Serializer):
    ids = IdListField(
        allow_empty=False,
        max_length=200,
        help_text="The notifications to mark read (others' ignored).",
    )
