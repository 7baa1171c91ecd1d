"""How many complaints a resident may file themselves (web or app) per hour.

`complaint_create` enforces it for every interface; the portal asks `filing_limit_refusal`
beforehand only to answer an over-limit form without validating it first.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.transaction import TransactionManagementError

from complaints import clock
from complaints.exceptions import FilingLimitReached
from complaints.models import Complaint

WINDOW = timedelta(hours=1)
DEFAULT_LIMIT = 10


def submissions_per_hour() -> int:
    return getattr(settings, "PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR", DEFAULT_LIMIT)


def submission_allowed(
    user: AbstractBaseUser, *, now: datetime | None = None, lock: bool = False
) -> bool:
    """False once the user filed the hourly number of complaints in the last hour.

    Counted from the complaints themselves, so no cache is needed and every worker agrees.
    With `lock`, call it in the transaction that files the complaint: the user's row
    stays locked until it ends, so submissions at once are counted one after the other.
    (PostgreSQL, read committed: the count after the lock sees what the other committed.
    SQLite: its immediate write transactions already run one at a time.)
    """
    if lock:
        if not transaction.get_connection().in_atomic_block:
            raise TransactionManagementError("lock=True needs the filing transaction")
        list(
            get_user_model()
            .objects.select_for_update(no_key=True)
            .filter(pk=user.pk)
            .values_list("pk", flat=True)
        )
    now = now or clock.now()
    recent = Complaint.objects.filter(
        created_by=user, created_at__gt=now - WINDOW, created_at__lte=now
    ).count()
    return recent < submissions_per_hour()


def filing_limit_refusal(
    user: AbstractBaseUser, *, now: datetime | None = None, lock: bool = False
) -> FilingLimitReached | None:
    """The error refusing one more complaint filed by `user` now, or None."""
    if submission_allowed(user, now=now, lock=lock):
        return None
    return FilingLimitReached(submissions_per_hour())
