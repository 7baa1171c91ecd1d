"""What the demo is made of before it is told: its logins, and the plan of its year."""

import random
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from complaints.demo.people import NEIGHBOURS, RESIDENTS, people_create
from complaints.demo.places import P1, P2, places_create
from complaints.demo.year import MONTHS, year_stories
from complaints.models import Category, State
from complaints.reports import month_add, month_of
from staff.models import Team
from staff.selectors import system_user

pytestmark = pytest.mark.django_db


def test_every_demo_login_has_the_password_given():
    """Staff, named residents and neighbours all log in with the one password the demo
    is given (`--password`); the system actor cannot log in."""
    people_create(
        places_create(), password_hash=make_password("another-demo-pass"), rng=random.Random(1)
    )

    for username in ("pm2", "supervisor", RESIDENTS[0].username, NEIGHBOURS[-1].username):
        assert authenticate(username=username, password="another-demo-pass") is not None
        assert authenticate(username=username, password="demo12345") is None
    assert not system_user().has_usable_password()


# The plan depends on the calendar month the demo is seeded in: every one is checked.
@pytest.mark.parametrize("now", [datetime(2026, m, 10, 9, 0) for m in range(1, 13)], ids=str)
def test_the_year_plan_has_teams_that_improve_and_slip(now):
    """The plan of the year is the same all month; every complaint in it is filed in one
    of the twelve months before this one (from the 2nd of the first) and ends finished;
    翠湖花园's environment team is rated better in the second half of the year than in
    the first and its security team worse, whatever month the demo is seeded in."""
    now = now.replace(tzinfo=timezone.get_default_timezone())
    team_kinds = dict(Category.objects.values_list("code", "default_team_kind"))

    stories = year_stories(now=now, team_kinds=team_kinds)

    assert stories == year_stories(now=now + timedelta(days=5), team_kinds=team_kinds)
    finished = {State.CLOSED, State.REVISITED, State.WITHDRAWN}
    assert {story.state for story in stories} <= finished
    months = [month_add(month_of(now), -back) for back in range(MONTHS, 0, -1)]
    assert {story.filed.replace(day=1) for story in stories} == set(months)
    assert min(story.filed for story in stories) >= months[0].replace(day=2)
    assert {story.property for story in stories} == {P1, P2}

    def rated(kind: str, chosen: list[date]) -> float:
        means = [
            sum(story.scores) / 3
            for story in stories
            if story.property == P1
            and story.scores
            and team_kinds[story.category] == kind
            and story.filed.replace(day=1) in chosen
        ]
        return sum(means) / len(means)

    early, late = months[: MONTHS // 2], months[MONTHS // 2 :]
    assert rated(Team.Kind.ENVIRONMENT, late) - rated(Team.Kind.ENVIRONMENT, early) >= 3
    assert rated(Team.Kind.SECURITY, early) - rated(Team.Kind.SECURITY, late) >= 3
