"""What the live preview endpoints of the filing forms share (the portal's, the admin
intake page's and the staff API's): a rate per signed-in person, since a form asks
again at each pause in typing, and the JSON refusal beyond it. What they answer is
`complaints.suggestions.intake_preview`."""

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "60/min"


class PreviewRateThrottle(SimpleRateThrottle):
    """DRF's cache-based counter per user: `INTAKE_PREVIEW_RATE` in settings (read at each
    request), else 60 a minute; the forms wait for a pause in typing before asking."""

    scope = "intake_preview"

    def __init__(self) -> None:
        self.rate = getattr(settings, "INTAKE_PREVIEW_RATE", DEFAULT_RATE)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


def preview_refused_for_rate(request: HttpRequest) -> JsonResponse | None:
    """A 429 with Retry-After when this person asked too often, else None."""
    throttle = PreviewRateThrottle()
    if throttle.allow_request(request, None):
        return None
    response = JsonResponse(
        {"detail": _("Too many requests: the suggestion waits a moment.")}, status=429
    )
    response["Retry-After"] = str(int(throttle.wait() or 1))
    return response


def preview_form_refused(form) -> JsonResponse:
    """A form's errors as the preview's 400 answer (a place outside the person's units or
    scope is "not one of the available choices")."""
    return JsonResponse(
        {
            "errors": {
                field: [str(message) for message in messages]
                for field, messages in form.errors.items()
            }
        },
        status=400,
    )
