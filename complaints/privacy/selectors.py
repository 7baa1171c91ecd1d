"""Who reads the personal data access log, and which of its rows."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from complaints.models import PersonalDataAccess
from staff.selectors import property_ids_visible_to

READ_PERMISSION = "complaints.view_personaldataaccess"


def data_access_list_visible_to(
    user: AbstractBaseUser | AnonymousUser,
) -> QuerySet[PersonalDataAccess]:
    """Superusers read the whole log; holders of `view_personaldataaccess` (project
    managers) the rows about their properties; everyone else nothing."""
    if not user.is_authenticated or not user.is_active or not user.has_perm(READ_PERMISSION):
        return PersonalDataAccess.objects.none()
    if user.is_superuser:
        return PersonalDataAccess.objects.all()
    return PersonalDataAccess.objects.filter(
        pk__in=PersonalDataAccess.properties.through.objects.filter(
            property_id__in=property_ids_visible_to(user)
        ).values("personaldataaccess_id")
    )
