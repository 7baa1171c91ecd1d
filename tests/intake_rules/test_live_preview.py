"""The filing forms' live preview (issue 17): one JSON endpoint per audience, answering
what filing the text would make of it (suspected emergency, suggested category; for staff
also level and team), for places the asker may file about, POSTed with the CSRF token and
limited per person."""

import pytest
from django.test import Client
from django.urls import reverse
from factories import ResidentFactory, UnitFactory
from rest_framework.test import APIClient

from complaints.models import Category, Complaint, IntakeSuggestion, Level

pytestmark = pytest.mark.django_db


def portal_url() -> str:
    return reverse("portal:complaint_preview")


def admin_url() -> str:
    return reverse("admin:complaints_complaint_intake_preview")


def api_url() -> str:
    return reverse("api:staff-complaint-intake-preview")


@pytest.fixture
def leak(db):
    return Category.objects.get(code="leak")


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident.user)
    return client


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


# -- the resident portal ---------------------------------------------------------------------


def test_resident_sees_the_suggested_kind_and_its_reason(resident_client, unit, leak):
    answer = resident_client.post(
        portal_url(), {"place": f"unit:{unit.pk}", "description": "卫生间漏水", "location_text": ""}
    )

    assert answer.status_code == 200
    assert answer["Cache-Control"].startswith("max-age=0")
    assert answer.json() == {
        "emergency": None,
        "suggestion": {
            "category": leak.pk,
            "category_name": "Facilities & equipment / Leaks & pipes",
            "reason": "matched 漏水 → Facilities & equipment / Leaks & pipes",
        },
    }
    # Nothing is filed by asking.
    assert not Complaint.objects.exists()


def test_resident_is_told_of_a_suspected_emergency(resident_client, unit):
    answer = resident_client.post(
        portal_url(), {"place": f"unit:{unit.pk}", "description": "电梯困人了，快来"}
    ).json()

    assert answer["emergency"]["phrase"] == "困人"
    assert answer["emergency"]["message"].startswith("This sounds like an emergency (困人)")
    # Residents are shown the kind only: level and team are the staff's.
    assert "level" not in answer["suggestion"]
    assert "team" not in answer["suggestion"]


def test_resident_may_not_ask_about_a_neighbours_unit(resident_client, building):
    neighbour_unit = UnitFactory(building=building)
    ResidentFactory(unit=neighbour_unit)

    answer = resident_client.post(
        portal_url(), {"place": f"unit:{neighbour_unit.pk}", "description": "漏水"}
    )

    assert answer.status_code == 400
    assert "place" in answer.json()["errors"]


def test_resident_may_not_ask_about_another_property(resident_client, other_building):
    answer = resident_client.post(
        portal_url(), {"place": f"building:{other_building.pk}", "description": "漏水"}
    )

    assert answer.status_code == 400


def test_portal_preview_refuses_anonymous_staff_and_get(client, agent, unit):
    body = {"place": f"unit:{unit.pk}", "description": "漏水"}

    anonymous = client.post(portal_url(), body)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("portal:login"))

    client.force_login(agent)
    assert client.post(portal_url(), body)["Location"] == reverse("admin:index")


def test_portal_preview_is_post_only(resident_client, unit):
    answer = resident_client.get(portal_url(), {"place": f"unit:{unit.pk}", "description": "漏水"})
    assert answer.status_code == 405


def test_portal_preview_needs_the_csrf_token(resident, unit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident.user)

    refused = client.post(portal_url(), {"place": f"unit:{unit.pk}", "description": "漏水"})
    assert refused.status_code == 403

    page = client.get(reverse("portal:complaint_new"))
    token = page.cookies["csrftoken"].value
    allowed = client.post(
        portal_url(),
        {"place": f"unit:{unit.pk}", "description": "漏水", "csrfmiddlewaretoken": token},
    )
    assert allowed.status_code == 200


def test_portal_preview_is_rate_limited_per_resident(settings, resident_client, unit):
    settings.INTAKE_PREVIEW_RATE = "3/min"
    body = {"place": f"unit:{unit.pk}", "description": "漏水"}

    answers = [resident_client.post(portal_url(), body) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_filing_page_loads_the_preview_script_and_works_without_it(resident_client, unit):
    """The page names the endpoint and loads a static script (no inline script under the
    CSP); a plain POST of the form still files the complaint with its suggestion."""
    page = resident_client.get(reverse("portal:complaint_new")).content.decode()
    assert f'data-preview-url="{portal_url()}"' in page
    assert "propertydesk/intake-preview.js" in page
    assert "<script>" not in page

    answer = resident_client.post(
        reverse("portal:complaint_new"),
        {"place": f"unit:{unit.pk}", "description": "卫生间漏水", "category": ""},
    )
    assert answer.status_code == 302
    assert IntakeSuggestion.objects.get().category.code == "leak"


# -- the admin intake page -------------------------------------------------------------------


def test_agent_sees_category_level_team_and_the_emergency(agent_client, unit, engineering):
    elevator = Category.objects.get(code="elevator")

    answer = agent_client.post(admin_url(), {"unit": unit.pk, "description": "3号电梯困人"})

    assert answer.status_code == 200
    assert answer.json() == {
        "emergency": {"phrase": "困人", "message": "This sounds like an emergency: 困人"},
        "suggestion": {
            "category": elevator.pk,
            "category_name": str(elevator),
            "reason": f"matched 电梯 → {elevator}",
            "level": Level.I,
            "level_name": Level.I.label,
            "team": engineering.pk,
            "team_name": engineering.name,
        },
    }


def test_agent_may_not_ask_about_another_property(agent_client, other_building):
    other_unit = UnitFactory(building=other_building)

    by_unit = agent_client.post(admin_url(), {"unit": other_unit.pk, "description": "漏水"})
    by_building = agent_client.post(
        admin_url(), {"building": other_building.pk, "description": "漏水"}
    )

    assert by_unit.status_code == by_building.status_code == 400
    assert "unit" in by_unit.json()["errors"]
    assert "building" in by_building.json()["errors"]


def test_a_place_is_needed(agent_client):
    answer = agent_client.post(admin_url(), {"description": "漏水"})
    assert answer.status_code == 400


def test_staff_without_intake_permission_are_refused(client, handler, unit):
    client.force_login(handler)
    assert client.post(admin_url(), {"unit": unit.pk, "description": "漏水"}).status_code == 403


def test_admin_preview_refuses_anonymous_and_residents(client, resident, unit):
    body = {"unit": unit.pk, "description": "漏水"}
    login = reverse("admin:login")

    assert client.post(admin_url(), body)["Location"].startswith(login)
    client.force_login(resident.user)
    assert client.post(admin_url(), body)["Location"].startswith(login)


def test_admin_preview_needs_the_csrf_token(agent, unit):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)

    assert client.post(admin_url(), {"unit": unit.pk, "description": "漏水"}).status_code == 403


def test_intake_page_names_the_preview_and_preselects_category_and_level(agent_client):
    page = agent_client.get(reverse("admin:complaints_complaint_add")).content.decode()

    assert f'data-preview-url="{admin_url()}"' in page
    assert 'data-preselect="category level"' in page
    assert "propertydesk/intake-preview.js" in page
    assert 'id="pd-intake-preview"' in page


# -- the staff api_url() ---------------------------------------------------------------------------


def test_api_preview_answers_as_the_admin_page(agent, unit, engineering, leak):
    api = APIClient()
    api.force_authenticate(agent)

    answer = api.post(api_url(), {"unit": unit.pk, "description": "水管漏水"}, format="json")

    assert answer.status_code == 200
    assert answer.json()["suggestion"]["category"] == leak.pk
    assert answer.json()["suggestion"]["team"] == engineering.pk
    assert answer.json()["suggestion"]["level"] == Level.II
    assert not Complaint.objects.exists()


def test_api_preview_refusals(agent, handler, resident, unit, other_building):
    api = APIClient()
    body = {"unit": unit.pk, "description": "漏水"}
    assert api.post(api_url(), body, format="json").status_code == 401

    api.force_authenticate(resident.user)
    assert api.post(api_url(), body, format="json").status_code == 403

    api.force_authenticate(handler)
    assert api.post(api_url(), body, format="json").status_code == 403

    api.force_authenticate(agent)
    outside = {"building": other_building.pk, "description": "漏水"}
    answer = api.post(api_url(), outside, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert "building" in answer.json()["errors"]


def test_admin_preview_refuses_a_whole_document(agent_client, unit):
    answer = agent_client.post(admin_url(), {"unit": unit.pk, "description": "漏水" * 2001})
    assert answer.status_code == 400
    assert "description" in answer.json()["errors"]
