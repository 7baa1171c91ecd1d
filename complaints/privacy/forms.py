"""Forms of the Resident admin (`complaints.privacy.resident_admin`): the record without
its phone number on show, and the confirmation of an anonymisation."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from buildings.models import Resident

PHONE_SEPARATORS = re.compile(r"[\s\-()]")
PHONE_FORMAT = re.compile(r"\+?[0-9]{5,19}")


class ResidentAdminForm(forms.ModelForm):
    """The phone number is never put into an input (SPEC §3: masked for every role).
    A new number replaces it; left blank, the current one stays."""

    new_phone = forms.CharField(
        label=_("New phone number"),
        required=False,
        max_length=30,
        help_text=_("Leave blank to keep the current number."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )

    class Meta:
        model = Resident
        fields = ["user", "name"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("new_phone")
        if field is not None and self.instance.pk is None:
            field.required = True
            field.label = _("Phone number")
            field.help_text = ""

    def clean_new_phone(self) -> str:
        phone = PHONE_SEPARATORS.sub("", self.cleaned_data["new_phone"])
        if phone and not PHONE_FORMAT.fullmatch(phone):
            raise ValidationError(
                _("Enter the phone number in digits, optionally starting with +."),
                code="invalid",
            )
        return phone

    def save(self, commit: bool = True) -> Resident:
        if self.cleaned_data.get("new_phone"):
            self.instance.phone = self.cleaned_data["new_phone"]
        return super().save(commit)


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Why the residents are anonymised, e.g. moved out on 2025-03-01."),
    )
