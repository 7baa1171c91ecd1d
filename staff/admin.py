from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from buildings.models import Property
from staff import places_admin  # noqa: F401  (registers the property, building and unit admins)
from staff.admin_scope import PropertyScopedAdmin, ReadOnlyHistoryAdmin
from staff.logins import admin as logins_admin  # noqa: F401  (registers the failed-login admins)
from staff.models import Duty, Role, StaffProfile, Team
from staff.selectors import property_ids_visible_to, service_leader_teams
from staff.services import ACCESS_FIELDS, staff_access_errors, staff_profile_grant

# API tokens end with their owner's logout (one or everywhere) or the account's
# deactivation; knox's own admin page, English only, would show every user's tokens.
admin.site.unregister(AuthToken)


class TeamForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        leader, property_ = data.get("leader"), data.get("property")
        if (
            leader is not None
            and property_ is not None
            and not StaffProfile.objects.filter(user=leader, properties=property_).exists()
        ):
            self.add_error("leader", _("The leader must be staff of the team's property."))
        return data


@admin.register(Team)
class TeamAdmin(ReadOnlyHistoryAdmin, PropertyScopedAdmin):
    form = TeamForm
    list_display = ["name", "kind", "property", "leader"]
    list_filter = ["kind", ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property", "leader")
    search_fields = ["name", "property__name"]
    autocomplete_fields = ["property"]


class StaffProfileForm(forms.ModelForm):
    """Checks a grant of role, team and properties with the service's own rule, so a
    refusal is a field error and nothing is saved."""

    actor = None

    def clean(self):
        data = super().clean()
        if self.actor is not None and ACCESS_FIELDS & set(self.fields):
            for field, message in staff_access_errors(
                profile=self.instance if self.instance.pk else None,
                actor=self.actor,
                team=data.get("team"),
                properties=data.get("properties") or [],
            ).items():
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(StaffProfile)
class StaffProfileAdmin(ReadOnlyHistoryAdmin, PropertyScopedAdmin):
    form = StaffProfileForm
    list_display = ["user", "role", "team", "phone"]
    list_filter = ["role"]
    list_select_related = ("user", "team__property")
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    autocomplete_fields = ["team", "properties"]

    def _may_grant(self, request, obj) -> bool:
        """Role, team and properties are granted with `staff.grant_access`, never by
        the person to themselves."""
        return request.user.has_perm("staff.grant_access") and (
            obj is None or obj.user_id != request.user.pk
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if obj is not None:
            readonly.append("user")
        if not self._may_grant(request, obj):
            readonly.extend(sorted(ACCESS_FIELDS))
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        if change and ACCESS_FIELDS & set(form.fields):
            # Granted in save_related by the service, which checks the grant once more.
            original = StaffProfile.objects.get(pk=obj.pk)
            obj.role, obj.team_id = original.role, original.team_id
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        granted = {name: form.cleaned_data.pop(name) for name in ACCESS_FIELDS & set(form.fields)}
        super().save_related(request, form, formsets, change)
        if granted:
            staff_profile_grant(profile_id=form.instance.pk, actor=request.user, **granted)


def roster_property_ids(user) -> frozenset[int]:
    """The properties whose duty roster this user keeps: a project manager those in
    scope, a team leader those whose customer-service team they lead (SPEC §2: the
    customer-service leader answers for the service desk), nobody else any. Cached on
    the user object for the request: every admin page asks, for its navigation."""
    cached = getattr(user, "_roster_property_ids", None)
    if cached is not None:
        return cached
    scope = property_ids_visible_to(user)
    profile = getattr(user, "staff_profile", None)
    if user.is_superuser:
        ids = scope
    elif profile is None or not user.has_perm("staff.change_duty"):
        ids = frozenset()
    elif profile.role == Role.PROJECT_MANAGER:
        ids = scope
    else:
        led = service_leader_teams().filter(leader=user).values_list("property_id", flat=True)
        ids = scope & frozenset(led)
    user._roster_property_ids = ids
    return ids


class DutyForm(forms.ModelForm):
    """A shift is for a property the editor keeps the roster of, given to its staff."""

    editor = None

    def clean(self):
        data = super().clean()
        user, property_ = data.get("user"), data.get("property")
        if property_ is not None and property_.pk not in roster_property_ids(self.editor):
            self.add_error("property", _("You do not keep this property's duty roster."))
        if (
            user is not None
            and property_ is not None
            and not StaffProfile.objects.filter(user=user, properties=property_).exists()
        ):
            self.add_error("user", _("The person on duty must be staff of the property."))
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("A shift ends after it starts."))
        return data


class OnDutyFilter(admin.SimpleListFilter):
    title = _("on duty")
    parameter_name = "now"

    def lookups(self, request, model_admin):
        return [("on", _("On duty now")), ("coming", _("Still to come"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "on":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "coming":
            return queryset.filter(starts_at__gt=now)
        return queryset


@admin.register(Duty)
class DutyAdmin(ReadOnlyHistoryAdmin, PropertyScopedAdmin):
    """The duty roster: read by the roster's keepers of the property; a shift is added,
    changed or removed only by who keeps that property's roster (`roster_property_ids`)."""

    form = DutyForm
    list_display = ["user", "property", "starts_at", "ends_at"]
    list_filter = [OnDutyFilter, ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("user", "property")
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "starts_at"
    fields = ["property", "user", "starts_at", "ends_at"]

    def _keeps(self, request, obj=None) -> bool:
        keeps = roster_property_ids(request.user)
        return bool(keeps) if obj is None else obj.property_id in keeps

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._keeps(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._keeps(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._keeps(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "property":
            kwargs["queryset"] = Property.objects.filter(pk__in=roster_property_ids(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})
