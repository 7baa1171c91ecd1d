"""The complaint list's bulk actions: accept, dispatch, export to CSV."""

from datetime import datetime

from django.contrib import admin, messages
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from buildings.models import mask_phone
from complaints import clock, exports, services
from complaints.admin import forms
from complaints.admin.rows import label_of
from complaints.exceptions import ComplaintError
from complaints.models import Level, State
from complaints.privacy.services import DataAccessKind, data_access_record
from staff.selectors import property_ids_visible_to, user_display_name

CSV_COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("state", gettext_lazy("State")),
    ("level", gettext_lazy("Level")),
    ("category", gettext_lazy("Category")),
    ("property", gettext_lazy("Property")),
    ("location", gettext_lazy("Location")),
    ("description", gettext_lazy("Description")),
    ("contact", gettext_lazy("Contact phone")),
    ("owner", pgettext_lazy("first responder", "Owner")),
    ("team", gettext_lazy("Team")),
    ("created_at", gettext_lazy("Submitted at")),
    ("next_due_at", gettext_lazy("Next deadline")),
    ("closed_at", gettext_lazy("Closed at")),
]


class BulkActionsMixin:
    """ComplaintAdmin's list actions; each complaint goes through its service."""

    @admin.action(
        description=gettext_lazy("Accept selected complaints (become their owner)"),
        permissions=["accept"],
    )
    def accept_selected(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda pk: services.complaint_accept(complaint_id=pk, actor=request.user),
        )

    @admin.action(description=gettext_lazy("Dispatch selected to a team"), permissions=["dispatch"])
    def dispatch_selected(self, request, queryset):
        # Only teams the selected complaints can go to: those of their properties.
        property_ids = set(queryset.values_list("property_id", flat=True).distinct())
        form = forms.BulkDispatchForm(
            request.POST if "apply" in request.POST else None,
            property_ids=property_ids & property_ids_visible_to(request.user),
        )
        if form.is_bound and form.is_valid():
            team = form.cleaned_data["team"]
            self._bulk(
                request,
                queryset,
                lambda pk: services.complaint_dispatch(
                    complaint_id=pk, actor=request.user, team=team
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Dispatch selected complaints"),
            "form": form,
            "complaints": queryset[:200],
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        return TemplateResponse(request, "admin/complaints/complaint/bulk_dispatch.html", context)

    def _bulk(self, request, queryset, run) -> None:
        done = 0
        for complaint_id in queryset.values_list("pk", flat=True):
            try:
                run(complaint_id)
            except ComplaintError as error:
                self.message_user(
                    request, f"TS{complaint_id:08d}: {error.message}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d complaint updated.", "%(count)d complaints updated.", done)
                % {"count": done},
            )

    @admin.action(description=gettext_lazy("Export selected to CSV"))
    def export_csv(self, request, queryset) -> HttpResponse:
        """Stream the selected complaints, phones masked whoever exports; the export is
        logged (filters, complaints, row count) before the first row is sent."""
        selected = list(queryset.values_list("pk", "property_id"))
        data_access_record(
            actor=request.user,
            kind=DataAccessKind.EXPORT,
            property_ids={property_id for _pk, property_id in selected},
            description="complaints.csv",
            details={
                "filters": request.GET.urlencode(),
                "select_across": request.POST.get("select_across") == "1",
                "complaints": sorted(pk for pk, _property_id in selected),
            },
            row_count=len(selected),
        )

        def rows():
            yield [str(label) for _name, label in CSV_COLUMNS]
            for complaint in self.list_rows(queryset).iterator(chunk_size=500):
                yield [
                    complaint.reference,
                    label_of(State, complaint.state),
                    label_of(Level, complaint.level) if complaint.level else "",
                    str(complaint.category or ""),
                    complaint.property.name,
                    complaint.location_display,
                    complaint.description,
                    mask_phone(complaint.contact_phone) if complaint.contact_phone else "",
                    user_display_name(complaint.owner) if complaint.owner_id else "",
                    str(complaint.team or ""),
                    _local_text(complaint.created_at),
                    _local_text(complaint.next_due_at),
                    _local_text(complaint.closed_at),
                ]

        return exports.csv_response(rows(), filename="complaints.csv")


def _local_text(moment: datetime | None) -> str:
    return clock.local_text(moment) if moment is not None else ""
