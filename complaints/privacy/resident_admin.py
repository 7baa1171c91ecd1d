"""The Resident admin: residents' records, their personal data handled under SPEC §7.
It lives in the complaints app because every opening of a record, every phone reveal
and every anonymisation is logged by `complaints.privacy`; the model keeps its app label,
so the admin lists it under "Places" with the `admin:buildings_resident_*` URL names and
the templates in `templates/admin/buildings/resident/`. Registered here, imported by
`complaints.admin`."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from buildings.models import Residency, Resident, mask_phone
from complaints.exceptions import ComplaintError, ComplaintNotFound
from complaints.privacy.forms import AnonymiseForm, ResidentAdminForm
from complaints.privacy.services import (
    ANONYMISE_PERMISSION,
    resident_anonymise,
    resident_log_view,
    resident_phone_reveal_allowed,
    resident_reveal_phone,
)
from staff.admin_scope import PropertyScopedAdmin, ScopedChoicesMixin


class ResidencyInline(ScopedChoicesMixin, admin.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["unit"]


class ResidentAdmin(PropertyScopedAdmin):
    """Residents' records, their phone masked for every role (SPEC §3, §7). Holders of
    `complaints.view_contact_phone` reveal a number with a button (logged); every opening
    of a record is logged; project managers anonymise departed residents."""

    form = ResidentAdminForm
    list_display = ["name", "masked_phone", "user"]
    autocomplete_fields = ["user"]
    inlines = [ResidencyInline]
    actions = ["anonymise_selected"]
    change_form_template = "admin/buildings/resident/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("phone"))
    def masked_phone(self, resident: Resident) -> str:
        return mask_phone(resident.phone) if resident.phone else "—"

    def get_search_fields(self, request):
        # A phone number matches only whole, and only for those who may reveal it:
        # a partial match would rebuild a number digit by digit.
        fields = ["name", "user__username", "units__number"]
        if resident_phone_reveal_allowed(request.user):
            fields.append("=phone")
        return fields

    def get_fields(self, request, obj=None):
        fields = ["user", "name"]
        if obj is not None:
            fields.append("masked_phone")
            if obj.anonymised_at is not None:
                fields.append("anonymised_at")
        editable = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        if editable:
            fields.append("new_phone")
        return fields

    def get_readonly_fields(self, request, obj=None):
        readonly = ["masked_phone", "anonymised_at"]
        # The login of an existing resident is not moved to another person.
        return readonly if obj is None else [*readonly, "user"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Logins that are nobody's yet: neither a resident's nor a staff member's.
            kwargs["queryset"] = get_user_model()._default_manager.filter(
                resident__isnull=True, staff_profile__isnull=True, is_active=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Viewing (logged) and revealing the phone (logged)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/reveal-phone/",
                self.admin_site.admin_view(self.reveal_phone_view),
                name="buildings_resident_reveal_phone",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        resident = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if resident is not None:
            if request.method == "GET":
                resident_log_view(resident_id=resident.pk, actor=request.user)
            extra_context["pd_can_reveal"] = bool(resident.phone) and (
                resident_phone_reveal_allowed(request.user)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def reveal_phone_view(self, request: HttpRequest, object_id: int):
        if request.method != "POST":
            return redirect("admin:buildings_resident_change", object_id)
        resident = self.get_object(request, str(object_id))
        if resident is None:
            raise Http404
        try:
            phone = resident_reveal_phone(resident_id=resident.pk, actor=request.user)
        except ComplaintNotFound:
            raise Http404 from None
        except ComplaintError as error:
            raise PermissionDenied(error.message) from None
        self.message_user(
            request,
            gettext("%(name)s: phone %(phone)s (this view is logged).")
            % {"name": resident.name, "phone": phone},
        )
        return redirect("admin:buildings_resident_change", resident.pk)

    # Anonymising departed residents

    def has_anonymise_permission(self, request) -> bool:
        return request.user.has_perm(ANONYMISE_PERMISSION)

    @admin.action(description=_("Anonymise selected departed residents"), permissions=["anonymise"])
    def anonymise_selected(self, request, queryset):
        form = AnonymiseForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for resident_id, name in queryset.values_list("pk", "name"):
                try:
                    resident_anonymise(
                        resident_id=resident_id,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ComplaintError as error:
                    self.message_user(request, f"{name}: {error.message}", messages.WARNING)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d resident anonymised.", "%(count)d residents anonymised.", done
                    )
                    % {"count": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Anonymise departed residents"),
            "form": form,
            "residents": queryset[:200],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/buildings/resident/anonymise.html", context)


admin.site.register(Resident, ResidentAdmin)
