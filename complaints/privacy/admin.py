"""The personal data access log in the admin: read-only, for project managers (their
properties' rows) and superusers. Registered in `complaints.admin`."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from complaints.models import PersonalDataAccess
from complaints.privacy.selectors import READ_PERMISSION, data_access_list_visible_to
from staff.admin_scope import ReadOnlyAdmin
from staff.selectors import user_display_name


class PersonalDataAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "who", "kind", "subject", "row_count", "reason"]
    list_display_links = None
    list_filter = ["kind"]
    list_select_related = ("user", "resident", "complaint")
    date_hierarchy = "at"
    show_full_result_count = False
    fields = [
        "at",
        "who",
        "kind",
        "subject",
        "description",
        "row_count",
        "details",
        "reason",
        "property_names",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return data_access_list_visible_to(request.user).select_related(*self.list_select_related)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.has_perm(READ_PERMISSION)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("staff member"), ordering="user__username")
    def who(self, entry: PersonalDataAccess) -> str:
        return user_display_name(entry.user)

    @admin.display(description=_("concerning"))
    def subject(self, entry: PersonalDataAccess):
        parts = []
        if entry.complaint_id is not None:
            parts.append(
                format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:complaints_complaint_change", args=[entry.complaint_id]),
                    entry.complaint.reference,
                )
            )
        if entry.resident_id is not None:
            # The name and masked phone, as every staff page shows a resident.
            parts.append(str(entry.resident))
        if entry.description:
            parts.append(entry.description)
        if not parts:
            return "—"
        return format_html_join(" · ", "{}", ((part,) for part in parts))

    @admin.display(description=_("properties"))
    def property_names(self, entry: PersonalDataAccess) -> str:
        return ", ".join(entry.properties.order_by("name").values_list("name", flat=True))
