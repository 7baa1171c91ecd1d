"""PRC working days (法定节假日 and 调休 make-up workdays).

Precedence for a date: the admin-editable `WorkdayOverride` table; then the
chinese-calendar package for the years it covers; then, for a year where the
table has entries, plain Monday–Friday around them; otherwise Monday–Friday with a
warning logged once per year (the State Council publishes next year's schedule each
autumn: enter it in the admin).
"""

import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

logger = logging.getLogger(__name__)

_warned_years: set[int] = set()


def _package_is_workday(day: date) -> bool | None:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def _fallback_is_workday(day: date, years_in_table: set[int]) -> bool:
    if day.year not in years_in_table and day.year not in _warned_years:
        _warned_years.add(day.year)
        logger.warning(
            "No PRC holiday calendar for %s: counting Monday to Friday as working days. "
            "Enter that year's holidays and make-up workdays in the admin.",
            day.year,
        )
    return day.weekday() < 5


def workdays_between(first: date, last: date) -> list[date]:
    """The working days from `first` to `last`, both included (two queries at most)."""
    from complaints.models import WorkdayOverride

    overrides = dict(
        WorkdayOverride.objects.filter(date__range=(first, last)).values_list("date", "is_workday")
    )
    years_in_table = set(
        WorkdayOverride.objects.filter(date__year__in=range(first.year, last.year + 1)).values_list(
            "date__year", flat=True
        )
    )
    result = []
    day = first
    while day <= last:
        workday = overrides.get(day)
        if workday is None:
            workday = _package_is_workday(day)
        if workday is None:
            workday = _fallback_is_workday(day, years_in_table)
        if workday:
            result.append(day)
        day += timedelta(days=1)
    return result


def is_workday(day: date) -> bool:
    return bool(workdays_between(day, day))


def add_working_days(start: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after `start`'s date, as an exclusive end:
    00:00 local of the next day, so the whole last day (its last half-second too) is on
    time and a deadline is late from the moment it is due (`met >= due`), like every
    other deadline.

    Submitted on Tuesday 30 September 2025 with 5 working days: 1–8 October are the
    National Day holiday and Saturday 11 October a make-up workday, so the reply is
    due by the end of Tuesday 14 October: the value is 15 October 00:00.
    """
    local_start = timezone.localtime(start).date()
    candidates = []
    horizon = local_start
    while len(candidates) < days:
        # Look no further than needed, so a year without a calendar is only consulted
        # (and warned about) when a deadline really reaches it.
        horizon_end = horizon + timedelta(days=days - len(candidates) + 4)
        candidates += workdays_between(horizon + timedelta(days=1), horizon_end)
        horizon = horizon_end
    due_day = candidates[days - 1]
    return timezone.make_aware(datetime.combine(due_day + timedelta(days=1), time()))
