"""Privacy fixtures: residents whose phones mask recognisably, one of another property,
and a closed, rated complaint."""

import pytest
from factories import ComplaintFactory, ResidentFactory, UnitFactory
from privacy_helpers import NEIGHBOUR_PHONE, PHONE

from complaints import services
from complaints.models import State


@pytest.fixture
def resident(unit):
    """Zhang Wei of unit 1201, Building 3, Lakeside Garden: 13812341234."""
    return ResidentFactory(user__username="resident", name="Zhang Wei", unit=unit, phone=PHONE)


@pytest.fixture
def resident2(building):
    """Wu Fang, a neighbour in the same building: 13955556666."""
    return ResidentFactory(
        user__username="neighbour",
        name="Wu Fang",
        unit=UnitFactory(building=building, entrance="2", floor=11, number="1101"),
        phone=NEIGHBOUR_PHONE,
    )


@pytest.fixture
def foreign_resident(other_building):
    """A resident of Riverside Plaza, outside Lakeside Garden's staff's scope."""
    return ResidentFactory(
        user__username="riverside",
        name="Lin Tao",
        unit=UnitFactory(building=other_building, number="901"),
        phone="13700001111",
    )


@pytest.fixture
def rated(now, walk, resident):
    """`rated(scores=(90, 80, 70))`: a complaint of the resident, closed by them and rated."""

    def _rated(scores=(90, 80, 70), **kwargs):
        complaint = walk(State.CLOSED, complaint=ComplaintFactory(resident=resident, **kwargs))
        solved, speed, attitude = scores
        services.survey_submit(
            complaint_id=complaint.pk,
            actor=resident.user,
            solved=solved,
            speed=speed,
            attitude=attitude,
            comment="Quick and friendly.",
        )
        complaint.refresh_from_db()
        return complaint

    return _rated
