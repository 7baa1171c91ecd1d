"""Failed logins in the admin: project managers see and clear (unlock) those of the people
in their properties, superusers all of them. Replaces django-axes' own admin
(AXES_ENABLE_ADMIN = False), which would show everyone's to anyone with the permission."""

from axes.admin import AccessAttemptAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from staff.admin_scope import DeclaredLookupsMixin
from staff.logins import services
from staff.logins.selectors import access_attempt_list_for

# django-axes' own labels on these pages. It ships no Simplified Chinese: listed here so
# `makemessages` keeps their translations in the project's catalogue.
AXES_LABELS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Username"),
    gettext_noop("IP Address"),
    gettext_noop("User Agent"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Expires At"),
    gettext_noop("Not set"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Clean up expired attempts"),
)


@admin.register(AccessAttempt)
class ScopedAccessAttemptAdmin(DeclaredLookupsMixin, AccessAttemptAdmin):
    actions = ["unlock", "cleanup_expired_attempts"]
    # The model declares none (its Meta drops the abstract base's), and the autocomplete
    # view pages through this queryset.
    ordering = ("-attempt_time", "-pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessAttempt]:
        return access_attempt_list_for(request.user).order_by(*self.get_ordering(request))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        # "Unlock" is the one way to clear; the expired-attempts clean-up is site-wide.
        actions.pop("delete_selected", None)
        if not request.user.is_superuser:
            actions.pop("cleanup_expired_attempts", None)
        return actions

    @admin.action(
        permissions=["delete"],
        description=gettext_lazy("Unlock: clear the selected failed log-ins"),
    )
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        self.log_deletions(request, queryset)
        count = services.access_attempts_clear(
            attempt_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d failed log-in record cleared.",
                "%(count)d failed log-in records cleared.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(AccessLog)
class SuperuserAccessLogAdmin(DeclaredLookupsMixin, AccessLogAdmin):
    """Successful logins with address and browser, kept by axes: superusers only (no role
    has its permissions)."""

    ordering = ("-attempt_time", "-pk")
