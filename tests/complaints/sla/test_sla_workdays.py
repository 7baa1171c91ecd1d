"""PRC working days: the admin table first, then chinese-calendar, then Monday–Friday
with one warning for a year nobody entered (chinesecalendar 1.11 stops at 2026)."""

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Level, WorkdayOverride
from complaints.sla import workdays

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Wednesday 3 March 2027: no package data, no seeded rows.
WEDNESDAY_2027 = datetime(2027, 3, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def fresh_warnings(monkeypatch, caplog):
    """Forget which years were already warned about, and capture the module's log."""
    monkeypatch.setattr(workdays, "_warned_years", set())
    caplog.set_level(logging.WARNING, logger=workdays.__name__)
    return caplog


def _warnings(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == workdays.__name__ and record.levelno == logging.WARNING
    ]


def test_seeded_table_has_no_2027_rows():
    """Precondition of the fallback tests: the migration seeded only covered years."""
    assert not WorkdayOverride.objects.filter(date__year=2027).exists()
    assert WorkdayOverride.objects.filter(date=date(2025, 10, 1), is_workday=False).exists()


def test_year_without_data_counts_monday_to_friday_and_warns_once(fresh_warnings, file_complaint):
    """A level III complaint of Wed 3 March 2027 is due at the end of Wed 10 March
    (Mon–Fri: 4, 5, 8, 9, 10); a second complaint of the same year logs no second
    warning: exactly one warning naming 2027."""
    first = file_complaint(WEDNESDAY_2027, level=Level.III)
    second = file_complaint(WEDNESDAY_2027, level=Level.III)

    due = datetime(2027, 3, 11, 0, 0, tzinfo=SHANGHAI)  # the end of 10 March, exclusive
    assert first.resolve_due == second.resolve_due == due
    warnings = _warnings(fresh_warnings)
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()


def test_admin_rows_for_a_new_year_win_without_warning(fresh_warnings, file_complaint):
    """Once the admin enters 2027's calendar (Thu 4 and Fri 5 March off, Sat 6 March a
    make-up workday) those rows decide: 6, 8, 9, 10, 11 → due Thu 11 March; no warning."""
    WorkdayOverride.objects.bulk_create(
        [
            WorkdayOverride(date=date(2027, 3, 4), is_workday=False, name="Test holiday"),
            WorkdayOverride(date=date(2027, 3, 5), is_workday=False, name="Test holiday"),
            WorkdayOverride(date=date(2027, 3, 6), is_workday=True, name="Test 调休"),
        ]
    )

    complaint = file_complaint(WEDNESDAY_2027, level=Level.III)

    assert complaint.resolve_due == datetime(2027, 3, 12, 0, 0, tzinfo=SHANGHAI)
    assert _warnings(fresh_warnings) == []


def test_admin_row_overrides_the_package(fresh_warnings):
    """An admin row wins over chinese-calendar for a covered year: marking Mon 10 March
    2025 a holiday makes it a non-working day."""
    assert workdays.is_workday(date(2025, 3, 10))

    WorkdayOverride.objects.create(date=date(2025, 3, 10), is_workday=False, name="Typhoon")

    assert not workdays.is_workday(date(2025, 3, 10))
    assert _warnings(fresh_warnings) == []


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # last holiday day, a Wednesday
        (date(2025, 10, 11), True),  # make-up Saturday
        (date(2025, 9, 28), True),  # make-up Sunday
        (date(2025, 10, 12), False),  # ordinary Sunday
        (date(2025, 10, 9), True),  # ordinary Thursday
    ],
)
def test_statutory_calendar(day, expected):
    """Holidays on weekdays are off and make-up weekend days are on (2025 schedule)."""
    assert workdays.is_workday(day) is expected
