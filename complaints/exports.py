"""Every CSV and XLSX file the project writes: the complaint list, the red/black list and
the monthly analysis (SPEC §5, §7).

Text that a spreadsheet would take for a formula is made inert (CSV/formula injection,
OWASP): a cell starting with = + - @ (also after spaces), a tab, a carriage return, a line
feed or NUL. In CSV such a cell gets a leading apostrophe, which spreadsheets read as
"this is text", and every text cell is quoted, so a separator inside it cannot start a new
cell. In XLSX every text cell is stored as a string, never as a formula, and a formula-like
one carries the quote-prefix style, so it stays text when edited. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r", "\n", "\0")
SHEET_TITLE_FORBIDDEN = "[]:*?/\\"


def looks_like_formula(text: str) -> bool:
    """Would a spreadsheet evaluate this text (or could it, once spaces are trimmed)?"""
    return text[:1] in CONTROL_STARTS or text.lstrip(" ")[:1] in FORMULA_STARTS


def is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def csv_cell(value):
    """A number as it is, None as empty, anything else as inert text."""
    if value is None:
        return ""
    if is_number(value):
        return value
    text = str(value)
    return f"'{text}" if looks_like_formula(text) else text


class _Echo:
    """A file whose write() hands the line back, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """The lines of a UTF-8 CSV: a byte order mark first (Excel then reads UTF-8), text
    cells quoted and guarded, numbers bare; an empty row is an empty line."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_NONNUMERIC)
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def csv_response(rows: Iterable[Sequence], *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (consumed lazily, so a queryset iterator is never held in memory) as
    a CSV download."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@dataclass
class Sheet:
    """One worksheet: an optional bold heading line, a bold header row, then the rows.
    `number_formats` and `widths` are by column index (0-based)."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    heading: str = ""
    number_formats: dict[int, str] = field(default_factory=dict)
    widths: Sequence[float] = ()


def _set_cell(cell, value) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return
    if is_number(value):
        cell.value = value
        return
    # Control characters are not allowed in a worksheet: openpyxl would refuse the file.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    # openpyxl turns a text starting with "=" into a formula: store it as a string.
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True


def sheet_title(title: str) -> str:
    """A valid worksheet name: no []:*?/\\ and at most 31 characters."""
    for character in SHEET_TITLE_FORBIDDEN:
        title = title.replace(character, " ")
    return title[:31] or "Sheet"


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for spec in sheets:
        sheet = workbook.create_sheet(sheet_title(spec.title))
        row_number = 1
        if spec.heading:
            _set_cell(sheet.cell(row=1, column=1), spec.heading)
            sheet.cell(row=1, column=1).font = Font(bold=True, size=12)
            row_number = 2
        for index, label in enumerate(spec.header, start=1):
            cell = sheet.cell(row=row_number, column=index)
            _set_cell(cell, label)
            cell.font = Font(bold=True)
        sheet.freeze_panes = sheet.cell(row=row_number + 1, column=1).coordinate
        for values in spec.rows:
            row_number += 1
            for index, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=index)
                _set_cell(cell, value)
                if index - 1 in spec.number_formats and is_number(value):
                    cell.number_format = spec.number_formats[index - 1]
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: Iterable[Sheet], *, filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
