"""Writes about staff: roles are group memberships, kept in step with the profile."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buildings.models import Property
from staff.models import Role, StaffProfile, Team
from staff.selectors import property_ids_visible_to


@transaction.atomic
def staff_profile_set_role(*, profile: StaffProfile, role: str) -> StaffProfile:
    """Give the user exactly one role group (other groups stay) and admin access."""
    user = profile.user
    user.groups.remove(*Group.objects.filter(name__in=Role.values).exclude(name=role))
    user.groups.add(Group.objects.get(name=role))
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if profile.role != role:
        profile.role = role
        profile.save()
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache", "_visible_property_ids"):
        user.__dict__.pop(cache, None)
    return profile


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    properties: Iterable[Property],
    team: Team | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=True,
    )
    profile = StaffProfile.objects.create(user=user, role=role, team=team, phone=phone)
    profile.properties.set(properties)
    staff_profile_set_role(profile=profile, role=role)
    return user


ACCESS_FIELDS = frozenset({"role", "team", "properties"})


def staff_access_errors(
    *,
    profile: StaffProfile | None,
    actor: AbstractBaseUser,
    team: Team | None,
    properties: Iterable[Property],
) -> dict[str, str]:
    """Why this grant of team and properties is refused, by field; empty when allowed.

    Only holders of `staff.grant_access` grant, never on their own profile, and only
    properties (and teams of properties) they see themselves.
    """
    if not actor.has_perm("staff.grant_access"):
        return {"role": _("You may not grant roles or properties.")}
    if profile is not None and profile.user_id == actor.pk:
        return {"role": _("Nobody may change their own role, team or properties.")}
    scope = property_ids_visible_to(actor)
    errors = {}
    if any(item.pk not in scope for item in properties):
        errors["properties"] = _("You may only grant properties you manage.")
    kept = set()
    if profile is not None:
        kept = set(profile.properties.values_list("pk", flat=True)) - scope
    if team is not None and (
        team.property_id not in scope
        or team.property_id not in {item.pk for item in properties} | kept
    ):
        errors["team"] = _("The team must belong to one of the person's properties.")
    return errors


@transaction.atomic
def staff_profile_grant(
    *,
    profile_id: int,
    actor: AbstractBaseUser,
    role: str,
    team: Team | None,
    properties: Iterable[Property],
) -> StaffProfile:
    """Set a staff member's role, team and properties (see `staff_access_errors` for who
    may). Properties outside the actor's own scope stay as they were."""
    profile = StaffProfile.objects.select_for_update().get(pk=profile_id)
    properties = list(properties)
    errors = staff_access_errors(profile=profile, actor=actor, team=team, properties=properties)
    if errors:
        raise ValidationError(errors)
    kept = set(profile.properties.values_list("pk", flat=True)) - property_ids_visible_to(actor)
    profile.properties.set({item.pk for item in properties} | kept)
    profile.team = team
    profile.save()
    return staff_profile_set_role(profile=profile, role=role)
