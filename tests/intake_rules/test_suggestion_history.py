"""Suggestions from the place's recent complaints (issue 17): where the keywords are silent
or tie, the category the unit's (else the building's) complaints of the repeat window
name most is suggested, and the reason says so."""

from datetime import timedelta

import pytest
from factories import ComplaintFactory, ResidentFactory, UnitFactory

from complaints import services
from complaints.models import Category, IntakeSuggestion, Level
from complaints.repeats import REPEAT_WINDOW
from complaints.suggestions import intake_preview, suggestion_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def codes(db):
    return {
        c.code: c for c in Category.objects.filter(code__in=["leak", "elevator", "water-power"])
    }


def filed(resident, category, *, description="报修"):
    return ComplaintFactory(resident=resident, description=description, category=category)


def test_silent_keywords_take_the_units_recent_category(now, resident, unit, engineering, codes):
    """No keyword in "又坏了，还是不行": the unit's two leak complaints of the month make the
    suggestion, with the reason naming them."""
    filed(resident, codes["leak"])
    filed(resident, codes["leak"])
    filed(resident, codes["elevator"])

    suggestion = suggestion_for(
        "又坏了，还是不行", property_id=unit.building.property_id, unit_id=unit.pk
    )

    assert suggestion.category == codes["leak"]
    assert (suggestion.level, suggestion.team, suggestion.keywords) == (Level.II, engineering, ())
    assert suggestion.reason == "same unit: 2 complaints about Leaks & pipes in 30 days"


def test_a_tie_is_broken_by_the_units_recent_category(now, resident, unit, codes):
    """ "电梯停电" names the elevator and the power supply once each; the code would pick the
    elevator, the unit's two power complaints pick the power supply."""
    text = "电梯停电"
    place = {"property_id": unit.building.property_id, "unit_id": unit.pk}
    assert suggestion_for(text, **place).category == codes["elevator"]

    filed(resident, codes["water-power"])
    filed(resident, codes["water-power"])
    suggestion = suggestion_for(text, **place)

    assert suggestion.category == codes["water-power"]
    assert suggestion.reason == (
        f"matched 停电 → {codes['water-power']}; same unit: 2 complaints about "
        f"{codes['water-power'].name} in 30 days"
    )


def test_clear_keywords_are_not_overruled_by_history(now, resident, unit, codes):
    """Two leak keywords against the unit's elevator complaints: the keywords decide, and
    the reason is theirs alone."""
    filed(resident, codes["elevator"])
    filed(resident, codes["elevator"])

    suggestion = suggestion_for("水管漏水", property_id=unit.building.property_id, unit_id=unit.pk)

    assert suggestion.category == codes["leak"]
    assert suggestion.reason.startswith("matched 水管、漏水")
    assert "same unit" not in suggestion.reason


def test_the_building_speaks_when_the_unit_has_nothing(now, resident, unit, building, codes):
    """A unit without recent complaints: those of its building (other units, common
    areas) decide, named as the building's."""
    neighbour = ResidentFactory(unit=UnitFactory(building=building))
    filed(neighbour, codes["water-power"])
    filed(neighbour, codes["water-power"])
    filed(neighbour, codes["leak"])

    suggestion = suggestion_for(
        "还是老问题",
        property_id=building.property_id,
        unit_id=unit.pk,
        building_id=building.pk,
    )

    assert suggestion.category == codes["water-power"]
    assert suggestion.reason == (
        f"same building: 2 complaints about {codes['water-power'].name} in 30 days"
    )


def test_only_the_repeat_window_counts(time_machine, now, resident, unit, codes):
    """A complaint older than the repeat window (30 days), or withdrawn, says nothing."""
    time_machine.move_to(now - REPEAT_WINDOW - timedelta(hours=1), tick=False)
    filed(resident, codes["leak"])
    time_machine.move_to(now, tick=False)
    withdrawn = filed(resident, codes["elevator"])
    services.complaint_withdraw(complaint_id=withdrawn.pk, actor=resident.user, reason="")

    assert (
        suggestion_for("还是不行", property_id=unit.building.property_id, unit_id=unit.pk) is None
    )


def test_another_units_history_is_not_the_units(
    now, resident, unit, building, other_building, codes
):
    """Another building's complaints are not this place's: no suggestion."""
    elsewhere = ResidentFactory(unit=UnitFactory(building=other_building))
    filed(elsewhere, codes["leak"])

    assert (
        suggestion_for(
            "还是不行",
            property_id=building.property_id,
            unit_id=unit.pk,
            building_id=building.pk,
        )
        is None
    )


def test_filing_stores_the_history_suggestion(now, resident, unit, codes):
    """What the live preview shows is what filing stores: the history's suggestion with
    its reason, counting only the complaints filed before this one."""
    filed(resident, codes["leak"])
    preview = intake_preview(
        description="又坏了",
        property_id=unit.building.property_id,
        unit_id=unit.pk,
        building_id=unit.building_id,
    )

    complaint = ComplaintFactory(resident=resident, description="又坏了")

    stored = IntakeSuggestion.objects.get(complaint=complaint)
    assert (stored.category, stored.reason) == (
        preview.suggestion.category,
        "same unit: 1 complaint about Leaks & pipes in 30 days",
    )
