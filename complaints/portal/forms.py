"""Portal forms. They check the shape of the input; the services own the rules and
their errors are put next to the field they name."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buildings.models import Building, Property, Resident, Unit
from complaints.models import Category, State
from complaints.photos import MAX_PHOTOS_PER_COMPLAINT
from complaints.suggestions import IntakePreview, intake_preview


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files in one input; each is checked by content in `photo_process`."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        cleaned = [super(PhotosField, self).clean(item, initial) for item in items if item]
        return [item for item in cleaned if item]


class ComplaintForm(forms.Form):
    """A new complaint: where, what kind (optional), what, when to call back, photos."""

    place = forms.ChoiceField(
        label=gettext_lazy("Where is the problem?"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose one of your own homes or a common area where you live."
            ),
        },
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("What kind of problem is it?"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Optional: if you are not sure, we will sort it for you."),
        error_messages={"invalid_choice": gettext_lazy("Choose a kind from the list.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What is wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    location_text = forms.CharField(
        label=gettext_lazy("Where exactly?"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example: B2 garage, elevator 3."),
    )
    preferred_contact_time = forms.CharField(
        label=gettext_lazy("When can we reach you?"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("For example: weekdays after 18:00."),
    )
    photos = PhotosField(
        label=gettext_lazy("Photos"),
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/*"}),
        help_text=gettext_lazy(
            "Up to 9 photos, 10 MB each: take them with your phone's camera or pick them."
        ),
    )

    def __init__(self, *args, resident: Resident, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.resident = resident
        units = list(
            Unit.objects.filter(residencies__resident=resident)
            .select_related("building__property")
            .distinct()
        )
        buildings = {unit.building_id: unit.building for unit in units}
        properties = {unit.building.property_id: unit.building.property for unit in units}
        self.duty_phones = [
            (prop.name, prop.duty_phone) for prop in properties.values() if prop.duty_phone
        ]
        self._places: dict[str, dict] = {}
        homes, common = [], []
        for unit in units:
            key = f"unit:{unit.pk}"
            self._places[key] = {"unit": unit, "building": unit.building, "property": None}
            homes.append((key, _("My home: %(unit)s") % {"unit": unit}))
        for building in buildings.values():
            key = f"building:{building.pk}"
            self._places[key] = {"unit": None, "building": building, "property": None}
            common.append((key, _("Common area of %(building)s") % {"building": building}))
        for prop in properties.values():
            key = f"property:{prop.pk}"
            self._places[key] = {"unit": None, "building": None, "property": prop}
            common.append(
                (key, _("Common area of %(property)s (whole estate)") % {"property": prop})
            )
        self.fields["place"].choices = [
            ("", _("Choose …")),
            (_("My home"), homes),
            (_("Common areas"), common),
        ]
        if len(units) == 1 and not self.is_bound:
            self.initial.setdefault("place", f"unit:{units[0].pk}")
        self.fields["category"].choices = [("", _("Not sure — let the staff decide")), *_grouped()]
        self.fields["photos"].widget.attrs["multiple"] = True

    def clean_place(self) -> dict[str, Unit | Building | Property | None]:
        return self._places[self.cleaned_data["place"]]

    def clean_category(self) -> Category | None:
        pk = self.cleaned_data["category"]
        if pk is None:
            return None
        return Category.objects.get(pk=pk, is_active=True)

    def clean_photos(self) -> list:
        photos = self.cleaned_data["photos"]
        if len(photos) > MAX_PHOTOS_PER_COMPLAINT:
            raise forms.ValidationError(
                _("You can attach at most %(limit)d photos; you chose %(count)d.")
                % {"limit": MAX_PHOTOS_PER_COMPLAINT, "count": len(photos)}
            )
        return photos


class PreviewForm(ComplaintForm):
    """The filing form's place (the resident's own choices), kind and text: what the live
    preview reads while the resident types."""

    READ = ("place", "category", "description", "location_text")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in self.READ]:
            del self.fields[name]
        self.fields["description"].required = False

    def preview(self) -> IntakePreview:
        """What filing the valid form's text about its place would make of it."""
        data = self.cleaned_data
        place = data["place"]
        building = place["unit"].building if place["unit"] else place["building"]
        return intake_preview(
            description=data["description"],
            location_text=data["location_text"],
            property_id=building.property_id if building else place["property"].pk,
            unit_id=place["unit"].pk if place["unit"] else None,
            building_id=building.pk if building else None,
            category=data["category"],
        )


def _grouped() -> list:
    """Active categories as the resident reads them: each group with its kinds, a group
    without kinds as an option of its own."""
    categories = list(Category.objects.filter(is_active=True).order_by("position", "code"))
    children: dict[int, list[Category]] = {}
    for item in categories:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    choices = []
    for item in categories:
        if item.parent_id is not None:
            continue
        kinds = children.get(item.pk)
        if kinds:
            options = [(kind.pk, kind.name) for kind in kinds]
            options.append((item.pk, _("Other: %(name)s") % {"name": item.name}))
            choices.append((item.name, options))
        else:
            choices.append((item.pk, item.name))
    return choices


class SeenStateForm(forms.Form):
    """The state the page showed, so that a tab left open does not act on a complaint
    that has changed since (the service refuses: ChangedMeanwhile)."""

    expected_state = forms.ChoiceField(
        choices=State.choices, required=False, widget=forms.HiddenInput
    )

    def clean_expected_state(self) -> str | None:
        return self.cleaned_data["expected_state"] or None


class ReopenForm(SeenStateForm):
    reason = forms.CharField(
        label=gettext_lazy("What is still wrong?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you withdrawing it?"),
        max_length=200,
        required=False,
    )


STARS = [
    (100, gettext_lazy("5 stars: excellent")),
    (80, gettext_lazy("4 stars: good")),
    (60, gettext_lazy("3 stars: fair")),
    (40, gettext_lazy("2 stars: poor")),
    (20, gettext_lazy("1 star: very poor")),
]


def _score(label) -> forms.IntegerField:
    # Five stars are 20 … 100; the field accepts any score from 0 to 100.
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100,
        widget=forms.RadioSelect(choices=STARS),
        error_messages={"required": gettext_lazy("Choose from 1 to 5 stars.")},
    )


class SurveyForm(forms.Form):
    solved = _score(gettext_lazy("Was the problem solved?"))
    speed = _score(gettext_lazy("How fast did we respond?"))
    attitude = _score(gettext_lazy("How was our staff's attitude?"))
    comment = forms.CharField(
        label=gettext_lazy("Anything else you want to tell us?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
