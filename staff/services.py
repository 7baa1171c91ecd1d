"""Writes about staff: roles are group memberships, kept in step with the profile."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from buildings.models import Property
from staff.models import Role, StaffProfile, Team


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
