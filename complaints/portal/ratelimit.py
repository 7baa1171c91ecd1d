"""How many complaints a resident may file through the portal per hour."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint

WINDOW = timedelta(hours=1)
DEFAULT_LIMIT = 10


def submissions_per_hour() -> int:
    return getattr(settings, "PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR", DEFAULT_LIMIT)


def submission_allowed(user: AbstractBaseUser, *, now: datetime | None = None) -> bool:
    """False once the user filed the hourly number of complaints in the last hour.

    Counted from the complaints themselves, so no cache is needed and every worker agrees.
    Inside a transaction, the user's row stays locked until it ends: call this in the
    transaction that files the complaint, and two submissions at once cannot both pass.
    """
    if transaction.get_connection().in_atomic_block:
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=user.pk)
            .values_list("pk", flat=True)
        )
    since = (now or timezone.now()) - WINDOW
    recent = Complaint.objects.filter(created_by=user, created_at__gte=since).count()
    return recent < submissions_per_hour()
