"""The one export helper (`complaints.exports`): text a spreadsheet would run as a
formula comes out inert in CSV and XLSX, numbers stay numbers, and the complaint CSV
export uses it for every column."""

import csv
import io

import pytest
from factories import ComplaintFactory
from openpyxl import load_workbook
from privacy_helpers import admin_url

from complaints import exports

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+2",
    "+1+2",
    "-2+3",
    "@SUM(A1)",
    "\t=1+2",
    "\r=1+2",
    "  =1+2",
]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_text_that_looks_like_a_formula_gets_an_apostrophe(text):
    assert exports.csv_cell(text) == f"'{text}"


@pytest.mark.parametrize("value", ["Building 3", "138****1234", "a=b", "TS00000042", ""])
def test_ordinary_text_is_left_alone(value):
    assert exports.csv_cell(value) == value


@pytest.mark.parametrize("value", [0, 12, -3, 82.7, -0.5])
def test_numbers_stay_numbers(value):
    """A negative number is a number, not text starting with "-"."""
    assert exports.csv_cell(value) == value


def test_csv_response_quotes_text_and_leaves_numbers_bare():
    """Text is quoted (a separator inside cannot split the cell), numbers are not; the
    download is UTF-8 with a byte order mark."""
    response = exports.csv_response([["=1+2;=3+4", 82.7, -3, None], []], filename="report.csv")

    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert body == '\ufeff"\'=1+2;=3+4",82.7,-3,""\r\n\r\n'


def test_xlsx_stores_formula_like_text_as_text_and_numbers_as_numbers():
    """Every text cell is a string cell holding the literal text (with Excel's quote
    prefix on the formula-like ones); numbers are numeric cells; control characters that
    a worksheet cannot hold are dropped."""
    sheet = exports.Sheet(
        title="Teams: [all]",
        heading="=HEADING()",
        header=["Name", "Score"],
        rows=[[text, 1.5] for text in FORMULAS] + [["bell\x07", -2]],
    )

    workbook = load_workbook(io.BytesIO(exports.xlsx_bytes([sheet])))

    worksheet = workbook.worksheets[0]
    assert worksheet.title == "Teams   all "
    assert (worksheet["A1"].value, worksheet["A1"].data_type) == ("=HEADING()", "s")
    for row, text in enumerate(FORMULAS, start=3):
        cell = worksheet.cell(row=row, column=1)
        # XML reads a carriage return back as a line feed.
        expected = text.replace("\r", "\n")
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)
        number = worksheet.cell(row=row, column=2)
        assert (number.value, number.data_type) == (1.5, "n")
    last = len(FORMULAS) + 3
    assert worksheet.cell(row=last, column=1).value == "bell"
    assert worksheet.cell(row=last, column=1).quotePrefix is False
    assert worksheet.cell(row=last, column=2).value == -2


@pytest.mark.django_db
def test_complaint_csv_export_still_guards(client, now, prop, resident, agent):
    """A description written like a formula and a property named like one are exported
    inert in every column they reach; the contact phone stays masked."""
    prop.name = "@SUM(1+1)"
    prop.save()
    complaint = ComplaintFactory(
        resident=resident, description='=HYPERLINK("http://x","y")', location_text="Lobby"
    )
    client.force_login(agent)

    response = client.post(
        admin_url("complaints_complaint_changelist"),
        {"action": "export_csv", "_selected_action": [complaint.pk], "index": 0},
    )

    _header, row = csv_rows(response)
    assert row[4] == "'@SUM(1+1)"
    assert row[5].startswith("'@SUM(1+1) Building 3")
    assert row[6] == '\'=HYPERLINK("http://x","y")'
    assert row[7] == "138****1234"
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)
