"""Secrets a machine shows us (an IoT device's token, a site board's link): made once and
shown once, kept as a SHA-256 digest beside a short prefix that finds the row, and
compared in constant time, so that a wrong prefix costs what a wrong token costs."""

import hashlib
import hmac
import secrets

from django.db.models import QuerySet

PREFIX_LENGTH = 8
TOKEN_BYTES = 32


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_NO_ROW_DIGEST = token_digest("no row has this token")


def token_new(rows: QuerySet) -> str:
    """A fresh token whose prefix none of `rows` has."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not rows.filter(token_prefix=token[:PREFIX_LENGTH]).exists():
            return token


def token_owner(rows: QuerySet, token: str):
    """The row of `rows` (the usable ones: active, not revoked) that this token belongs
    to, or None."""
    row = (
        rows.filter(token_prefix=token[:PREFIX_LENGTH]).exclude(token_hash="").first()
        if len(token) > PREFIX_LENGTH
        else None
    )
    expected = row.token_hash if row is not None else _NO_ROW_DIGEST
    if not hmac.compare_digest(expected, token_digest(token)) or row is None:
        return None
    return row
