"""Site board fixtures: a board link of the property made through the service (so the
test knows its token), and a way to file a complaint by a new resident of the property
at a given moment. The rate counter lives in the cache, which every test starts empty
(tests/conftest.py)."""

from datetime import timedelta

import pytest
from factories import ComplaintFactory, ResidentFactory, UnitFactory

from complaints.models import BoardToken
from complaints.services.intake_rules import board_token_create


@pytest.fixture
def board(project_manager, prop):
    """(board link, token) of the property's service desk TV."""
    link = BoardToken(property=prop, name="Service desk TV")
    token = board_token_create(actor=project_manager, board=link)
    return link, token


@pytest.fixture
def file(building, time_machine, now):
    """`file(description, minutes_ago=0)`: a new resident of Building 3 files it then."""

    def _file(description: str, *, minutes_ago: int = 0, at=None):
        moment = at or now - timedelta(minutes=minutes_ago)
        time_machine.move_to(moment, tick=False)
        resident = ResidentFactory(unit=UnitFactory(building=building))
        complaint = ComplaintFactory(resident=resident, description=description)
        time_machine.move_to(now, tick=False)
        return complaint

    return _file
