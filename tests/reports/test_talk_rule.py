"""The 3-consecutive-overdue rule (约谈): a team's complaints closed in the month (the
membership of every red/black figure), in the order of their resolve deadline; three
overdue ones (with a breach) in a row flag the team."""

from datetime import timedelta

import pytest
from report_month import FEBRUARY, Case, at, build, feb

from complaints.reports import month_bounds, overdue_streaks

pytestmark = pytest.mark.django_db

LATE, ON_TIME = True, False


@pytest.fixture
def file_due(now, agent, handler, engineering, category, building):
    """`file_due(due, late, team=…)` files a complaint of `team` (default Engineering)
    whose resolve deadline is `due`, with a breach at `due` when late, handled and closed
    at `closed` (by default an hour after `due`, in February for every `due` below)."""

    def _file(due, late, *, team=None, handler_=None, breach_at=None, closed=None):
        closed = closed or due + timedelta(hours=1)
        return build(
            Case(
                team=team or engineering,
                owner=agent,
                handler=handler_ or handler,
                category=category,
                level=2,
                building=building,
                created=at(1, 10),
                resolve_due=due,
                handled=closed,
                closed=closed,
                breaches=(("resolve", breach_at or due),) if late else (),
            )
        )

    return _file


def streaks(prop) -> dict:
    start, end = month_bounds(FEBRUARY)
    return {
        team_id: [[item["id"] for item in run] for run in runs]
        for team_id, runs in overdue_streaks(property_id=prop.pk, start=start, end=end).items()
    }


def test_three_overdue_in_a_row_flag_the_team(prop, engineering, file_due):
    """Late, late, late: flagged, with the three complaints in due order."""
    first = file_due(feb(3), LATE)
    second = file_due(feb(5), LATE)
    third = file_due(feb(9), LATE)
    assert streaks(prop) == {engineering.pk: [[first.pk, second.pk, third.pk]]}


def test_two_in_a_row_are_not_flagged(prop, file_due):
    """Late, late, on time, late: the longest run is two."""
    file_due(feb(3), LATE)
    file_due(feb(5), LATE)
    file_due(feb(7), ON_TIME)
    file_due(feb(9), LATE)
    assert streaks(prop) == {}


def test_three_with_an_on_time_one_between_are_not_flagged(prop, file_due):
    """Late, on time, late, late: three late ones, not in a row."""
    file_due(feb(3), LATE)
    file_due(feb(5), ON_TIME)
    file_due(feb(7), LATE)
    file_due(feb(9), LATE)
    assert streaks(prop) == {}


def test_a_longer_run_is_one_run(prop, engineering, file_due):
    """Five late in a row, then an on-time one, then three late: two runs, the first
    with all five complaints."""
    run1 = [file_due(feb(day), LATE) for day in (2, 3, 4, 5, 6)]
    file_due(feb(7), ON_TIME)
    run2 = [file_due(feb(day), LATE) for day in (8, 9, 10)]
    assert streaks(prop) == {
        engineering.pk: [[c.pk for c in run1], [c.pk for c in run2]],
    }


def test_order_is_the_due_moment_not_the_filing_order(prop, engineering, file_due):
    """Filed late, on time, late, late, but due late, late, late, on time: flagged."""
    a = file_due(feb(3), LATE)
    on_time = file_due(feb(20), ON_TIME)
    b = file_due(feb(5), LATE)
    c = file_due(feb(4), LATE)
    assert on_time.pk > a.pk
    assert streaks(prop) == {engineering.pk: [[a.pk, c.pk, b.pk]]}


def test_only_complaints_closed_in_the_month_count(prop, file_due):
    """A late complaint closed at 23:30 on 31 January (local time) belongs to January, one
    closed at 00:00 on 1 March to March, even though both were due in February: the two
    late ones of February are not three."""
    file_due(feb(9), LATE, closed=at(1, 31, 23, 30))
    file_due(feb(10), LATE)
    file_due(feb(12), LATE)
    file_due(feb(13), LATE, closed=at(3, 1, 0, 0))
    assert streaks(prop) == {}


def test_a_complaint_due_in_another_month_counts_in_its_closing_month(prop, engineering, file_due):
    """Due (late) on 31 January but closed on 2 February, a complaint is February's: with
    two more late ones of February it makes three in a row, in deadline order."""
    january = file_due(at(1, 31, 18), LATE, closed=feb(2))
    second = file_due(feb(10), LATE)
    third = file_due(feb(12), LATE)
    assert streaks(prop) == {engineering.pk: [[january.pk, second.pk, third.pk]]}


def test_the_sequence_is_per_team(prop, environment, file_due):
    """Engineering late, Environment late, Engineering late, Environment late: neither
    team has three of its own in a row."""
    from factories import HandlerFactory

    cleaner = HandlerFactory(team=environment)
    file_due(feb(3), LATE)
    file_due(feb(4), LATE, team=environment, handler_=cleaner)
    file_due(feb(5), LATE)
    file_due(feb(6), LATE, team=environment, handler_=cleaner)
    assert streaks(prop) == {}
