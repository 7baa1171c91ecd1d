"""A report as CSV (one block per table) or XLSX (one sheet per table), through the
project's one export helper with its formula guard."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from complaints import exports
from complaints.models import MonthlySnapshot
from complaints.reports.tables import Column, Kind, Table
from complaints.reports.wording import rules_text, status_text


def about_table(kind: str, data: dict, snapshot: MonthlySnapshot | None) -> Table:
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
