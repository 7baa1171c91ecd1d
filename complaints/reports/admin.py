"""The supervisor report pages in the admin (SPEC §5): the red/black list and the monthly
analysis of one property and month, with CSV and XLSX exports and an A4 print layout.

    /admin/complaints/monthlysnapshot/                      published months
    /admin/complaints/monthlysnapshot/red-black/?month=2026-10&property=1
    /admin/complaints/monthlysnapshot/red-black/export.csv?month=…&property=…  (.xlsx)
    /admin/complaints/monthlysnapshot/analysis/?month=2026-10&property=1
    /admin/complaints/monthlysnapshot/analysis/export.csv?month=…&property=…   (.xlsx)

Supervisors and project managers read their properties' reports (read-only); everyone
else gets 403, and a property outside the reader's scope 404. The figures come from
`complaints.reports`: a published month's snapshot, or live figures marked "not final".
Pages, CSV and XLSX are drawn from the same tables, so they show the same numbers.
"""

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buildings.models import Property
from complaints import clock
from complaints.models import MonthlySnapshot
from complaints.privacy.services import DataAccessKind, data_access_record
from complaints.reports import (
    month_add,
    month_of,
    month_parse,
    report_for,
    report_month_default,
    report_property_ids_for,
)
from complaints.reports.charts import CHARTS
from complaints.reports.exports import about_table, export_csv, export_xlsx
from complaints.reports.tables import TABLES, Kind
from complaints.reports.wording import rules_text, status_text
from staff.admin_scope import ReadOnlyAdmin


@admin.register(MonthlySnapshot)
class MonthlySnapshotAdmin(ReadOnlyAdmin):
    """Published months, read-only, and the report pages (see the module docstring)."""

    list_display = ["month_label", "kind", "property", "published_at", "report_link"]
    list_display_links = None
    list_filter = ["kind", ("property", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ("property",)
    change_list_template = "admin/reports/snapshot_change_list.html"
    show_full_result_count = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(property_id__in=report_property_ids_for(request.user))
            .defer("data")
        )

    def has_view_permission(self, request, obj=None):
        return bool(report_property_ids_for(request.user))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, snapshot: MonthlySnapshot) -> str:
        return f"{snapshot.month:%Y-%m}"

    @admin.display(description=gettext_lazy("report"))
    def report_link(self, snapshot: MonthlySnapshot):
        name = "red_black" if snapshot.kind == Kind.RED_BLACK else "analysis"
        return format_html(
            '<a href="{}?month={}&amp;property={}">{}</a>',
            reverse(f"admin:complaints_monthlysnapshot_{name}"),
            f"{snapshot.month:%Y-%m}",
            snapshot.property_id,
            _("Open"),
        )

    def get_urls(self):
        urls = []
        for kind, slug, name in (
            (Kind.RED_BLACK, "red-black", "red_black"),
            (Kind.ANALYSIS, "analysis", "analysis"),
        ):
            urls += [
                path(
                    f"{slug}/",
                    self.admin_site.admin_view(self.report_view),
                    {"kind": kind},
                    name=f"complaints_monthlysnapshot_{name}",
                ),
                path(
                    f"{slug}/export.csv",
                    self.admin_site.admin_view(self.export_view),
                    {"kind": kind, "fmt": "csv"},
                    name=f"complaints_monthlysnapshot_{name}_csv",
                ),
                path(
                    f"{slug}/export.xlsx",
                    self.admin_site.admin_view(self.export_view),
                    {"kind": kind, "fmt": "xlsx"},
                    name=f"complaints_monthlysnapshot_{name}_xlsx",
                ),
            ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "pd_reports": [
                (reverse("admin:complaints_monthlysnapshot_red_black"), Kind.RED_BLACK.label),
                (reverse("admin:complaints_monthlysnapshot_analysis"), Kind.ANALYSIS.label),
            ],
        }
        return super().changelist_view(request, extra_context)

    # The pages

    def _selection(self, request: HttpRequest, kind: str) -> tuple[Property, date, list[Property]]:
        """The property and month asked for, checked against what the user may read."""
        allowed = report_property_ids_for(request.user)
        if not allowed:
            raise PermissionDenied
        properties = list(Property.objects.filter(pk__in=allowed).order_by("name"))
        chosen = properties[0]
        raw = request.GET.get("property")
        if raw:
            chosen = next((item for item in properties if str(item.pk) == raw.strip()), None)
            if chosen is None:
                raise Http404(_("No such property in your scope."))
        current = month_of(clock.now())
        month = report_month_default(kind=kind, property_id=chosen.pk)
        raw = request.GET.get("month")
        if raw:
            try:
                month = month_parse(raw)
            except ValueError:
                messages.error(request, _("Give the month as YYYY-MM; showing this month."))
                month = current
            else:
                if month > current:
                    messages.warning(request, _("That month has not begun; showing this month."))
                    month = current
        return chosen, month, properties

    def _report(self, request: HttpRequest, kind: str):
        chosen, month, properties = self._selection(request, kind)
        data, snapshot = report_for(kind=kind, property_id=chosen.pk, month=month)
        return chosen, month, properties, data, snapshot

    def report_view(self, request: HttpRequest, kind: str):
        chosen, month, properties, data, snapshot = self._report(request, kind)
        tables = TABLES[kind](data)
        by_key = {table.key: table for table in tables}
        drawn = CHARTS[kind](by_key, data)
        name = "red_black" if kind == Kind.RED_BLACK else "analysis"
        other = "analysis" if kind == Kind.RED_BLACK else "red_black"
        query = f"?month={month:%Y-%m}&property={chosen.pk}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{Kind(kind).label} · {chosen.name} · {month:%Y-%m}",
            "kind": kind,
            "data": data,
            "snapshot": snapshot,
            "final": snapshot is not None,
            "status": status_text(data, snapshot),
            "rules": rules_text(kind, data["rules"]),
            "tables": by_key,
            "charts": drawn,
            "sections": [(by_key[key], chart) for key, chart in drawn.items()],
            "properties": properties,
            "chosen": chosen,
            "month_value": f"{month:%Y-%m}",
            "previous_url": f"?month={month_add(month, -1):%Y-%m}&property={chosen.pk}",
            "next_url": f"?month={month_add(month, 1):%Y-%m}&property={chosen.pk}"
            if month < month_of(clock.now())
            else "",
            "csv_url": reverse(f"admin:complaints_monthlysnapshot_{name}_csv") + query,
            "xlsx_url": reverse(f"admin:complaints_monthlysnapshot_{name}_xlsx") + query,
            "other_url": reverse(f"admin:complaints_monthlysnapshot_{other}") + query,
            "other_label": Kind.ANALYSIS.label if kind == Kind.RED_BLACK else Kind.RED_BLACK.label,
        }
        return TemplateResponse(request, f"admin/reports/{name}.html", context)

    def export_view(self, request: HttpRequest, kind: str, fmt: str):
        chosen, month, _properties, data, snapshot = self._report(request, kind)
        tables = TABLES[kind](data)
        stem = f"{'red-black' if kind == Kind.RED_BLACK else 'analysis'}-{chosen.pk}-{month:%Y-%m}"
        filename = f"{stem}.{fmt}"
        data_access_record(
            actor=request.user,
            kind=DataAccessKind.EXPORT,
            property_ids=[chosen.pk],
            description=filename,
            details={
                "report": kind,
                "property": chosen.pk,
                "month": f"{month:%Y-%m}",
                "format": fmt,
                "published": snapshot is not None,
            },
            row_count=sum(len(table.rows) for table in tables),
        )
        tables = [about_table(kind, data, snapshot), *tables]
        if fmt == "csv":
            return export_csv(tables, filename=filename)
        return export_xlsx(tables, filename=filename)
