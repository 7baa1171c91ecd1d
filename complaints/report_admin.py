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

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from buildings.models import Property
from complaints import charts, exports
from complaints.models import Level, MonthlySnapshot
from complaints.privacy.services import DataAccessKind, data_access_record
from complaints.reports import (
    month_add,
    month_of,
    month_parse,
    report_for,
    report_property_ids_for,
)
from staff.admin_scope import ReadOnlyAdmin

Kind = MonthlySnapshot.Kind


# Tables: what the page shows and the exports contain ------------------------------------


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text, int, pct (0–100, one decimal), dec (one decimal), links


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)

    def add(self, values: list, mark: str = "") -> None:
        self.rows.append(values)
        self.marks.append(mark)

    def export_rows(self) -> list[list]:
        """Numbers stay numbers; linked complaints become their references."""
        return [
            [
                ", ".join(reference for reference, _href in value)
                if column.kind == "links"
                else value
                for column, value in zip(self.columns, row, strict=True)
            ]
            for row in self.rows
        ]

    def html_rows(self) -> list[dict]:
        return [
            {
                "mark": mark,
                "cells": [
                    _html_cell(column, value)
                    for column, value in zip(self.columns, row, strict=True)
                ],
            }
            for row, mark in zip(self.rows, self.marks, strict=True)
        ]


def _html_cell(column: Column, value) -> dict:
    numeric = column.kind in ("int", "pct", "dec")
    if column.kind == "links":
        return {"links": value or [], "text": "" if value else "—", "numeric": False}
    if value is None or value == "":
        text = "—"
    elif column.kind == "pct":
        text = f"{value:.1f} %"
    elif column.kind == "dec":
        text = f"{value:.1f}"
    else:
        text = str(value)
    return {"text": text, "numeric": numeric}


def pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def dec(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _level_label(level: str | int) -> str:
    return str(Level(int(level)).label)


def _local(moment: str) -> str:
    return timezone.localtime(datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M")


def _complaint_links(run: list[dict]) -> list[tuple[str, str]]:
    return [
        (item["reference"], reverse("admin:complaints_complaint_change", args=[item["id"]]))
        for item in run
    ]


def _mark_label(mark: str) -> str:
    return {"red": _("Red"), "black": _("Black")}.get(mark, "")


def _measure_columns() -> list[Column]:
    by_level = [
        Column(_("On time, level %(level)s (%%)") % {"level": Level(level).name}, "pct")
        for level in Level.values
    ]
    return [
        Column(_("Closed"), "int"),
        Column(_("On time (%)"), "pct"),
        *by_level,
        Column(_("Mean satisfaction"), "dec"),
        Column(_("Surveys"), "int"),
        Column(_("Reopen rate (%)"), "pct"),
        Column(_("Repeat problems"), "int"),
        Column(_("Score"), "dec"),
    ]


def _measures(entry: dict) -> list:
    return [
        entry["closed"],
        pct(entry["on_time_rate"]),
        *(pct(entry["levels"][str(level)]["on_time_rate"]) for level in Level.values),
        dec(entry["mean_satisfaction"]),
        entry["surveys"],
        pct(entry["reopen_rate"]),
        entry["repeats"],
        dec(entry["score"]),
    ]


def red_black_tables(data: dict) -> list[Table]:
    summary = Table("summary", _("Property total"), _measure_columns())
    summary.add(_measures(data["summary"]))

    teams = Table(
        "teams",
        _("Teams"),
        [
            Column(_("Rank"), "int"),
            Column(_("List")),
            Column(_("Team")),
            Column(_("Leader")),
            *_measure_columns(),
            Column(_("Talk with the leader (约谈)"), "links"),
        ],
    )
    for entry in data["teams"]:
        links = [link for run in entry["talk"] for link in _complaint_links(run)]
        teams.add(
            [
                entry["rank"],
                _mark_label(entry["mark"]),
                entry["name"],
                entry["leader"],
                *_measures(entry),
                links,
            ],
            entry["mark"],
        )

    owners = Table(
        "owners",
        _("Owners (first responders)"),
        [
            Column(_("Rank"), "int"),
            Column(_("List")),
            Column(pgettext("first responder", "Owner")),
            Column(_("Team")),
            *_measure_columns(),
        ],
    )
    for entry in data["owners"]:
        owners.add(
            [
                entry["rank"],
                _mark_label(entry["mark"]),
                entry["name"],
                entry["team"],
                *_measures(entry),
            ],
            entry["mark"],
        )

    talks = Table(
        "talks",
        _("Talks with team leaders (约谈)"),
        [
            Column(_("Team")),
            Column(_("Leader")),
            Column(_("Overdue complaints in a row"), "links"),
            Column(_("Due")),
        ],
    )
    for talk in data["talks"]:
        for run in talk["runs"]:
            talks.add(
                [
                    talk["team"],
                    talk["leader"],
                    _complaint_links(run),
                    ", ".join(_local(item["due_at"]) for item in run),
                ]
            )
    return [summary, teams, owners, talks]


def _category_name(entry: dict) -> str:
    english = (get_language() or "").startswith("en")
    return entry["name_en"] if english else entry["name_zh_hans"]


def analysis_tables(data: dict) -> list[Table]:
    total = data["summary"]
    summary = Table(
        "summary",
        _("Month total"),
        [
            Column(_("Received"), "int"),
            Column(_("Closed"), "int"),
            Column(_("On time (%)"), "pct"),
            Column(_("Mean satisfaction"), "dec"),
            Column(_("Surveys"), "int"),
            Column(_("Reopen rate (%)"), "pct"),
            Column(_("Repeat problems"), "int"),
            Column(_("Repeat rate (%)"), "pct"),
            Column(_("Mean handling time (h)"), "dec"),
        ],
    )
    summary.add(
        [
            total["received"],
            total["closed"],
            pct(total["on_time_rate"]),
            dec(total["mean_satisfaction"]),
            total["surveys"],
            pct(total["reopen_rate"]),
            total["repeats"],
            pct(total["repeat_rate"]),
            dec(total["mean_handling_hours"]),
        ]
    )

    categories = Table(
        "categories",
        _("Complaints by category"),
        [
            Column(_("Category")),
            Column(_("Received"), "int"),
            Column(_("Closed"), "int"),
            Column(_("On time (%)"), "pct"),
            Column(_("Repeat problems"), "int"),
        ],
    )
    for entry in data["categories"]:
        categories.add(
            [
                _category_name(entry),
                entry["received"],
                entry["closed"],
                pct(entry["on_time_rate"]),
                entry["repeats"],
            ]
        )

    buildings = Table(
        "buildings",
        _("Hot spots by building"),
        [
            Column(_("Building")),
            Column(_("Received"), "int"),
            Column(_("Closed"), "int"),
            Column(_("On time (%)"), "pct"),
            Column(_("Repeat problems"), "int"),
            Column(_("Repeat rate (%)"), "pct"),
        ],
    )
    for entry in data["buildings"]:
        buildings.add(
            [
                entry["name"] or _("Property-wide common areas"),
                entry["received"],
                entry["closed"],
                pct(entry["on_time_rate"]),
                entry["repeats"],
                pct(entry["repeat_rate"]),
            ]
        )

    handling = Table(
        "handling",
        _("Mean handling time by category"),
        [
            Column(_("Category")),
            Column(_("Handled"), "int"),
            Column(_("Mean handling time (h)"), "dec"),
        ],
    )
    for entry in sorted(
        (entry for entry in data["categories"] if entry["handled"]),
        key=lambda entry: -entry["mean_handling_hours"],
    ):
        handling.add([_category_name(entry), entry["handled"], dec(entry["mean_handling_hours"])])

    levels = Table(
        "levels",
        _("On-time rate by level"),
        [
            Column(_("Level")),
            Column(_("Closed"), "int"),
            Column(_("On time"), "int"),
            Column(_("On time (%)"), "pct"),
        ],
    )
    for entry in data["levels"]:
        levels.add(
            [
                _level_label(entry["level"]),
                entry["closed"],
                entry["on_time"],
                pct(entry["on_time_rate"]),
            ]
        )

    trend = Table(
        "trend",
        _("Satisfaction trend"),
        [
            Column(_("Month")),
            Column(_("Closed"), "int"),
            Column(_("Surveys"), "int"),
            Column(_("Mean satisfaction"), "dec"),
            Column(_("Published")),
        ],
    )
    for entry in data["trend"]:
        trend.add(
            [
                entry["month"],
                entry["closed"],
                entry["surveys"],
                dec(entry["mean_satisfaction"]),
                _("yes") if entry["published"] else _("no"),
            ]
        )
    return [summary, categories, buildings, handling, levels, trend]


TABLES = {Kind.RED_BLACK: red_black_tables, Kind.ANALYSIS: analysis_tables}


def rules_text(kind: str, rules: dict) -> list[str]:
    """The rules the figures follow, as printed on the page and in the exports."""
    weights = rules["score_weights"]
    common = [
        _(
            "A complaint counts in the month it was closed in (its latest closing, local "
            "time), also when it has been reopened since."
        ),
        _(
            "On time: the complaint has no SLA breach at all, of any deadline, in any "
            "cycle. The on-time rate per level uses the complaint's level."
        ),
        _(
            "Mean satisfaction: the mean of the three scores (problem solved, response "
            "speed, attitude; 0–100) over every submitted survey of these complaints."
        ),
        _("Reopen rate: the share of these complaints reopened at least once."),
        _(
            "Repeat problems: the complaints, open or closed, that became part of a repeat "
            "problem in the month — %(count)d or more complaints about the same unit (for "
            "a common area, the same building) and category filed within %(days)d days, "
            "withdrawn and merged ones left out; the complaints the list tags “repeat”. "
            "Each counts once, in the month the problem formed, whatever its closing."
        )
        % {"count": rules["repeat_count"], "days": rules["repeat_days"]},
    ]
    if kind == Kind.ANALYSIS:
        return [
            _(
                "Received: complaints filed in the month, withdrawn and merged ones left "
                "out. The other figures, except repeat problems, are about the complaints "
                "closed in the month."
            ),
            _("Repeat rate: repeat problems (as above) per complaint received in the month."),
            *common,
            _(
                "Mean handling time: from filing to the (latest) handling, over the "
                "month's closed complaints."
            ),
            _(
                "Satisfaction trend: the mean satisfaction of the complaints closed in each "
                "of the %(months)d months ending with this one; a published month shows "
                "its published figure."
            )
            % {"months": rules["trend_months"]},
        ]
    return [
        *common,
        _(
            "Score = %(on_time)d × on-time rate + %(satisfaction)d × mean satisfaction / 100 "
            "+ %(not_reopened)d × (1 − reopen rate). Without any survey, the other two "
            "parts are scaled up to 100. Teams and owners with no closed complaint are "
            "not ranked."
        )
        % weights,
        _(
            "Ranking: higher score first, then more complaints closed, then name. Red "
            "list: the best %(size)d; black list: the worst %(size)d — with fewer than "
            "%(double)d ranked, each list takes at most half of them (rounded down)."
        )
        % {"size": rules["list_size"], "double": 2 * rules["list_size"]},
        _(
            "Talk with the team leader (约谈): the team's complaints whose resolve deadline "
            "falls in the month are put in the order of that deadline; %(streak)d overdue ones "
            "(each with a breach) in a row flag the team, with those complaints linked. "
            "Two in a row, or three with an on-time one between, are not flagged."
        )
        % {"streak": rules["talk_streak"]},
    ]


def status_text(data: dict, snapshot: MonthlySnapshot | None) -> str:
    if snapshot is not None:
        return _("Published %(when)s: final figures, later edits do not change them.") % {
            "when": timezone.localtime(snapshot.published_at).strftime("%Y-%m-%d %H:%M")
        }
    return _("Live figures of %(when)s — not final: the month is published on the 1st.") % {
        "when": _local(data["computed_at"])
    }


# Charts -----------------------------------------------------------------------------------


def red_black_charts(tables: dict[str, Table], data: dict) -> dict[str, str]:
    ranked = [entry for entry in data["teams"] if entry["rank"] is not None]
    return {
        "teams": charts.bar_chart(
            [(entry["name"], dec(entry["score"])) for entry in ranked],
            title=_("Team scores"),
            decimals=1,
            maximum=100,
            marks=[entry["mark"] for entry in ranked],
        )
    }


def analysis_charts(tables: dict[str, Table], data: dict) -> dict[str, str]:
    return {
        "categories": charts.bar_chart(
            [(row[0], row[1]) for row in tables["categories"].rows],
            title=_("Complaints received by category"),
        ),
        "buildings": charts.bar_chart(
            [(row[0], row[1]) for row in tables["buildings"].rows[:15]],
            title=_("Complaints received by building"),
        ),
        "handling": charts.bar_chart(
            [(row[0], row[2]) for row in tables["handling"].rows],
            title=_("Mean handling time by category (hours)"),
            unit=" h",
            decimals=1,
        ),
        "levels": charts.bar_chart(
            [(row[0], row[3]) for row in tables["levels"].rows],
            title=_("On-time rate by level"),
            unit=" %",
            decimals=1,
            maximum=100,
        ),
        "trend": charts.line_chart(
            [(row[0], row[3]) for row in tables["trend"].rows],
            title=_("Mean satisfaction by month"),
        ),
    }


CHARTS = {Kind.RED_BLACK: red_black_charts, Kind.ANALYSIS: analysis_charts}


# Exports ----------------------------------------------------------------------------------


def _about(kind: str, data: dict, snapshot: MonthlySnapshot | None) -> Table:
    about = Table("about", _("About"), [Column(_("Field")), Column(_("Value"))])
    about.add([_("Report"), str(Kind(kind).label)])
    about.add([_("Property"), data["property"]["name"]])
    about.add([_("Month"), data["month"]])
    about.add([_("Status"), status_text(data, snapshot)])
    for number, rule in enumerate(rules_text(kind, data["rules"]), start=1):
        about.add([_("Rule %(number)d") % {"number": number}, rule])
    return about


def export_csv(tables: list[Table], *, filename: str) -> StreamingHttpResponse:
    """Each table as a block: its title, its header, its rows, then an empty line."""

    def rows():
        for table in tables:
            yield [table.title]
            yield [column.label for column in table.columns]
            yield from table.export_rows()
            yield []

    return exports.csv_response(rows(), filename=filename)


def export_xlsx(tables: list[Table], *, filename: str) -> HttpResponse:
    """One sheet per table: the title in row 1, the header in row 2, then the rows."""
    return exports.xlsx_response(
        [
            exports.Sheet(
                title=table.title,
                heading=table.title,
                header=[column.label for column in table.columns],
                rows=table.export_rows(),
                number_formats={
                    index: "0.0"
                    for index, column in enumerate(table.columns)
                    if column.kind in ("pct", "dec")
                },
                widths=[28 if column.kind == "text" else 14 for column in table.columns],
            )
            for table in tables
        ],
        filename=filename,
    )


# The admin --------------------------------------------------------------------------------


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

    def _selection(self, request: HttpRequest) -> tuple[Property, date, list[Property]]:
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
        current = month_of(timezone.now())
        month = current
        raw = request.GET.get("month")
        if raw:
            try:
                month = month_parse(raw)
            except ValueError:
                messages.error(request, _("Give the month as YYYY-MM; showing this month."))
            else:
                if month > current:
                    messages.warning(request, _("That month has not begun; showing this month."))
                    month = current
        return chosen, month, properties

    def _report(self, request: HttpRequest, kind: str):
        chosen, month, properties = self._selection(request)
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
            if month < month_of(timezone.now())
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
        tables = [_about(kind, data, snapshot), *tables]
        if fmt == "csv":
            return export_csv(tables, filename=filename)
        return export_xlsx(tables, filename=filename)
