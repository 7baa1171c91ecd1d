"""What a locked-out login sees: django-axes answers it with `lockout_response`
(AXES_LOCKOUT_CALLABLE). Which address a login comes from is axes' own django-ipware
lookup, configured in the settings (TRUSTED_PROXY_COUNT)."""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _is_admin_login(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.namespace == "admin"


def lockout_message(request: HttpRequest) -> str:
    """What a locked-out user reads, in the page's language: how long to wait, and who
    can unlock sooner (the project manager for staff, the property office for residents)."""
    staff = _is_admin_login(request)
    cool_off = get_cool_off(request)
    if cool_off is None:
        if staff:
            return _(
                "Too many failed log-in attempts. Ask your project manager to unlock your account."
            )
        return _("Too many failed log-in attempts. Ask the property office to unlock your account.")
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    if staff:
        text = ngettext(
            "Too many failed log-in attempts. Try again in %(minutes)d minute, or ask "
            "your project manager to unlock your account.",
            "Too many failed log-in attempts. Try again in %(minutes)d minutes, or ask "
            "your project manager to unlock your account.",
            minutes,
        )
    else:
        text = ngettext(
            "Too many failed log-in attempts. Try again in %(minutes)d minute, or ask "
            "the property office to unlock your account.",
            "Too many failed log-in attempts. Try again in %(minutes)d minutes, or ask "
            "the property office to unlock your account.",
            minutes,
        )
    return text % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The login page the user was on, again, with the lockout as its only error.

    Both logins (admin and portal) answer a refused login with their page as a
    TemplateResponse holding the form; its "wrong password" error would be misleading,
    so the lockout message replaces it. Anything else gets the message as text.
    """
    status = settings.AXES_HTTP_RESPONSE_CODE
    message = lockout_message(request)
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if isinstance(original_response, TemplateResponse) and hasattr(form, "add_error"):
        form.errors.clear()
        form.add_error(None, ValidationError(message, code="locked_out"))
        response = TemplateResponse(
            request,
            original_response.template_name,
            context,
            status=status,
            using=original_response.using,
        )
        return response.render()
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
