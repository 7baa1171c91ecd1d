"""Who may read a board: the holder of an active link, at a limited rate."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from complaints import clock
from complaints.models import BoardToken
from complaints.tokens import token_owner

DEFAULT_RATE = "30/min"
LAST_USED_STEP = 300  # seconds: a poll records its time at most this often


def board_for_token(token: str) -> BoardToken | None:
    """The active link this token belongs to (with its property), or None: unknown or
    revoked. The prefix finds the row; the hashes are compared in constant time."""
    return token_owner(
        BoardToken.objects.select_related("property").filter(revoked_at__isnull=True), token
    )


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
