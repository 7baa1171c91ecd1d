"""What HQ sets up (superusers): categories, SLA policies and overrides, the calendar."""

from django.contrib import admin

from complaints.admin.history import HistoryAdmin
from complaints.admin.status import window_column
from complaints.models import Category, PropertySlaOverride, SlaPolicy, WorkdayOverride
from staff.admin_scope import PropertyScopedAdmin, ScopedAdmin


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    list_display = [
        "code",
        "name_zh_hans",
        "name_en",
        "parent",
        "default_team_kind",
        "default_level",
        "needs_photos",
        "is_active",
    ]
    list_filter = ["default_team_kind", "default_level", "needs_photos", "is_active"]
    list_select_related = ("parent",)
    search_fields = ["code", "name_zh_hans", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(HistoryAdmin, ScopedAdmin):
    list_display = [
        "level",
        window_column(SlaPolicy, "first_response"),
        window_column(SlaPolicy, "on_site"),
        window_column(SlaPolicy, "resolve"),
        "resolve_working_days",
        window_column(SlaPolicy, "max_hold"),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PropertySlaOverride)
class PropertySlaOverrideAdmin(HistoryAdmin, PropertyScopedAdmin):
    list_display = [
        "property",
        "level",
        window_column(PropertySlaOverride, "first_response"),
        window_column(PropertySlaOverride, "on_site"),
        window_column(PropertySlaOverride, "resolve"),
    ]
    list_select_related = ("property",)
    autocomplete_fields = ["property"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(ScopedAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]
