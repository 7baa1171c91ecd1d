"""Drafts of the portal's forms: what a resident posted after being signed out (in
another tab, or by time) is kept in the session and offered again on the same page once
they are back, for an hour."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

DRAFT_SESSION_KEY = "portal_draft"
DRAFT_MINUTES = 60


def keeps_draft(*fields: str) -> Callable:
    """A form posted after the resident was signed out (in another tab, or by time) is
    kept in the session, and offered again on the same page once they are back."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST" and not request.user.is_authenticated:
                request.session[DRAFT_SESSION_KEY] = {
                    "path": request.path,
                    "saved_at": timezone.now().isoformat(),
                    "data": {name: request.POST.get(name, "") for name in fields},
                }
                messages.info(
                    request,
                    _(
                        "You were signed out, so the complaint was not sent yet. Sign in "
                        "again: what you wrote is kept (add the photos again)."
                    ),
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def draft_take(request: HttpRequest) -> dict | None:
    """The draft kept for this page by `keeps_draft`, once, if it is recent."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not draft or draft.get("path") != request.path:
        return None
    del request.session[DRAFT_SESSION_KEY]
    saved_at = datetime.fromisoformat(draft["saved_at"])
    if timezone.now() - saved_at > timedelta(minutes=DRAFT_MINUTES):
        return None
    return {name: value for name, value in draft["data"].items() if value}
