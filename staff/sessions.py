"""Staff sessions end after a configurable idle time; residents keep Django's default."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESH_EVERY_SECONDS = 60


class StaffIdleTimeoutMiddleware:
    """Every request of a staff member sets the session to expire STAFF_SESSION_IDLE_MINUTES
    from now (sliding); a session left idle longer has expired when it next arrives, and
    the admin asks for the login again.

    Set after the view, so the login request itself already gets the staff expiry and a
    logout (anonymous by then) is left alone. The expiry is a moment, moved on (and the
    session saved) once a minute has passed since it was last moved: saving the session
    on every request cost each page three queries. STAFF_SESSION_IDLE_MINUTES = 0 turns
    it off.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Without a session key there is nobody to extend; asking for the user would
        # load the session and add "Vary: Cookie" to every anonymous page.
        if session is None or session.session_key is None:
            return response
        minutes = settings.STAFF_SESSION_IDLE_MINUTES
        user = getattr(request, "user", None)
        if minutes > 0 and user is not None and user.is_authenticated and user.is_staff:
            idle = minutes * 60
            moved = isinstance(session.get("_session_expiry"), str)
            if not moved or session.get_expiry_age() <= idle - REFRESH_EVERY_SECONDS:
                session.set_expiry(timezone.now() + timedelta(seconds=idle))
        return response
