"""Portal fixtures: logged-in clients and the form data of a valid complaint.

The root conftest activates English, so `reverse()` gives the /en/ portal URLs and the
pages answer in English whichever translations are compiled."""

from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.test import Client
from factories import ResidentFactory, UnitFactory


def english_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def resident_client(resident) -> Client:
    return english_client(resident.user)


@pytest.fixture
def neighbour_client(resident2) -> Client:
    return english_client(resident2.user)


@pytest.fixture
def anonymous_client(db) -> Client:
    return english_client()


@pytest.fixture
def outsider_resident(other_building):
    """A resident of another property."""
    return ResidentFactory(
        user__username="outsider-resident",
        name="Lin Tao",
        unit=UnitFactory(building=other_building, entrance="1", floor=5, number="501"),
    )


@pytest.fixture
def complaint_form(unit):
    """`complaint_form(**changes)`: POST data of a valid complaint about the resident's unit."""

    def _data(**changes) -> dict:
        data = {
            "place": f"unit:{unit.pk}",
            "category": "",
            "description": "The kitchen tap drips all night.",
            "location_text": "Kitchen",
            "preferred_contact_time": "After 18:00",
        }
        data.update(changes)
        return data

    return _data


PORTAL_CATALOGUE = (
    Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
)


@pytest.fixture
def portal_catalogue(settings, tmp_path) -> Path | None:
    """The portal's Simplified Chinese catalogue compiled with Babel (no GNU gettext
    needed) and first on LOCALE_PATHS; once it is merged into the project's catalogue
    and removed, the project's own serves."""
    if not PORTAL_CATALOGUE.exists():
        return None
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with PORTAL_CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    with (target / "django.mo").open("wb") as output:
        write_mo(output, catalogue)
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    return target
