"""The categories of SPEC §3 are seeded by a data migration."""

import pytest
from django.utils import translation

from complaints.models import Category, Level
from staff.models import Team

pytestmark = pytest.mark.django_db

TOP_LEVEL = {
    "facilities": Team.Kind.ENGINEERING,
    "environment": Team.Kind.ENVIRONMENT,
    "security": Team.Kind.SECURITY,
    "neighbour-dispute": Team.Kind.MANAGEMENT,
    "fees": Team.Kind.CUSTOMER_SERVICE,
    "service-attitude": Team.Kind.CUSTOMER_SERVICE,
    "suggestion": Team.Kind.CUSTOMER_SERVICE,
}


def test_top_level_categories_and_their_default_teams():
    """The seven top-level categories exist with their default team."""
    seeded = dict(Category.objects.filter(parent=None).values_list("code", "default_team_kind"))
    assert seeded == TOP_LEVEL


def test_facility_and_environment_work_needs_photos():
    """Facilities and environment sub-categories ask for after photos (完工确认);
    parking and fees do not."""
    needs = dict(Category.objects.values_list("code", "needs_photos"))
    for code in ["elevator", "water-power", "lighting", "leak", "fire-safety", "cleaning"]:
        assert needs[code] is True, code
    for code in ["parking", "outsiders", "fees", "suggestion"]:
        assert needs[code] is False, code


def test_default_levels():
    """Fire safety and safety hazards are level I, suggestions level III, the rest II."""
    levels = dict(Category.objects.values_list("code", "default_level"))
    assert levels["fire-safety"] == levels["safety-hazard"] == Level.I
    assert levels["suggestion"] == Level.III
    assert levels["elevator"] == Level.II


def test_names_follow_the_language():
    """A category shows its English name in English and its Chinese name otherwise."""
    elevator = Category.objects.get(code="elevator")
    with translation.override("en"):
        assert str(elevator) == "Facilities & equipment / Elevator"
    with translation.override("zh-hans"):
        assert str(elevator) == "设施设备 / 电梯"
