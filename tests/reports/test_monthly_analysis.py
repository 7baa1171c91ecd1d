"""The monthly analysis of the hand-built February (see conftest.py): every figure by
category, by building, by level, the handling times, the trend and the repeat rate."""

import pytest
from report_month import FEBRUARY, feb

from complaints.models import MonthlySnapshot
from complaints.reports import analysis_compute, red_black_compute

pytestmark = pytest.mark.django_db

HOUR = 3600.0


@pytest.fixture
def report(month, prop):
    return analysis_compute(property_id=prop.pk, month=FEBRUARY)


def test_month_total(report):
    """Eleven complaints were filed in February (the withdrawn one left out; those of
    January, of March and of the other property not counted); ten were closed, seven
    on time; R1 (filed in January, open), E1 and E2 became a repeat problem on 10
    February: 3 repeat complaints, per 11 received; mean handling (590 + 15) / 10 hours."""
    total = report["summary"]
    assert total["received"] == 11
    assert total["closed"] == 10
    assert total["on_time"] == 7
    assert total["on_time_rate"] == pytest.approx(0.7)
    assert total["reopened"] == 2
    assert total["reopen_rate"] == pytest.approx(0.2)
    assert total["repeats"] == 3
    assert total["repeat_rate"] == pytest.approx(3 / 11)
    assert total["surveys"] == 6
    assert total["survey_points"] == 1410
    assert total["mean_satisfaction"] == pytest.approx(1410 / 18)
    assert total["handled"] == 10
    assert total["handling_seconds"] == 605 * HOUR
    assert total["mean_handling_hours"] == pytest.approx(60.5)


def test_by_category(report):
    """Received and closed per category, most received first (ties: more closed, then
    name); handling hours from filing to handling: Door bell 2 + 30 + 384, Corridor
    12 + 96, Cleaning 30 + 36 + 4, Parking 10, Fire alarm 1; Garbage closed none."""
    rows = [
        (
            entry["name_en"],
            entry["received"],
            entry["closed"],
            entry["on_time"],
            entry["repeats"],
            entry["handled"],
            entry["handling_seconds"] / HOUR,
        )
        for entry in report["categories"]
    ]
    assert rows == [
        ("Cleaning", 3, 3, 1, 0, 3, 70.0),
        ("Door bell", 3, 3, 2, 3, 3, 416.0),
        ("Parking", 2, 1, 1, 0, 1, 10.0),
        ("Corridor light", 1, 2, 2, 0, 2, 108.0),
        ("Fire alarm", 1, 1, 1, 0, 1, 1.0),
        ("Garbage", 1, 0, 0, 0, 0, 0.0),
    ]
    hours = {entry["name_en"]: entry["mean_handling_hours"] for entry in report["categories"]}
    assert hours == {
        "Cleaning": pytest.approx(70 / 3),
        "Door bell": pytest.approx(416 / 3),
        "Parking": 10.0,
        "Corridor light": 54.0,
        "Fire alarm": 1.0,
        "Garbage": None,
    }
    assert report["categories"][0]["name_zh_hans"] == "Cleaning（中）"
    rates = {entry["name_en"]: entry["on_time_rate"] for entry in report["categories"]}
    assert rates["Door bell"] == pytest.approx(2 / 3)
    assert rates["Garbage"] is None


def test_by_building_hot_spots(report):
    """Building 5 received six (V3, V4, S1, S2, T2, X2) and closed three, Building 3
    received five and closed seven (three late; R1, E1 and E2 a repeat problem)."""
    rows = [
        (
            entry["name"],
            entry["received"],
            entry["closed"],
            entry["on_time"],
            entry["repeats"],
            entry["handling_seconds"] / HOUR,
        )
        for entry in report["buildings"]
    ]
    assert rows == [
        ("Building 5", 6, 3, 3, 0, 15.0),
        ("Building 3", 5, 7, 4, 3, 590.0),
    ]
    assert report["buildings"][1]["repeat_rate"] == pytest.approx(3 / 5)
    assert report["buildings"][1]["mean_handling_hours"] == pytest.approx(590 / 7)


def test_on_time_rate_by_level(report):
    """Level I 2 of 2, level II 4 of 7, level III 1 of 1."""
    assert [
        (entry["level"], entry["closed"], entry["on_time"], entry["on_time_rate"])
        for entry in report["levels"]
    ] == [(1, 2, 2, 1.0), (2, 7, 4, pytest.approx(4 / 7)), (3, 1, 1, 1.0)]


def test_satisfaction_trend_twelve_months(report):
    """Twelve months from March 2024 to February 2025: January has X1 (one survey of
    60), February the six surveys of its closed complaints, the rest nothing."""
    trend = report["trend"]
    assert [entry["month"] for entry in trend] == [
        *(f"2024-{number:02d}" for number in range(3, 13)),
        "2025-01",
        "2025-02",
    ]
    assert [(e["closed"], e["surveys"], e["mean_satisfaction"]) for e in trend[:10]] == [
        (0, 0, None)
    ] * 10
    assert (trend[10]["closed"], trend[10]["surveys"], trend[10]["survey_points"]) == (1, 1, 180)
    assert trend[10]["mean_satisfaction"] == 60
    assert (trend[11]["closed"], trend[11]["surveys"], trend[11]["survey_points"]) == (
        10,
        6,
        1410,
    )
    assert not any(entry["published"] for entry in trend)


def test_trend_takes_a_published_month_as_published(month, prop, report):
    """Once January is published, the trend shows January's published figures even if
    January's complaints change afterwards."""
    january = FEBRUARY.replace(month=1)
    MonthlySnapshot.objects.create(
        kind=MonthlySnapshot.Kind.ANALYSIS,
        month=january,
        property=prop,
        published_at=feb(1, 1),
        data={"summary": {"closed": 4, "surveys": 2, "survey_points": 420}},
    )
    trend = analysis_compute(property_id=prop.pk, month=FEBRUARY)["trend"]
    assert trend[10] == {
        "month": "2025-01",
        "published": True,
        "closed": 4,
        "surveys": 2,
        "survey_points": 420,
        "mean_satisfaction": 70,
    }
    assert trend[11]["surveys"] == 6


def test_both_reports_agree(month, prop, report):
    """The analysis and the red/black list count the same closed complaints."""
    red_black = red_black_compute(property_id=prop.pk, month=FEBRUARY)["summary"]
    for key in ("closed", "on_time", "reopened", "repeats", "surveys", "survey_points"):
        assert report["summary"][key] == red_black[key], key
    assert report["summary"]["levels"] == red_black["levels"]


def test_empty_month(month, prop):
    """A month without complaints gives zeros and no rates, not errors."""
    empty = analysis_compute(property_id=prop.pk, month=FEBRUARY.replace(year=2023))
    assert empty["summary"]["closed"] == 0
    assert empty["summary"]["on_time_rate"] is None
    assert empty["summary"]["mean_handling_hours"] is None
    assert empty["categories"] == []
    assert empty["buildings"] == []
    red_black = red_black_compute(property_id=prop.pk, month=FEBRUARY.replace(year=2023))
    assert red_black["owners"] == []
    assert all(entry["rank"] is None for entry in red_black["teams"])
    assert red_black["talks"] == []
