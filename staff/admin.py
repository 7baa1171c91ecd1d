from django.contrib import admin

from buildings.admin import PropertyScopedAdmin, ScopedHistoryAdmin
from staff.models import StaffProfile, Team
from staff.services import staff_profile_set_role


@admin.register(Team)
class TeamAdmin(ScopedHistoryAdmin, PropertyScopedAdmin):
    list_display = ["name", "kind", "property", "leader"]
    list_filter = ["kind", ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property", "leader")
    search_fields = ["name", "property__name"]
    autocomplete_fields = ["property", "leader"]


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedHistoryAdmin, PropertyScopedAdmin):
    property_path = "properties"
    list_display = ["user", "role", "team", "phone"]
    list_filter = ["role"]
    list_select_related = ("user", "team__property")
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["user", "team", "properties"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff_profile_set_role(profile=form.instance, role=form.instance.role)
