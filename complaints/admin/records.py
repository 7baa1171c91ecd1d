"""What the SLA and the resident left behind, read-only and scoped: breaches, holds,
surveys, and each user's own notifications."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from complaints.admin.rows import complaint_change_url
from complaints.models import Breach, Hold, Notification, Survey
from complaints.selectors import complaint_list_visible_to
from complaints.services import notification_mark_read
from staff.admin_scope import ReadOnlyAdmin


class ComplaintScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Rows hanging off complaints: visible as far as their complaints are, never edited."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(complaint__in=complaint_list_visible_to(request.user))
        )


@admin.register(Breach)
class BreachAdmin(ComplaintScopedReadOnlyAdmin):
    list_display = [
        "complaint",
        "deadline",
        "level",
        "due_at",
        "detected_at",
        "owner",
        "team",
        "escalated_to_manager_at",
    ]
    list_filter = ["deadline", "level"]
    list_select_related = ("complaint", "owner", "team__property")
    date_hierarchy = "due_at"
    show_full_result_count = False


@admin.register(Hold)
class HoldAdmin(ComplaintScopedReadOnlyAdmin):
    """Every hold, for the monthly review of how often and why the clock was stopped."""

    list_display = [
        "complaint",
        "reason",
        "note",
        "started_at",
        "expected_resume_at",
        "ended_at",
        "held_for",
        "started_by",
    ]
    list_filter = ["reason", ("ended_at", admin.EmptyFieldListFilter)]
    list_select_related = ("complaint", "started_by")
    date_hierarchy = "started_at"
    show_full_result_count = False

    @admin.display(description=_("held for"))
    def held_for(self, hold: Hold):
        return hold.duration or _("still on hold")


@admin.register(Survey)
class SurveyAdmin(ComplaintScopedReadOnlyAdmin):
    list_display = ["complaint", "cycle", "sent_at", "submitted_at", "solved", "speed", "attitude"]
    list_select_related = ("complaint",)
    date_hierarchy = "sent_at"
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Each user's own notifications; opening the list does not mark them read."""

    list_display = ["text", "complaint_link", "created_at", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter), "kind"]
    list_select_related = ("complaint",)
    actions = ["mark_read"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=_("complaint"))
    def complaint_link(self, notification: Notification):
        if notification.complaint_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            complaint_change_url(notification.complaint_id),
            notification.complaint.reference,
        )

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        count = notification_mark_read(
            user=request.user, notification_ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notification marked read.", "%(count)d notifications marked read.", count
            )
            % {"count": count},
        )
