"""Tables: what a report page shows and its exports contain, drawn from one report's data."""

from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from complaints import clock
from complaints.models import Level, MonthlySnapshot

Kind = MonthlySnapshot.Kind


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


def local_time(moment: str) -> str:
    return clock.local_text(datetime.fromisoformat(moment))


def _complaint_links(run: list[dict]) -> list[tuple[str, str]]:
    return [
        (item["reference"], reverse("admin:complaints_complaint_change", args=[item["id"]]))
        for item in run
    ]


def _mark_label(mark: str) -> str:
    return {"red": _("Red"), "black": _("Black")}.get(mark, "")


def _team_list_label(entry: dict) -> str:
    """The team's list, and its failed inspections (which put it below the others)."""
    failed = entry.get("inspections_failed")
    if not failed:
        return _mark_label(entry["mark"])
    note = ngettext("%(count)d failed inspection", "%(count)d failed inspections", failed) % {
        "count": failed
    }
    return " · ".join(part for part in (_mark_label(entry["mark"]), note) if part)


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
            Column(_("Inspection mean"), "dec"),
            Column(_("Talk with the leader (约谈)"), "links"),
        ],
    )
    for entry in data["teams"]:
        links = [link for run in entry["talk"] for link in _complaint_links(run)]
        teams.add(
            [
                entry["rank"],
                _team_list_label(entry),
                entry["name"],
                entry["leader"],
                *_measures(entry),
                # Absent from lists published before inspections counted: left blank.
                dec(entry.get("inspection_mean")),
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
                    ", ".join(local_time(item["due_at"]) for item in run),
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
