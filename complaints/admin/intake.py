"""Intake on behalf (phone, walk-in, paper, committee): the add page of the complaint admin.

The agent taking the complaint becomes its owner and keeps the category, level and team
they chose, in one service call (`complaint_take_in`). Before saving, a repeat of the
same place (and category) is a warning, not an error: the page lists the linked
complaints with "Save anyway" and one "Merge into …" button each, all submit buttons of
the one intake form (a form nested in it would be dropped by browsers)."""

from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from complaints.admin import forms
from complaints.exceptions import ComplaintError
from complaints.live_preview import preview_form_refused, preview_refused_for_rate
from complaints.repeats import repeat_linked
from complaints.selectors import complaint_list_visible_to
from complaints.suggestions import IntakePreview, intake_preview
from staff.selectors import property_ids_visible_to

REPEATS_SHOWN = 10
PREVIEW_MAX_LENGTH = 4000


class IntakePreviewForm(forms.IntakeForm):
    """The intake form's place (its choices scoped as the intake's are) and text: all
    that the preview reads. Used by the admin page and the staff API alike."""

    READ = ("unit", "building", "description", "location_text")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in self.READ]:
            del self.fields[name]
        self.fields["description"].required = False
        # As the portal's form: the preview matches phrases, not whole documents.
        self.fields["description"].validators.append(MaxLengthValidator(PREVIEW_MAX_LENGTH))

    def preview(self) -> IntakePreview:
        """What filing the valid form's text about its place would make of it."""
        data = self.cleaned_data
        unit = data["unit"]
        building = unit.building if unit is not None else data["building"]
        return intake_preview(
            description=data["description"],
            location_text=data["location_text"],
            property_id=building.property_id,
            unit_id=unit.pk if unit is not None else None,
            building_id=building.pk,
        )


class IntakeViewMixin:
    """ComplaintAdmin's add page: an agent files what a resident reports."""

    def get_urls(self):
        preview = path(
            "intake/preview/",
            self.admin_site.admin_view(never_cache(require_POST(self.intake_preview_view))),
            name="complaints_complaint_intake_preview",
        )
        return [preview, *super().get_urls()]

    def intake_preview_view(self, request: HttpRequest) -> JsonResponse:
        """The live preview of the intake page (JSON, POST with the CSRF token): for those
        who may take complaints in, about a place of their properties."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        refused = preview_refused_for_rate(request)
        if refused is not None:
            return refused
        form = IntakePreviewForm(
            request.POST,
            admin_site=self.admin_site,
            property_ids=property_ids_visible_to(request.user),
        )
        if not form.is_valid():
            return preview_form_refused(form)
        return JsonResponse(form.preview().as_dict(staff=True))

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        property_ids = property_ids_visible_to(request.user)
        form_kwargs = {"admin_site": self.admin_site, "property_ids": property_ids}
        repeats = None
        if request.method == "POST":
            form = forms.IntakeForm(request.POST, request.FILES, **form_kwargs)
            if form.is_valid():
                data = form.cleaned_data
                repeats = self._intake_repeats(request, data)
                if not repeats or data["confirmed"] or data["merge_into"]:
                    try:
                        return self._intake_save(request, form)
                    except ComplaintError as error:
                        # SPEC §7: keep what was typed and show the error at its field.
                        field = getattr(error, "field", None)
                        form.add_error(field if field in form.fields else None, error.message)
        else:
            form = forms.IntakeForm(**form_kwargs)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("New complaint on behalf of a resident"),
            "form": form,
            "repeats": repeats,
            "media": self.media + form.media,
            "add": True,
        }
        return TemplateResponse(request, "admin/complaints/complaint/intake.html", context)

    def _intake_repeats(self, request, data) -> list:
        """The complaints this one would be linked with (the one definition, in repeats),
        among those the agent may see."""
        place_building = data["unit"].building if data["unit"] else data["building"]
        return list(
            (
                repeat_linked(
                    property_id=place_building.property_id,
                    unit_id=data["unit"].pk if data["unit"] else None,
                    building_id=place_building.pk,
                    category_id=data["category"].pk if data["category"] else None,
                    around=timezone.now(),
                )
                & complaint_list_visible_to(request.user)
            ).select_related("category")[:REPEATS_SHOWN]
        )

    def _intake_save(self, request, form):
        """Take the complaint in (or file it merged into a repeat) and say what happened."""
        complaint = form.take_in(request.user)
        if complaint.merged_into_id is not None:
            target = complaint.merged_into
            self.message_user(
                request,
                _("%(reference)s recorded and merged into %(into)s.")
                % {"reference": complaint.reference, "into": target.reference},
            )
            return redirect("admin:complaints_complaint_change", target.pk)
        self.message_user(
            request,
            _("%(reference)s recorded: you own it, and it is now “%(state)s”.")
            % {"reference": complaint.reference, "state": complaint.get_state_display()},
        )
        return redirect("admin:complaints_complaint_change", complaint.pk)
