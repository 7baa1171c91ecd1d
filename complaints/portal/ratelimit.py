"""How many complaints a resident may file through the portal per hour."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from complaints.models import Complaint

WINDOW = timedelta(hours=1)
DEFAULT_LIMIT = 10


def submissions_per_hour() -> int:
    return getattr(settings, "PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR", DEFAULT_LIMIT)


def submission_allowed(user: AbstractBaseUser, *, now: datetime | None = None) -> bool:
    """False once the user filed the hourly number of complaints in the last hour.

    Counted from the complaints themselves, so no cache is needed and every worker agrees.
    """
    since = (now or timezone.now()) - WINDOW
    recent = Complaint.objects.filter(created_by=user, created_at__gte=since).count()
    return recent < submissions_per_hour()
