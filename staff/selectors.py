"""Reads about staff: the one place that says which properties a user may see."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from buildings.models import Property

SYSTEM_USERNAME = "propertydesk-system"


def property_ids_visible_to(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """Ids of the properties whose complaints and places this user may see.

    Superusers see every property, staff the properties in their profile's scope,
    everyone else none. The answer is cached on the user object for the request.
    """
    cached = getattr(user, "_visible_property_ids", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        ids: frozenset[int] = frozenset()
    elif user.is_superuser:
        ids = frozenset(Property.objects.values_list("pk", flat=True))
    else:
        ids = frozenset(
            Property.objects.filter(staff_profiles__user=user).values_list("pk", flat=True)
        )
    user._visible_property_ids = ids
    return ids


def property_list_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Property]:
    return Property.objects.filter(pk__in=property_ids_visible_to(user))


def user_display_name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def system_user() -> AbstractBaseUser:
    """The actor recorded for scheduled jobs (created by a data migration)."""
    return get_user_model().objects.get(username=SYSTEM_USERNAME)
