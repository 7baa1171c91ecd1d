"""GET /api/v1/complaints/{id}/: one complaint as its change page shows it: deadlines,
the actions this user may take now (the admin's buttons) and the readable history;
404 outside the caller's visibility, in the caller's language."""

import pytest
from factories import ComplaintFactory
from staff_fixtures import (
    MASKED,
    PHONE,
    api,
    detail_url,
    env_handler,
    foreign_complaint,
    in_state,
    resident,
)

from complaints import services
from complaints.admin.actions import available_actions
from complaints.models import Complaint, State

pytestmark = pytest.mark.django_db

__all__ = ["api", "env_handler", "foreign_complaint", "in_state", "resident"]


def test_the_detail_shows_the_complaint_its_deadlines_and_masked_phone(
    api, in_state, agent, handler
):
    complaint = in_state(State.DISPATCHED)

    response = api(agent).get(detail_url(complaint))

    assert response.status_code == 200
    assert PHONE not in response.content.decode()
    body = response.json()
    assert body["reference"] == complaint.reference
    assert body["description"] == complaint.description
    assert body["contact_phone"] == MASKED
    assert body["contact_name"] == "Zhang Wei"
    assert body["state_display"] == "Dispatched"
    assert body["owner"]["name"] == "Na Li" and body["assignee"]["name"] == "Gang Chen"
    assert body["resolve_due"] is not None
    assert body["resolve_due"].endswith("+08:00")  # Asia/Shanghai, like the pages
    labels = {row["deadline"]: row for row in body["deadlines"]}
    assert set(labels) == {"resolve"}  # the first response was met by dispatching
    assert labels["resolve"]["status"] == "ok"
    assert labels["resolve"]["label"] == "Resolved / replied"
    assert labels["resolve"]["text"].endswith("left")


def test_a_suspected_emergency_counts_to_its_provisional_first_response(api, agent, resident, now):
    complaint = ComplaintFactory(resident=resident, description="Two people trapped in the lift")

    body = api(agent).get(detail_url(complaint)).json()

    assert body["emergency_pending"] is True
    (deadline,) = body["deadlines"]
    assert deadline["deadline"] == "first_response" and deadline["provisional"] is True
    assert body["sla"]["status"] == "emergency"


@pytest.mark.parametrize(
    ("role", "state"),
    [
        ("agent", State.NEW),
        ("agent", State.CLASSIFIED),
        ("agent", State.CLOSED),
        ("agent2", State.CLASSIFIED),
        ("handler", State.DISPATCHED),
        ("team_leader", State.DISPATCHED),
        ("project_manager", State.ACCEPTED),
        ("project_manager", State.HANDLED),
        ("supervisor", State.DISPATCHED),
    ],
)
def test_the_actions_are_the_buttons_the_admin_offers(request, api, in_state, role, state):
    """The detail lists exactly the actions `available_actions` gives this user now,
    each with the URL to POST it to."""
    complaint = in_state(state)
    user = request.getfixturevalue(role)
    expected = [action.name for action in available_actions(complaint, user)]

    body = api(user).get(detail_url(complaint)).json()

    assert [action["name"] for action in body["actions"]] == expected
    for action in body["actions"]:
        assert action["url"].endswith(f"/api/v1/complaints/{complaint.pk}/{action['name']}/")
    if role == "supervisor":
        assert expected == []
    if role == "agent" and state == State.NEW:
        assert "accept" in expected


def test_the_history_reads_like_the_admins_history_page(api, in_state, agent):
    """Newest first: who (by name), when (local), which transition and state (by their
    labels), the reason, and what changed, with empty values as "—"."""
    complaint = in_state(State.DISPATCHED)
    services.complaint_set_level(
        complaint_id=complaint.pk, actor=agent, level=3, reason="Only a suggestion"
    )

    history = api(agent).get(detail_url(complaint)).json()["history"]

    assert [row["transition"] for row in history] == [
        "set_level",
        "dispatch",
        "classify",
        "accept",
        "create",
    ]
    newest = history[0]
    assert newest["user"] == "Na Li"
    assert newest["transition_display"] == "Change the level"
    assert newest["state_display"] == "Dispatched"
    assert newest["reason"] == "Only a suggestion"
    assert {"field": "Level", "old": "Level II · general", "new": "Level III · suggestion"} in (
        newest["changes"]
    )
    assert history[1]["team"].endswith("Engineering")
    assert history[-1]["changes"] == []
    assert history[-1]["owner"] == "—"
    assert "None" not in str(history)


def test_the_history_comes_in_chinese(api, in_state, agent):
    complaint = in_state(State.DISPATCHED)

    history = api(agent, "zh-hans").get(detail_url(complaint)).json()["history"]

    assert history[0]["state_display"] == "已派单"


def test_a_complaint_of_another_property_is_not_found(api, agent, foreign_complaint):
    response = api(agent).get(detail_url(foreign_complaint))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Complaint not found."}


def test_not_found_is_said_in_chinese(api, agent, foreign_complaint):
    response = api(agent, "zh-hans").get(detail_url(foreign_complaint))

    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该投诉。"


def test_a_handler_does_not_see_another_teams_complaint(api, in_state, handler, env_handler):
    complaint = in_state(State.DISPATCHED)

    assert api(handler).get(detail_url(complaint)).status_code == 200
    assert api(env_handler).get(detail_url(complaint)).status_code == 404


def test_a_missing_complaint_is_not_found(api, agent):
    assert api(agent).get(detail_url(Complaint(pk=999999))).status_code == 404


def test_residents_and_anonymous_are_refused(api, in_state, resident):
    complaint = in_state(State.NEW)

    assert api(resident.user).get(detail_url(complaint)).status_code == 403
    assert api(None).get(detail_url(complaint)).status_code == 401


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Confirmed by the resident"), ("zh-hans", "住户已确认")]
)
def test_reasons_the_system_wrote_read_in_the_callers_language(
    api, in_state, agent, resident, language, words
):
    """The resident's confirmation is stored as a code; the API gives the close reason
    and the history's reasons as the change page does, never the code."""
    complaint = in_state(State.HANDLED)
    services.complaint_close(complaint_id=complaint.pk, actor=resident.user)

    response = api(agent, language).get(detail_url(complaint))

    body = response.json()
    assert body["close_reason"] == words
    assert words in [row["reason"] for row in body["history"]]
    assert "system:" not in response.content.decode()
