"""A resident downloads their own data from the portal (PIPL): one JSON file with their
record, units, complaints with timeline and surveys, and notifications — nobody else's.
Anonymous visitors are sent to the login, staff are not served."""

import json

import pytest
from django.urls import reverse
from factories import ComplaintFactory
from privacy_helpers import NEIGHBOUR_PHONE, PHONE

from complaints.models import Notification

pytestmark = pytest.mark.django_db


def my_data_url() -> str:
    return reverse("portal:my_data")


def download(client) -> dict:
    response = client.get(my_data_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        'attachment; filename="propertydesk-my-data-2025-03-10.json"'
    )
    return json.loads(response.content)


@pytest.fixture
def both(now, rated, resident, resident2):
    """The resident's rated complaint, and the neighbour's complaint with a notification."""
    mine = rated((90, 80, 70))
    theirs = ComplaintFactory(resident=resident2, description="Neighbour's broken window")
    Notification.objects.create(
        recipient=resident2.user,
        kind="test",
        event_key="neighbour-only",
        complaint=theirs,
        created_at=now,
    )
    return mine, theirs


def test_resident_downloads_their_own_data(client, both, resident, unit):
    """Resident A gets their name and phone, their unit, their complaint with its timeline
    and survey, and their notifications."""
    mine, _theirs = both
    client.force_login(resident.user)

    data = download(client)

    assert data["resident"]["name"] == "Zhang Wei"
    assert data["resident"]["phone"] == PHONE
    assert data["resident"]["username"] == "resident"
    assert data["units"] == [
        {
            "property": "Lakeside Garden",
            "building": "Building 3",
            "entrance": "2",
            "floor": 12,
            "number": "1201",
            "relation": "Owner",
        }
    ]
    (complaint,) = data["complaints"]
    assert complaint["reference"] == mine.reference
    assert complaint["contact_phone"] == PHONE
    titles = [entry["title"] for entry in complaint["timeline"]]
    assert titles[0] == "Submitted"
    assert "You confirmed the fix" in titles
    (survey,) = complaint["surveys"]
    assert (survey["problem_solved"], survey["response_speed"], survey["attitude"]) == (90, 80, 70)
    assert survey["comment"] == "Quick and friendly."
    own_notifications = Notification.objects.filter(recipient=resident.user).count()
    assert len(data["notifications"]) == own_notifications


def test_nothing_of_the_neighbour_is_in_it(client, both, resident):
    """Resident B's complaint, phone and notifications are not in resident A's file."""
    _mine, theirs = both
    client.force_login(resident.user)

    text = client.get(my_data_url()).content.decode()

    assert theirs.reference not in text
    assert "Neighbour's broken window" not in text
    assert NEIGHBOUR_PHONE not in text
    assert "Wu Fang" not in text
    assert "neighbour-only" not in text


def test_the_neighbour_gets_only_theirs(client, both, resident2):
    mine, theirs = both
    client.force_login(resident2.user)

    data = download(client)

    assert [item["reference"] for item in data["complaints"]] == [theirs.reference]
    assert PHONE not in json.dumps(data)
    assert mine.reference not in json.dumps(data)


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(my_data_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("role", ["agent", "project_manager"])
def test_staff_are_not_served(request, client, both, role):
    """Staff are sent to the admin; no resident's data is in the answer."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(my_data_url())

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert PHONE not in response.content.decode()


def test_the_list_page_links_the_download(client, resident):
    client.force_login(resident.user)

    page = client.get(reverse("portal:complaint_list")).content.decode()

    assert f'href="{my_data_url()}"' in page
    assert "Download my data" in page
