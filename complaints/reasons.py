"""Reasons the system writes itself (a close by the resident's button or by the job, a
merge at intake, a low survey score, a hold, a device's token or a webhook's secret
changed), stored as codes with their values and shown in the reader's language. A
reason a person typed is stored and shown as typed."""

from urllib.parse import parse_qsl, urlencode

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models import Hold

PREFIX = "system:"


class SystemReason(models.TextChoices):
    RESIDENT_CONFIRMED = "resident_confirmed", _("Confirmed by the resident")
    AUTO_CONFIRMED = (
        "auto_confirmed",
        _("Confirmed automatically: no answer within the confirmation window"),
    )
    MERGED_AT_INTAKE = "merged_at_intake", _("Repeat of an open complaint, merged at intake")
    DUPLICATE_OF = "duplicate_of", _("Duplicate of %(reference)s")
    LOW_SATISFACTION = (
        "low_satisfaction",
        _("Satisfaction %(mean)s below %(threshold)s: revisit now."),
    )
    ON_HOLD = "on_hold", _("%(hold_reason)s %(note)s")
    TOKEN_ISSUED = "token_issued", _("New token issued")
    TOKEN_REVOKED = "token_revoked", _("Token revoked")
    SECRET_ROTATED = "secret_rotated", _("Secret rotated")


def system_reason(reason: SystemReason, **values) -> str:
    """The stored form of a system reason: `system:duplicate_of?reference=TS00000042`."""
    query = f"?{urlencode(values)}" if values else ""
    return f"{PREFIX}{reason.value}{query}"


def reason_text(stored: str) -> str:
    """A stored reason as the reader reads it: a system reason in the active language,
    anything else as written."""
    if not stored.startswith(PREFIX):
        return stored
    code, _sep, query = stored.removeprefix(PREFIX).partition("?")
    try:
        reason = SystemReason(code)
    except ValueError:
        return stored
    values = dict(parse_qsl(query, keep_blank_values=True))
    if reason == SystemReason.ON_HOLD:
        hold_reason = values.get("hold_reason", "")
        values["hold_reason"] = dict(Hold.Reason.choices).get(hold_reason, hold_reason)
    try:
        return (str(reason.label) % values).strip() if values else str(reason.label)
    except (KeyError, TypeError, ValueError):
        return str(reason.label)
