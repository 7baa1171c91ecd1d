"""Staff sessions end after a configurable idle time; residents keep Django's default."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class StaffIdleTimeoutMiddleware:
    """Every request of a staff member sets the session to expire STAFF_SESSION_IDLE_MINUTES
    from now (sliding); a session left idle longer has expired when it next arrives, and
    the admin asks for the login again.

    Set after the view, so the login request itself already gets the staff expiry and a
    logout (anonymous by then) is left alone. The session is saved on every staff request.
    STAFF_SESSION_IDLE_MINUTES = 0 turns it off.
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
            session.set_expiry(minutes * 60)
        return response
