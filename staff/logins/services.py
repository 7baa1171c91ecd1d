"""Writes about login lockouts."""

import logging

from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from staff.logins.selectors import access_attempt_list_for

log = logging.getLogger(__name__)


@transaction.atomic
def access_attempts_clear(*, attempt_ids: list[int], actor: AbstractBaseUser) -> int:
    """Unlock: delete the failed-login records with these ids that `actor` may see (any
    other id is left alone), so their usernames and addresses count from zero again.

    Called by the admin for users with `axes.delete_accessattempt`, which records the
    deletions in the admin log; returns how many records were cleared.
    """
    attempts = access_attempt_list_for(actor).filter(pk__in=attempt_ids)
    usernames = sorted({name or "" for name in attempts.values_list("username", flat=True)})
    _total, per_model = attempts.delete()
    count = per_model.get(AccessAttempt._meta.label, 0)
    log.info(
        "Login lockout cleared by %s: %d record(s) of %s",
        actor.get_username(),
        count,
        ", ".join(usernames) or "-",
    )
    return count
