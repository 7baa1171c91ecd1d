"""Reads about login lockouts: whose failed logins a user may see and clear."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from staff.selectors import property_ids_visible_to


def usernames_in_scope(user: AbstractBaseUser | AnonymousUser) -> QuerySet:
    """Usernames (a values queryset) of the people in this user's properties: staff whose
    scope shares a property with theirs, residents of a unit in one of them. Superusers
    are never in anyone's scope: a project manager must not be able to lift the lockout
    that protects an account stronger than their own."""
    property_ids = property_ids_visible_to(user)
    return (
        get_user_model()
        .objects.filter(
            Q(staff_profile__properties__in=property_ids)
            | Q(resident__units__building__property__in=property_ids),
            is_superuser=False,
        )
        .values("username")
    )


def access_attempt_list_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AccessAttempt]:
    """Failed-login records this user may see: all for superusers; for anyone else those
    of usernames in their scope. Failures under unknown usernames (and so an address's
    count made of them) are for superusers only."""
    attempts = AccessAttempt.objects.all()
    if user.is_authenticated and user.is_active and user.is_superuser:
        return attempts
    return attempts.filter(username__in=usernames_in_scope(user))
