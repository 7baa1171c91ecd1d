from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from buildings.admin import PropertyScopedAdmin
from complaints.exceptions import ComplaintError
from complaints.models import (
    Breach,
    Category,
    Complaint,
    Hold,
    Notification,
    Photo,
    PropertySlaOverride,
    SlaPolicy,
    Survey,
    WorkdayOverride,
)
from complaints.selectors import complaint_list_visible_to
from complaints.services import complaint_accept, notification_mark_read


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh_hans",
        "name_en",
        "parent",
        "default_team_kind",
        "default_level",
        "needs_photos",
        "is_active",
    ]
    list_filter = ["default_team_kind", "default_level", "needs_photos", "is_active"]
    list_select_related = ("parent",)
    search_fields = ["code", "name_zh_hans", "name_en"]
    autocomplete_fields = ["parent"]


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    fields = ["preview", "step", "original_name", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("photo"))
    def preview(self, photo: Photo):
        return format_html(
            '<a href="{}" target="_blank"><img src="{}" alt="" style="max-height:80px"></a>',
            reverse("complaints:photo", args=[photo.pk, "image"]),
            reverse("complaints:photo", args=[photo.pk, "thumbnail"]),
        )


class HoldInline(admin.TabularInline):
    model = Hold
    extra = 0
    can_delete = False
    fields = ["reason", "note", "started_at", "expected_resume_at", "ended_at", "started_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class BreachInline(admin.TabularInline):
    model = Breach
    extra = 0
    can_delete = False
    fields = ["deadline", "cycle", "due_at", "detected_at", "owner", "team"]
    readonly_fields = [*fields, "escalated_to_manager_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "state",
        "level",
        "category",
        "property",
        "location_display",
        "owner",
        "team",
        "created_at",
    ]
    list_filter = [
        "state",
        "level",
        "channel",
        ("property", admin.RelatedOnlyFieldListFilter),
        ("team", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = (
        "property",
        "building__property",
        "unit__building__property",
        "category__parent",
        "owner",
        "team__property",
    )
    search_fields = ["description", "contact_name", "location_text", "unit__number"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    inlines = [PhotoInline, HoldInline, BreachInline]
    actions = ["accept_selected"]
    history_list_display = ["transition", "state", "owner", "team"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "state",
                    "channel",
                    ("property", "building", "unit"),
                    "location_text",
                    "description",
                ]
            },
        ),
        (
            _("Resident"),
            {"fields": ["resident", "contact_name", "contact_phone", "preferred_contact_time"]},
        ),
        (
            _("Handling"),
            {
                "fields": [
                    "category",
                    ("owner", "team", "assignee"),
                    "resolution_note",
                    "close_reason",
                    "revisit_note",
                    "merged_into",
                    "reopen_count",
                ]
            },
        ),
        (
            _("Deadlines"),
            {
                "fields": [
                    ("level", "suspected_emergency"),
                    "sla_started_at",
                    ("first_response_due", "on_site_due", "resolve_due"),
                    ("on_site_at", "held_since", "held_until", "held_total"),
                    "revisit_due_at",
                ]
            },
        ),
        (
            _("Timestamps"),
            {
                "fields": [
                    "created_at",
                    "accepted_at",
                    "classified_at",
                    "dispatched_at",
                    "handled_at",
                    "closed_at",
                    "revisited_at",
                    "reopened_at",
                    "withdrawn_at",
                    "merged_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return complaint_list_visible_to(request.user).select_related(*self.list_select_related)

    def get_readonly_fields(self, request, obj=None):
        # Every change goes through complaints.services; the page shows, the actions act.
        return [f.name for f in Complaint._meta.fields] + ["reference", "location_display"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_accept_permission(self, request) -> bool:
        return request.user.has_perm("complaints.accept_complaint")

    @admin.action(
        description=_("Accept selected complaints (become their owner)"), permissions=["accept"]
    )
    def accept_selected(self, request, queryset):
        accepted = 0
        for complaint in queryset.only("pk", "state"):
            try:
                complaint_accept(complaint_id=complaint.pk, actor=request.user)
            except ComplaintError as error:
                self.message_user(
                    request, f"{complaint.reference}: {error.message}", messages.WARNING
                )
            else:
                accepted += 1
        if accepted:
            self.message_user(request, _("%(count)d complaint(s) accepted.") % {"count": accepted})


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "level",
        "first_response",
        "on_site",
        "resolve",
        "resolve_working_days",
        "max_hold",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PropertySlaOverride)
class PropertySlaOverrideAdmin(SimpleHistoryAdmin, PropertyScopedAdmin):
    list_display = ["property", "level", "first_response", "on_site", "resolve"]
    list_select_related = ("property",)
    autocomplete_fields = ["property"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ComplaintScopedReadOnlyAdmin(admin.ModelAdmin):
    """Rows hanging off complaints: visible as far as their complaints are, never edited."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(complaint__in=complaint_list_visible_to(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(Survey)
class SurveyAdmin(ComplaintScopedReadOnlyAdmin):
    list_display = ["complaint", "cycle", "sent_at", "submitted_at", "solved", "speed", "attitude"]
    list_select_related = ("complaint",)
    date_hierarchy = "sent_at"
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("complaint"))
    def complaint_link(self, notification: Notification):
        if notification.complaint_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:complaints_complaint_change", args=[notification.complaint_id]),
            notification.complaint.reference,
        )

    @admin.action(description=_("Mark as read"))
    def mark_read(self, request, queryset):
        count = notification_mark_read(
            user=request.user, notification_ids=queryset.values_list("pk", flat=True)
        )
        self.message_user(request, _("%(count)d notification(s) marked read.") % {"count": count})
