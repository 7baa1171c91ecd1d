"""Every staff and report endpoint as every role: what each answers (SPEC §2: what a
role may not do is refused by the server), residents 403 and anonymous callers 401."""

import pytest
from django.urls import reverse
from staff_fixtures import action_url, api, detail_url, in_state, list_url, resident

from complaints.models import Complaint, State

pytestmark = pytest.mark.django_db

__all__ = ["api", "in_state", "resident"]

ROLES = ["agent", "handler", "team_leader", "project_manager", "supervisor", "resident", None]

EXPECTED = {
    # role:            list, detail, accept, intake, reports, snapshots
    "agent": (200, 200, 200, 201, 403, 403),
    "handler": (200, 200, 404, 403, 403, 403),  # a new complaint is not the team's yet
    "team_leader": (200, 200, 200, 403, 403, 403),
    "project_manager": (200, 200, 200, 201, 200, 200),
    "supervisor": (200, 200, 403, 403, 200, 200),
    "resident": (403, 403, 403, 403, 403, 403),
    None: (401, 401, 401, 401, 401, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_answers_each_role_as_the_spec_says(request, api, in_state, building, role):
    user = None
    if role == "resident":
        user = request.getfixturevalue("resident").user
    elif role is not None:
        user = request.getfixturevalue(role)
    client = api(user)
    dispatched = in_state(State.DISPATCHED)
    new = in_state(State.NEW)
    intake = {"channel": "phone", "building": building.pk, "description": "Lamp broken"}

    answers = (
        client.get(list_url()).status_code,
        client.get(detail_url(dispatched)).status_code,
        client.post(action_url(new, "accept"), {}, format="json").status_code,
        client.post(list_url(), intake, format="json").status_code,
        client.get(reverse("api:report-red-black")).status_code,
        client.get(reverse("api:report-snapshot-list")).status_code,
    )

    assert answers == EXPECTED[role]
    new.refresh_from_db()
    assert (new.state == State.ACCEPTED) == (EXPECTED[role][2] == 200)
    filed = Complaint.objects.filter(description="Lamp broken").exists()
    assert filed == (EXPECTED[role][3] == 201)
