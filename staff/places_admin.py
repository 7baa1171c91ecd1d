"""The admins of properties, buildings and units. They live in `staff` because they are
scoped by the staff rule (which properties a user may see); `buildings` imports no other
app. The Resident admin is in complaints.privacy.resident_admin (personal data, logged)."""

from django.contrib import admin

from buildings.models import Building, Property, Unit
from staff.admin_scope import PropertyScopedAdmin, ReadOnlyHistoryAdmin


@admin.register(Property)
class PropertyAdmin(ReadOnlyHistoryAdmin, PropertyScopedAdmin):
    list_display = ["name", "kind", "city", "address", "duty_phone"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "city", "address"]


@admin.register(Building)
class BuildingAdmin(PropertyScopedAdmin):
    list_display = ["name", "property"]
    list_filter = [("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property",)
    search_fields = ["name", "property__name"]
    autocomplete_fields = ["property"]


@admin.register(Unit)
class UnitAdmin(PropertyScopedAdmin):
    list_display = ["__str__", "building", "entrance", "floor", "number"]
    list_select_related = ("building__property",)
    search_fields = ["number", "entrance", "building__name", "building__property__name"]
    autocomplete_fields = ["building"]
