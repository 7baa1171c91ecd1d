from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from staff import places_admin  # noqa: F401  (registers the property, building and unit admins)
from staff.admin_scope import PropertyScopedAdmin, ReadOnlyHistoryAdmin
from staff.logins import admin as logins_admin  # noqa: F401  (registers the failed-login admins)
from staff.models import StaffProfile, Team
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
