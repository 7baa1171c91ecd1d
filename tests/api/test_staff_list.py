"""The staff list GET /api/v1/complaints/: who may use it, which rows each role gets
(exactly the admin changelist's), what a row shows (masked phone, full names) and that
a knox token works like the session."""

import pytest
from factories import ComplaintFactory
from knox.models import AuthToken
from rest_framework.test import APIClient
from staff_fixtures import (
    MASKED,
    PHONE,
    api,
    env_handler,
    foreign_complaint,
    ids,
    in_state,
    list_url,
    resident,
)

from complaints import services
from complaints.models import State
from complaints.selectors import complaint_list_visible_to

pytestmark = pytest.mark.django_db

__all__ = ["api", "env_handler", "foreign_complaint", "in_state", "resident"]


def every_id(client) -> list[int]:
    return ids(client.get(list_url(), {"page_size": 200}))


@pytest.fixture
def spread(in_state, foreign_complaint, agent, environment):
    """Complaints of Lakeside Garden in several states, one dispatched to environment,
    and one of Riverside Plaza."""
    complaints = [in_state(state) for state in (State.NEW, State.CLASSIFIED, State.DISPATCHED)]
    to_environment = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=to_environment.pk, actor=agent, team=environment)
    return {"ours": complaints, "environment": to_environment, "foreign": foreign_complaint}


def test_anonymous_is_told_to_authenticate(api, spread):
    """No session and no token: 401 with the token scheme, in the error body's shape."""
    response = api(None).get(list_url())

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_resident_is_refused_the_staff_list(api, spread, resident):
    """Residents use their own endpoints: the staff list is 403 for them, although
    complaint_list_visible_to would give them their own complaints."""
    assert complaint_list_visible_to(resident.user).exists()

    response = api(resident.user).get(list_url())

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


@pytest.mark.parametrize(
    "role", ["agent", "handler", "env_handler", "team_leader", "project_manager", "supervisor"]
)
def test_each_role_gets_exactly_the_rows_the_visibility_rule_gives(request, api, spread, role):
    """Every staff role lists exactly complaint_list_visible_to(user), newest first:
    handlers their team's and their own, the others their properties', never Riverside."""
    user = request.getfixturevalue(role)
    expected = list(
        complaint_list_visible_to(user).order_by("-created_at", "-id").values_list("pk", flat=True)
    )

    listed = every_id(api(user))

    assert listed == expected
    assert spread["foreign"].pk not in listed
    if role == "handler":
        assert spread["environment"].pk not in listed
        assert set(listed) == {c.pk for c in spread["ours"] if c.state == State.DISPATCHED}
    elif role == "env_handler":
        assert listed == [spread["environment"].pk]
    else:
        assert set(listed) == {c.pk for c in spread["ours"]} | {spread["environment"].pk}


def test_the_other_propertys_agent_sees_only_theirs(api, spread, other_agent):
    assert every_id(api(other_agent)) == [spread["foreign"].pk]


def test_a_row_shows_the_masked_phone_and_full_names(api, in_state, agent, handler):
    """The phone is masked for everyone (even an agent, who may reveal it elsewhere);
    owner and assignee appear by full name, state and level by their labels."""
    complaint = in_state(State.DISPATCHED)

    response = api(agent).get(list_url())

    assert PHONE not in response.content.decode()
    (row,) = response.json()["results"]
    assert row["id"] == complaint.pk
    assert row["reference"] == complaint.reference
    assert row["contact_phone"] == MASKED
    assert row["owner"] == {"id": agent.pk, "name": "Na Li"}
    assert row["assignee"] == {"id": handler.pk, "name": "Gang Chen"}
    assert row["team"]["name"] == "Engineering"
    assert row["state"] == "dispatched" and row["state_display"] == "Dispatched"
    assert row["level_display"] == "Level II · general"
    assert row["channel"] == "web" and row["channel_display"] == "Resident web form"
    assert row["location"] == complaint.location_display
    assert row["due_at"] is not None
    assert row["sla"]["status"] in ("ok", "warning", "breached")


def test_rows_come_in_the_callers_language(api, in_state, agent):
    in_state(State.DISPATCHED)

    (row,) = api(agent, "zh-hans").get(list_url()).json()["results"]

    assert row["state_display"] == "已派单"
    assert row["level_display"] == "II 级 · 一般"
    assert row["channel_display"] == "住户网页提交"
    (row,) = api(agent, "en").get(list_url()).json()["results"]
    assert row["state_display"] == "Dispatched"


def test_a_complaint_without_a_level_has_no_level_label(api, in_state, agent):
    in_state(State.NEW)

    (row,) = api(agent).get(list_url()).json()["results"]

    assert row["level"] is None and row["level_display"] is None
    assert row["state_display"] == "New"


def test_a_knox_token_authenticates_like_the_session(spread, agent):
    """An app sends `Authorization: Token …` (django-rest-knox): the same rows; a wrong
    token is 401."""
    _instance, token = AuthToken.objects.create(agent)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert set(ids(client.get(list_url()))) == set(
        complaint_list_visible_to(agent).values_list("pk", flat=True)
    )
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(list_url()).status_code == 401


def test_an_inactive_staff_member_is_refused(api, spread, agent):
    client = api(agent)
    agent.is_active = False
    agent.save()

    assert client.get(list_url()).status_code == 401


def test_complaints_filed_by_staff_without_a_resident_show_no_phone(api, agent, prop, now):
    ComplaintFactory(
        actor=agent, resident=None, property=prop, channel="phone", description="Lamp broken"
    )

    (row,) = api(agent).get(list_url()).json()["results"]

    assert row["contact_phone"] == ""
