"""Report months: local calendar months (settings.TIME_ZONE)."""

from datetime import date, datetime

from django.utils import timezone


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_parse(text: str) -> date:
    """'2026-10' → date(2026, 10, 1); ValueError for anything else."""
    year, _, number = text.strip().partition("-")
    if not (len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= len(number) <= 2):
        raise ValueError(f"not a month: {text!r}")
    return date(int(year), int(number), 1)


def month_of(moment: datetime) -> date:
    """The (local) month a moment falls in."""
    return timezone.localtime(moment).date().replace(day=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[start, end) of a month in local time, as aware datetimes."""
    zone = timezone.get_default_timezone()
    following = month_add(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )
