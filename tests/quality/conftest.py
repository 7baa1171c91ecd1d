"""Service quality fixtures: reply scripts and complaints closed in a month for a team."""

from datetime import timedelta

import pytest
from factories import ComplaintFactory, ResidentFactory, UnitFactory

from complaints.models import ReplyScript

SCRIPT_ZH = (
    "{resident}您好，非常抱歉给您带来不便。我们已安排{team}处理（{reference}），"
    "将于{promised_time}前完成。"
)
SCRIPT_EN = (
    "Dear {resident}, we are very sorry for the trouble. {team} is on it ({reference}) "
    "and will finish by {promised_time}."
)


@pytest.fixture
def make_script(category):
    def _make(**fields) -> ReplyScript:
        values = {
            "title": "Sorry, we are on it",
            "situation": ReplyScript.Situation.DISPATCHED,
            "category": category,
            "text_zh_hans": SCRIPT_ZH,
            "text_en": SCRIPT_EN,
        }
        values.update(fields)
        return ReplyScript.objects.create(**values)

    return _make


@pytest.fixture
def script(make_script):
    """A company-wide script for the complaints' category."""
    return make_script()


@pytest.fixture
def dispatched(walk, now):
    """A complaint of the resident, dispatched to engineering (it has its deadlines)."""
    return walk("dispatched")


@pytest.fixture
def closed_for(resident, agent, handler, engineering, category, time_machine):
    """`closed_for(team, count, at=...)`: `count` complaints closed by their residents
    at `at` (the clock moved there), dispatched to `team`."""
    from factories import complaint_walk

    def _closed(team, count, *, at, team_handler=None):
        made = []
        time_machine.move_to(at, tick=False)
        for index in range(count):
            owner = ResidentFactory(unit=UnitFactory(building=resident.units.first().building))
            complaint = ComplaintFactory(resident=owner, description=f"Broken lamp {index}")
            made.append(
                complaint_walk(
                    complaint,
                    "closed",
                    agent=agent,
                    handler=team_handler or handler,
                    team=team,
                    category=category,
                )
            )
            time_machine.move_to(at + timedelta(minutes=index + 1), tick=False)
        return made

    return _closed
