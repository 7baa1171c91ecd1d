"""Reads about staff: the one place that says which properties a user may see."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from buildings.models import Property
from staff.models import Role, StaffProfile, Team

SYSTEM_USERNAME = "propertydesk-system"


def property_ids_visible_to(user: AbstractBaseUser | AnonymousUser) -> frozenset[int]:
    """Ids of the properties whose complaints and places this user may see.

    Superusers and the system actor of the scheduled jobs see every property, staff the
    properties in their profile's scope, everyone else none. The answer is cached on the
    user object for the request.
    """
    cached = getattr(user, "_visible_property_ids", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        ids: frozenset[int] = frozenset()
    elif user.is_superuser or is_system_user(user):
        ids = frozenset(Property.objects.values_list("pk", flat=True))
    else:
        ids = frozenset(
            Property.objects.filter(staff_profiles__user=user).values_list("pk", flat=True)
        )
    user._visible_property_ids = ids
    return ids


# How each scoped model reaches its property. Paths through a to-many relation can repeat
# rows, so the queryset is made distinct.
PROPERTY_PATHS = {
    "buildings.property": "pk",
    "buildings.building": "property",
    "buildings.unit": "building__property",
    "buildings.resident": "units__building__property",
    "buildings.residency": "unit__building__property",
    "staff.team": "property",
    "staff.staffprofile": "properties",
    "staff.duty": "property",
    "complaints.propertyslaoverride": "property",
    "complaints.device": "property",
    "complaints.emergencyphrase": "property",
    "complaints.boardtoken": "property",
}
USER_PROPERTY_PATH = "staff_profile__properties"
TO_MANY_PATHS = {"units__building__property", "properties", USER_PROPERTY_PATH}


def property_path(model) -> str | None:
    """The lookup from `model` to its property, or None for data that is not scoped."""
    label = model._meta.label_lower
    if label == get_user_model()._meta.label_lower:
        return USER_PROPERTY_PATH
    return PROPERTY_PATHS.get(label)


def scoped_to_properties(queryset: QuerySet, user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """The rows of `queryset` that belong to the properties this user may see: the admin's
    lists, change pages and every foreign-key or many-to-many choice use it."""
    path = property_path(queryset.model)
    if path is None:
        raise LookupError(f"{queryset.model._meta.label} has no property path")
    if user.is_active and user.is_superuser:
        return queryset
    queryset = queryset.filter(**{f"{path}__in": property_ids_visible_to(user)})
    if path in TO_MANY_PATHS:
        queryset = queryset.distinct()
    return queryset


def user_display_name(user: AbstractBaseUser) -> str:
    """Chinese names family name first without a space (李建华), others "Jane Doe"."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if any("\u4e00" <= char <= "\u9fff" for char in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def is_system_user(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The scheduled jobs' actor. What it may do is its group's (staff.roles.SYSTEM_ROLE);
    only its reach (every property) and how history shows it depend on this."""
    return user.get_username() == SYSTEM_USERNAME


def system_user() -> AbstractBaseUser:
    """The actor recorded for scheduled jobs (created by a data migration)."""
    return get_user_model().objects.get(username=SYSTEM_USERNAME)


def project_manager_links() -> QuerySet:
    """(property, staff profile) links of the active project managers."""
    return StaffProfile.properties.through.objects.filter(
        staffprofile__role=Role.PROJECT_MANAGER, staffprofile__user__is_active=True
    )


def project_manager_ids_by_property(property_ids: Iterable[int]) -> dict[int, list[int]]:
    """Active project managers per property, in one query."""
    rows = project_manager_links().filter(property_id__in=list(property_ids))
    result: dict[int, list[int]] = defaultdict(list)
    for property_id, user_id in rows.values_list("property_id", "staffprofile__user_id"):
        result[property_id].append(user_id)
    return result


def service_leader_teams() -> QuerySet[Team]:
    """The customer-service teams that have an active leader."""
    return Team.objects.filter(
        kind=Team.Kind.CUSTOMER_SERVICE, leader__isnull=False, leader__is_active=True
    )


def service_leader_id_by_property(property_ids: Iterable[int]) -> dict[int, int]:
    """The customer-service team leader of each property, in one query."""
    return dict(
        service_leader_teams()
        .filter(property_id__in=list(property_ids))
        .values_list("property_id", "leader_id")
    )
