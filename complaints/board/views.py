"""The board page and the JSON it polls. Both answer 404 to an unknown or revoked link
(nothing tells a guesser which) and 429 beyond the rate; neither needs a login."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints import clock
from complaints.board.access import BoardRateThrottle, board_for_token, board_seen
from complaints.board.figures import board_figures
from complaints.models import BoardToken

POLL_SECONDS = 15


def poll_seconds() -> int:
    """How often the page asks for new figures (`BOARD_POLL_SECONDS`, else 15)."""
    return int(getattr(settings, "BOARD_POLL_SECONDS", POLL_SECONDS))


def _board(request: HttpRequest, token: str) -> BoardToken | HttpResponse:
    throttle = BoardRateThrottle()
    if not throttle.allow_request(request, None):
        response = HttpResponse(status=429)
        response["Retry-After"] = str(int(throttle.wait() or 1))
        return response
    board = board_for_token(token)
    if board is None:
        raise Http404
    board_seen(board)
    return board


@never_cache
@require_GET
def page(request: HttpRequest, token: str) -> HttpResponse:
    board = _board(request, token)
    if isinstance(board, HttpResponse):
        return board
    context = {
        "board": board,
        "figures": board_figures(property_id=board.property_id, now=clock.now()),
        "poll_seconds": poll_seconds(),
    }
    response = render(request, "board/board.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@require_GET
def data(request: HttpRequest, token: str) -> HttpResponse:
    board = _board(request, token)
    if isinstance(board, HttpResponse):
        return board
    return JsonResponse(board_figures(property_id=board.property_id, now=clock.now()))
