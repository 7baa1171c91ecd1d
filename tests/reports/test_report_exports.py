"""CSV and XLSX exports of both reports: downloaded as a supervisor, parsed back, they
hold the same numbers as the report (rates in %, means and scores to one decimal)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from report_month import FEBRUARY, at

from complaints.models import PersonalDataAccess
from complaints.reports import analysis_compute, red_black_compute, snapshots_publish

pytestmark = pytest.mark.django_db


def export(client, name: str, prop, fmt: str):
    with translation.override("en"):
        url = reverse(f"admin:complaints_monthlysnapshot_{name}_{fmt}")
    response = client.get(url, {"month": "2025-02", "property": prop.pk})
    assert response.status_code == 200
    return response


def body(response) -> bytes:
    """The file: the CSV is streamed, the XLSX is not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_tables(response) -> dict[str, list[list[str]]]:
    """{title: [header, row, …]} from the blocks of the CSV export."""
    text = body(response).decode("utf-8-sig")
    tables, block = {}, []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            if block:
                tables[block[0][0]] = block[1:]
            block = []
        else:
            block.append(row)
    return tables


def xlsx_tables(response) -> dict[str, list[list]]:
    workbook = load_workbook(io.BytesIO(body(response)))
    return {
        sheet.cell(1, 1).value: [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        for sheet in workbook.worksheets
    }


def by_first_columns(rows: list[list], key_columns: int) -> dict[tuple, dict]:
    header, *body = rows
    return {tuple(row[:key_columns]): dict(zip(header, row, strict=True)) for row in body}


def number(value):
    """CSV gives text, XLSX numbers: both compare as numbers; empty is None."""
    if value in ("", None):
        return None
    return float(value)


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_red_black_export_parses_back(supervisor_client, month, prop, fmt):
    """Each team's and owner's closed count, on-time rates, satisfaction, reopen rate,
    repeat problems, score, rank and list come back as in the report; the talk table is
    empty (V4 is open); the About block says the figures are not final."""
    report = red_black_compute(property_id=prop.pk, month=FEBRUARY)
    response = export(supervisor_client, "red_black", prop, fmt)
    if fmt == "csv":
        assert response["Content-Type"].startswith("text/csv")
        tables = csv_tables(response)
    else:
        tables = xlsx_tables(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="red-black-{prop.pk}-2025-02.{fmt}"'
    )

    teams = by_first_columns(tables["Teams"], 3)
    assert [key[2] for key in teams] == [entry["name"] for entry in report["teams"]]
    for entry in report["teams"]:
        row = next(row for key, row in teams.items() if key[2] == entry["name"])
        assert number(row["Rank"]) == entry["rank"]
        assert (row["List"] or "") == {"red": "Red", "black": "Black", "": ""}[entry["mark"]]
        assert number(row["Closed"]) == entry["closed"]
        assert number(row["On time (%)"]) == _pct(entry["on_time_rate"])
        assert number(row["On time, level II (%)"]) == _pct(entry["levels"]["2"]["on_time_rate"])
        assert number(row["Mean satisfaction"]) == _one(entry["mean_satisfaction"])
        assert number(row["Reopen rate (%)"]) == _pct(entry["reopen_rate"])
        assert number(row["Repeat problems"]) == entry["repeats"]
        assert number(row["Score"]) == _one(entry["score"])
    engineering = next(row for key, row in teams.items() if key[2] == "Engineering")
    assert number(engineering["Score"]) == 82.7
    assert number(engineering["Mean satisfaction"]) == 86.7
    assert number(engineering["On time (%)"]) == 80.0
    assert number(engineering["On time, level II (%)"]) == 66.7

    owners = by_first_columns(tables["Owners (first responders)"], 3)
    assert [(number(key[0]), key[1], key[2]) for key in owners] == [
        (1, "Red", "Na Li"),
        (2, "Black", "Lei Zhao"),
    ]
    assert number(owners[next(iter(owners))]["Score"]) == 83.7

    total = dict(zip(*tables["Property total"], strict=True))
    assert number(total["Closed"]) == 10
    assert number(total["On time (%)"]) == 70.0
    assert number(total["Mean satisfaction"]) == 78.3

    assert tables["Talks with team leaders (约谈)"][1:] == []

    about = dict(row[:2] for row in tables["About"][1:])
    assert about["Month"] == "2025-02"
    assert about["Property"] == "Lakeside Garden"
    assert "not final" in about["Status"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_red_black_export_talk_table(supervisor_client, month, v4_closed, prop, fmt):
    """With V4 closed in February, the talk table names Environment and its three
    complaints with their resolve deadlines (local time)."""
    response = export(supervisor_client, "red_black", prop, fmt)
    tables = csv_tables(response) if fmt == "csv" else xlsx_tables(response)

    _header, talk = tables["Talks with team leaders (约谈)"]
    assert talk[0] == "Environment"
    references = [month[name].reference for name in ("V1", "V2", "V4")]
    assert talk[2] == ", ".join(references)
    assert talk[3] == "2025-02-03 09:00, 2025-02-21 09:00, 2025-02-22 09:00"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_analysis_export_parses_back(supervisor_client, month, prop, fmt):
    """Categories, buildings, handling times, levels and the trend come back with the
    report's numbers."""
    report = analysis_compute(property_id=prop.pk, month=FEBRUARY)
    response = export(supervisor_client, "analysis", prop, fmt)
    tables = csv_tables(response) if fmt == "csv" else xlsx_tables(response)

    categories = by_first_columns(tables["Complaints by category"], 1)
    assert [key[0] for key in categories] == [entry["name_en"] for entry in report["categories"]]
    for entry in report["categories"]:
        row = categories[(entry["name_en"],)]
        assert number(row["Received"]) == entry["received"]
        assert number(row["Closed"]) == entry["closed"]
        assert number(row["On time (%)"]) == _pct(entry["on_time_rate"])
        assert number(row["Repeat problems"]) == entry["repeats"]

    handling = by_first_columns(tables["Mean handling time by category"], 1)
    assert {key[0]: number(row["Mean handling time (h)"]) for key, row in handling.items()} == {
        "Door bell": 138.7,
        "Corridor light": 54.0,
        "Cleaning": 23.3,
        "Parking": 10.0,
        "Fire alarm": 1.0,
    }

    buildings = by_first_columns(tables["Hot spots by building"], 1)
    assert {key[0]: number(row["Received"]) for key, row in buildings.items()} == {
        "Building 5": 6,
        "Building 3": 5,
    }
    assert number(buildings[("Building 3",)]["Repeat rate (%)"]) == 60.0

    levels = by_first_columns(tables["On-time rate by level"], 1)
    assert [number(row["On time (%)"]) for row in levels.values()] == [100.0, 57.1, 100.0]

    trend = by_first_columns(tables["Satisfaction trend"], 1)
    assert len(trend) == 12
    assert number(trend[("2025-01",)]["Mean satisfaction"]) == 60.0
    assert number(trend[("2025-02",)]["Mean satisfaction"]) == 78.3
    assert number(trend[("2024-12",)]["Mean satisfaction"]) is None

    total = dict(zip(*tables["Month total"], strict=True))
    assert number(total["Received"]) == 11
    assert number(total["Mean handling time (h)"]) == 60.5
    assert number(total["Repeat rate (%)"]) == 27.3


def test_export_of_a_published_month_uses_the_snapshot(supervisor_client, month, prop):
    """Once February is published, the export says so and keeps the published numbers
    after a later edit."""
    snapshots_publish(month=FEBRUARY, now=at(3, 1, 1))
    month["E2"].breaches.all().delete()
    tables = csv_tables(export(supervisor_client, "red_black", prop, "csv"))
    about = dict(row[:2] for row in tables["About"][1:])
    assert about["Status"].startswith("Published 2025-03-01 01:00")
    total = dict(zip(*tables["Property total"], strict=True))
    assert total["On time (%)"] == "70.0"


TEAM_FORMULA = '=HYPERLINK("http://x","y")'
BUILDING_FORMULA = "=1+2"


@pytest.fixture
def formula_names(month, engineering, building):
    """Engineering renamed to a HYPERLINK formula, Building 3 to a sum."""
    engineering.name = TEAM_FORMULA
    engineering.save()
    building.name = BUILDING_FORMULA
    building.save()


def xlsx_cells(response) -> list:
    """Every cell of every sheet of the XLSX export."""
    workbook = load_workbook(io.BytesIO(body(response)))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("name", ["red_black", "analysis"])
def test_csv_exports_write_formula_names_inert(supervisor_client, formula_names, prop, name):
    """A team named like a formula (red/black list) and a building named like one
    (analysis: hot spots) are written with the apostrophe that keeps them text; no cell
    of the file starts like a formula."""
    tables = csv_tables(export(supervisor_client, name, prop, "csv"))

    cells = [cell for rows in tables.values() for row in rows for cell in row]
    if name == "red_black":
        assert f"'{TEAM_FORMULA}" in [row[2] for row in tables["Teams"][1:]]
    else:
        assert f"'{BUILDING_FORMULA}" in [row[0] for row in tables["Hot spots by building"][1:]]
    assert TEAM_FORMULA not in cells
    assert BUILDING_FORMULA not in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


@pytest.mark.parametrize("name", ["red_black", "analysis"])
def test_xlsx_exports_store_formula_names_as_text(supervisor_client, formula_names, prop, name):
    """In the XLSX the names are string cells holding the literal text, never formulas;
    the figures stay numeric cells."""
    cells = xlsx_cells(export(supervisor_client, name, prop, "xlsx"))

    assert not [cell for cell in cells if cell.data_type == "f"]
    literal = TEAM_FORMULA if name == "red_black" else BUILDING_FORMULA
    named = [cell for cell in cells if cell.value == literal]
    assert named
    assert {(cell.data_type, cell.quotePrefix) for cell in named} == {("s", True)}
    assert any(cell.data_type == "n" and isinstance(cell.value, float) for cell in cells)


def test_each_export_is_logged(supervisor_client, supervisor, month, prop):
    """Downloading a report writes one export row to the personal data access log."""
    export(supervisor_client, "red_black", prop, "csv")
    export(supervisor_client, "analysis", prop, "xlsx")

    rows = PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.EXPORT).order_by("pk")
    assert [(row.user, row.description) for row in rows] == [
        (supervisor, f"red-black-{prop.pk}-2025-02.csv"),
        (supervisor, f"analysis-{prop.pk}-2025-02.xlsx"),
    ]
    assert all(row.row_count > 0 for row in rows)


def _pct(rate):
    return None if rate is None else round(rate * 100, 1)


def _one(value):
    return None if value is None else round(value, 1)
