"""The red/black list's inspection column, in a hand-built February: three teams with
equal scores (no breach, no survey, nothing reopened), ranked by complaints closed —
unless one failed a quality inspection scored in February, which puts it below every
team without one (the rule printed with the list)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from factories import HandlerFactory, TeamFactory

from complaints import services
from complaints.models import Inspection
from complaints.reports import RULES, red_black_compute
from complaints.reports.tables import red_black_tables
from complaints.reports.wording import rules_text
from staff.models import Team

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
JANUARY, FEBRUARY = datetime(2025, 1, 1).date(), datetime(2025, 2, 1).date()


def at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def security(prop):
    return TeamFactory(property=prop, name="Security", kind=Team.Kind.SECURITY)


@pytest.fixture
def teams(closed_for, engineering, environment, security, team_leader):
    """January: one closed complaint per team, each drawn for inspection on 1 February.
    February: engineering closes 3, environment 2, security 4."""
    handlers = {
        engineering: None,
        environment: HandlerFactory(team=environment),
        security: HandlerFactory(team=security),
    }
    for team, handler in handlers.items():
        closed_for(team, 1, at=at(1, 10), team_handler=handler)
    services.inspections_draw(month=JANUARY, now=at(2, 1))
    for team, count in ((engineering, 3), (environment, 2), (security, 4)):
        closed_for(team, count, at=at(2, 12), team_handler=handlers[team])
    return engineering, environment, security


def score(team, value, supervisor, time_machine):
    time_machine.move_to(at(2, 20), tick=False)
    inspection = Inspection.objects.get(team=team)
    services.inspection_score(
        inspection_id=inspection.pk,
        actor=supervisor,
        response_time=value,
        handling=value,
        communication=value,
        findings="Late call-back." if value < 80 else "",
    )


def ranking(prop) -> list[tuple]:
    data = red_black_compute(property_id=prop.pk, month=FEBRUARY)
    return [
        (entry["name"], entry["rank"], entry["mark"], entry["inspection_mean"])
        for entry in data["teams"]
        if entry["rank"] is not None
    ]


def test_without_a_failure_teams_rank_by_score_then_closed(prop, teams, supervisor, time_machine):
    _engineering, environment, security = teams
    score(environment, 90, supervisor, time_machine)
    score(security, 85, supervisor, time_machine)

    assert ranking(prop) == [
        ("Security", 1, "red", 85),
        ("Engineering", 2, "", None),
        ("Environment", 3, "black", 90),
    ]


def test_a_failed_inspection_ranks_the_team_below_every_team_without_one(
    prop, teams, supervisor, time_machine
):
    """Security closed the most and has the same score, but failed an inspection in
    February: it drops from red to black, below a team with no inspection at all."""
    _engineering, environment, security = teams
    score(environment, 90, supervisor, time_machine)
    score(security, 60, supervisor, time_machine)

    data = red_black_compute(property_id=prop.pk, month=FEBRUARY)

    assert ranking(prop) == [
        ("Engineering", 1, "red", None),
        ("Environment", 2, "", 90),
        ("Security", 3, "black", 60),
    ]
    assert {e["name"]: e["score"] for e in data["teams"] if e["rank"]} == {
        "Engineering": 100,
        "Environment": 100,
        "Security": 100,
    }
    security_row = next(row for row in red_black_tables(data)[1].rows if row[2] == "Security")
    assert security_row[1] == "Black · 1 failed inspection"
    assert security_row[-2] == 60.0
    assert "ranks below every team without one" in " ".join(rules_text("red_black", RULES))


def test_two_failed_teams_rank_among_themselves_as_usual(prop, teams, supervisor, time_machine):
    """Both below the team without a failure; between them, as ever (equal scores: more
    closed first), not by their inspection scores."""
    _engineering, environment, security = teams
    score(environment, 70, supervisor, time_machine)
    score(security, 40, supervisor, time_machine)

    assert [name for name, *_rest in ranking(prop)] == ["Engineering", "Security", "Environment"]


def test_an_inspection_scored_in_another_month_does_not_count(
    prop, teams, supervisor, time_machine
):
    security = teams[2]
    time_machine.move_to(at(3, 2), tick=False)
    inspection = Inspection.objects.get(team=security)
    services.inspection_score(
        inspection_id=inspection.pk,
        actor=supervisor,
        response_time=10,
        handling=10,
        communication=10,
        findings="Bad.",
    )

    assert ranking(prop)[0] == ("Security", 1, "red", None)
