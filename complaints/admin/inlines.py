"""What a complaint's page lists below it, read-only: photos, holds, breaches."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from complaints.models import Breach, Hold, Photo


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    # What each row shows of its relations (the row's title names its complaint), read
    # with the rows instead of one query per row and relation.
    list_select_related: tuple[str, ...] = ("complaint",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "step", "original_name", "uploaded_by", "created_at"]
    readonly_fields = fields
    list_select_related = ("complaint", "uploaded_by")

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, photo: Photo):
        return format_html(
            '<a href="{}" target="_blank"><img src="{}" alt="" class="pd-thumb"></a>',
            reverse("complaints:photo", args=[photo.pk, "image"]),
            reverse("complaints:photo", args=[photo.pk, "thumbnail"]),
        )


class HoldInline(ReadOnlyInline):
    model = Hold
    fields = ["reason", "note", "started_at", "expected_resume_at", "ended_at", "started_by"]
    readonly_fields = fields
    list_select_related = ("complaint", "started_by")


class BreachInline(ReadOnlyInline):
    model = Breach
    fields = [
        "deadline",
        "cycle",
        "due_at",
        "detected_at",
        "owner",
        "team",
        "escalated_to_manager_at",
    ]
    readonly_fields = fields
    list_select_related = ("complaint", "owner", "team__property")
