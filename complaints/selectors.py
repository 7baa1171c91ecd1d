"""Reads with a rule in them: which complaints a user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from complaints.exceptions import ComplaintNotFound
from complaints.models import Complaint
from staff.selectors import property_ids_visible_to


def complaint_list_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """Staff see their properties' complaints; a resident sees the complaints they filed."""
    if not user.is_authenticated or not user.is_active:
        return Complaint.objects.none()
    return Complaint.objects.filter(
        Q(property_id__in=property_ids_visible_to(user)) | Q(resident__user_id=user.pk)
    )


def complaint_list_for_resident(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """The resident portal's list: only the complaints this resident filed."""
    if not user.is_authenticated or not user.is_active:
        return Complaint.objects.none()
    return Complaint.objects.filter(resident__user_id=user.pk)


def complaint_get_for_update(*, complaint_id: int, actor: AbstractBaseUser) -> Complaint:
    """Lock the complaint row for the rest of the transaction; raise if the actor cannot see it."""
    queryset = (
        complaint_list_visible_to(actor)
        .select_related("owner", "resident", "team", "category")
        .select_for_update(of=("self",))
    )
    try:
        return queryset.get(pk=complaint_id)
    except Complaint.DoesNotExist:
        raise ComplaintNotFound() from None
