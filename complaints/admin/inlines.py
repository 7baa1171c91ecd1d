"""What a complaint's page lists below it, read-only: photos, holds, breaches."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from complaints.models import Breach, Hold, Photo


class ComplaintRowsFormSet(BaseInlineFormSet):
    """Rows whose relation to their complaint is the complaint of the page (each row's
    title names it): joining the complaint's 47 columns again doubled the cost of each
    section's query."""

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            for row in super().get_queryset():
                setattr(row, self.fk.name, self.instance)
        return self._queryset


def with_section_flags(queryset: QuerySet, inlines) -> QuerySet:
    """The complaints with, for each section, whether it has a row (in the same query):
    a section without rows is left off the page, its rows' query, formset and empty table
    (about a sixth of the page of a complaint with no photo, hold or breach)."""
    return queryset.annotate(
        **{
            _flag(inline): Exists(inline.model._default_manager.filter(complaint=OuterRef("pk")))
            for inline in inlines
        }
    )


def has_rows(inline, complaint) -> bool:
    return getattr(complaint, _flag(inline), True)


def _flag(inline) -> str:
    return f"pd_has_{inline.model._meta.model_name}"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    formset = ComplaintRowsFormSet
    # What each row shows of its relations, read with the rows instead of one query per
    # row and relation.
    list_select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Nobody deletes a row here (and Django shows an inline to whoever may delete from
        # it, view permission or not).
        return False


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "step", "original_name", "uploaded_by", "created_at"]
    readonly_fields = fields
    list_select_related = ("uploaded_by",)

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
    list_select_related = ("started_by",)


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
    list_select_related = ("owner", "team__property")
