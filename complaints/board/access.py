"""Who may read a board: the holder of an active link, at a limited rate."""

import hmac

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from complaints import clock
from complaints.models import BoardToken
from complaints.models.intake_rules import BOARD_TOKEN_PREFIX_LENGTH
from complaints.services.intake_rules import board_token_digest

DEFAULT_RATE = "30/min"
LAST_USED_STEP = 300  # seconds: a poll records its time at most this often

# Compared against when no link has the prefix, so a wrong prefix costs the same time.
_NO_BOARD_DIGEST = board_token_digest("no board has this token")


def board_for_token(token: str) -> BoardToken | None:
    """The active link this token belongs to (with its property), or None: unknown or
    revoked. The prefix finds the row; the hashes are compared in constant time."""
    board = None
    if len(token) > BOARD_TOKEN_PREFIX_LENGTH:
        board = (
            BoardToken.objects.select_related("property")
            .filter(token_prefix=token[:BOARD_TOKEN_PREFIX_LENGTH], revoked_at__isnull=True)
            .first()
        )
    expected = board.token_hash if board is not None else _NO_BOARD_DIGEST
    if not hmac.compare_digest(expected, board_token_digest(token)) or board is None:
        return None
    return board


def board_seen(board: BoardToken) -> None:
    """Record that the screen still polls (the admin shows it), at most every few
    minutes so that polling is not a write each time."""
    now = clock.now()
    if board.last_used_at is None or (now - board.last_used_at).total_seconds() > LAST_USED_STEP:
        BoardToken.objects.filter(pk=board.pk).update(last_used_at=now)
        board.last_used_at = now


class BoardRateThrottle(SimpleRateThrottle):
    """DRF's cache-based counter per client address, before the token is even looked
    at, so guessing tokens is as slow as polling. `BOARD_RATE` in settings (read at each
    request), else 30 a minute: a screen polls every 15 seconds."""

    scope = "board"

    def __init__(self) -> None:
        self.rate = getattr(settings, "BOARD_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
