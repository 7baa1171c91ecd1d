from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from complaints.exceptions import ComplaintError
from complaints.models import Category, Complaint, Photo
from complaints.selectors import complaint_list_visible_to
from complaints.services import complaint_accept


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
    inlines = [PhotoInline]
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
                    ("category", "level"),
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
