"""POST /api/v1/complaints/{id}/{action}/: every button of the admin workspace through
the API, each calling its service; refusals as the error handler maps them (wrong
state or stale 409, not permitted 403, not visible 404, invalid 400 with field errors),
nothing saved by a refusal, and the messages in the caller's language."""

from datetime import timedelta

import pytest
from factories import image_upload
from helpers import snapshot
from staff_fixtures import (
    ACTION_STATES,
    action_case,
    action_url,
    api,
    env_handler,
    foreign_complaint,
    in_state,
    resident,
)

from complaints.admin.actions import ACTIONS
from complaints.models import Complaint, ModelCase, Photo, State, Transition

pytestmark = pytest.mark.django_db

__all__ = ["action_case", "api", "env_handler", "foreign_complaint", "in_state", "resident"]

# Who performs each action in the happy path, and what it leaves.
ACTORS = {
    "handle": "handler",
    "on_site": "handler",
    "reopen": "project_manager",
    "transfer": "project_manager",
}
RESULTS = {
    "accept": State.ACCEPTED,
    "classify": State.CLASSIFIED,
    "dispatch": State.DISPATCHED,
    "handle": State.HANDLED,
    "close": State.CLOSED,
    "revisit": State.REVISITED,
    "reopen": State.REOPENED,
    "merge": State.MERGED,
}
REASONS = {
    "close": "Resident unreachable for three days",
    "reopen": "Leaking again.",
    "transfer": "Na Li is on leave.",
    "set_level": "It is only a suggestion.",
    "revisit": "The resident is satisfied.",
}


def post(client, complaint, action, data=None, **kwargs):
    return client.post(action_url(complaint, action), data or {}, format="json", **kwargs)


def test_the_api_offers_every_admin_action():
    assert set(ACTION_STATES) == set(ACTIONS)


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_action_calls_its_service(request, api, action_case, action):
    """Each action with the fields of its admin form and the state the client showed:
    200 with the complaint as it is now, and the history row the service writes (a
    model case is a row of its own, the complaint unchanged)."""
    complaint, data = action_case(action)
    user = request.getfixturevalue(ACTORS.get(action, "agent"))
    history = complaint.history.count()

    response = post(api(user), complaint, action, {**data, "expected_state": complaint.state})

    assert response.status_code == 200, response.json()
    complaint.refresh_from_db()
    body = response.json()
    assert body["id"] == complaint.pk and body["state"] == complaint.state
    assert complaint.state == RESULTS.get(action, ACTION_STATES[action])
    if action == "model_case":
        assert ModelCase.objects.get(complaint=complaint).title == data["title"]
        return
    latest = complaint.history.latest()
    assert complaint.history.count() > history
    assert latest.transition == Transition(action)
    assert latest.history_user == user
    if action in REASONS:
        assert latest.history_change_reason == REASONS[action]


def test_each_action_works_without_expected_state(api, action_case, agent):
    complaint, data = action_case("classify")

    response = post(api(agent), complaint, "classify", data)

    assert response.status_code == 200
    assert response.json()["state"] == "classified"
    assert response.json()["level"] == 2


def test_the_answer_lists_what_may_be_done_next(api, in_state, agent):
    complaint = in_state(State.NEW)

    body = post(api(agent), complaint, "accept").json()

    assert body["owner"]["name"] == "Na Li"
    assert "accept" not in [a["name"] for a in body["actions"]]
    assert "classify" in [a["name"] for a in body["actions"]]


def test_accept_on_an_accepted_complaint_names_the_owner(api, in_state, agent2):
    complaint = in_state(State.ACCEPTED)
    before = snapshot(complaint)

    response = post(api(agent2), complaint, "accept", {"expected_state": "new"})

    assert response.status_code == 409
    assert response.json() == {"code": "already_accepted", "detail": "Already accepted by Na Li."}
    assert snapshot(complaint) == before


def test_a_wrong_state_is_409(api, in_state, agent, category):
    complaint = in_state(State.NEW)
    before = snapshot(complaint)

    response = post(api(agent), complaint, "classify", {"category": category.pk})

    assert response.status_code == 409
    assert response.json() == {
        "code": "wrong_state",
        "detail": "Cannot classify: the complaint is now “New”.",
    }
    assert snapshot(complaint) == before


@pytest.mark.parametrize(
    ("action", "actor", "shown"),
    [
        ("accept", "agent", State.ACCEPTED),  # the service compares under its lock
        ("close", "agent", State.DISPATCHED),
        ("reopen", "project_manager", State.HANDLED),
        ("dispatch", "agent", State.ACCEPTED),  # the view compares, as the admin does
        ("set_level", "agent", State.DISPATCHED),
    ],
)
def test_a_stale_client_is_refused_and_nothing_changes(
    request, api, action_case, action, actor, shown
):
    """The client showed another state than the complaint has now: 409 "stale", saying
    what it is now, and nothing saved."""
    complaint, data = action_case(action)
    before = snapshot(complaint)

    response = post(
        api(request.getfixturevalue(actor)), complaint, action, {**data, "expected_state": shown}
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale"
    assert complaint.get_state_display() in body["detail"]
    assert snapshot(complaint) == before


@pytest.mark.parametrize(
    ("action", "actor", "state", "data"),
    [
        ("accept", "supervisor", State.NEW, {}),
        ("classify", "team_leader", State.ACCEPTED, {}),  # refused before its fields are read
        ("dispatch", "agent2", State.CLASSIFIED, {"team": 1}),
        ("transfer", "agent", State.ACCEPTED, {}),
        ("handle", "env_handler_leader", State.DISPATCHED, {"note": "Done"}),
        ("hold", "agent2", State.CLASSIFIED, {"reason": "parts"}),
    ],
)
def test_not_permitted_is_403(request, api, in_state, action, actor, state, data):
    complaint = in_state(state)
    before = snapshot(complaint)
    user = request.getfixturevalue(actor)

    response = post(api(user), complaint, action, data)

    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "not_permitted"
    assert response.json()["detail"]
    assert snapshot(complaint) == before


@pytest.fixture
def env_handler_leader(environment):
    """The environment team's leader: leads a team, not the one dispatched to."""
    from factories import TeamLeaderFactory

    leader = TeamLeaderFactory(
        username="env-leader", team=environment, first_name="Jie", last_name="Xu"
    )
    environment.leader = leader
    environment.save()
    return leader


def test_staff_reopen_through_the_revisit(api, in_state, agent):
    """An agent may not reopen by the reopen action (403 naming the revisit), but may by
    recording the revisit as not solved."""
    complaint = in_state(State.CLOSED)

    refused = post(api(agent), complaint, "reopen", {"reason": "Still leaking"})
    assert refused.status_code == 403
    assert "revisit" in refused.json()["detail"]

    done = post(api(agent), complaint, "revisit", {"note": "Still leaking", "solved": "not_solved"})
    assert done.status_code == 200
    assert done.json()["state"] == "reopened"


def test_not_solved_from_someone_who_may_not_reopen_is_refused(api, in_state, team_leader):
    """The page without the "not solved" choice records a solved revisit; through the
    API the choice is refused to someone who may record revisits but not reopen."""
    from django.contrib.auth.models import Permission

    team_leader.user_permissions.add(Permission.objects.get(codename="revisit_complaint"))
    complaint = in_state(State.CLOSED)
    before = snapshot(complaint)

    response = post(
        api(team_leader), complaint, "revisit", {"note": "Not fixed", "solved": "not_solved"}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "You may record the revisit but not reopen the complaint."
    assert snapshot(complaint) == before
    solved = post(api(team_leader), complaint, "revisit", {"note": "All good"})
    assert solved.status_code == 200 and solved.json()["state"] == "revisited"


@pytest.mark.parametrize(
    ("action", "data", "field", "message"),
    [
        ("dispatch", {}, "team", "This field is required."),
        ("close", {"reason": " "}, "reason", "This field is required."),
        (
            "merge",
            {"into": "yesterday's"},
            "into",
            "Enter a complaint reference such as TS00000042.",
        ),
        ("set_level", {"level": 9, "reason": "x"}, "level", None),
        ("hold", {"reason": "parts", "resume_at": "2025-03-01T09:00"}, "resume_at", None),
        ("classify", {"category": 1, "expected_state": "sideways"}, "expected_state", None),
    ],
)
def test_invalid_fields_are_400_with_field_errors(
    api, action_case, agent, action, data, field, message
):
    complaint, _valid = action_case(action)
    before = snapshot(complaint)

    response = post(api(agent), complaint, action, data)

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert body["detail"] == body["errors"][field][0]
    if message:
        assert body["errors"][field] == [message]
    assert snapshot(complaint) == before


def test_the_services_own_field_error_is_a_400_at_its_field(
    api, in_state, agent, engineering, env_handler
):
    """The dispatch service refuses a person outside the team (InvalidInput on
    `assignee`): 400 naming that field, nothing dispatched."""
    complaint = in_state(State.CLASSIFIED)
    before = snapshot(complaint)

    response = post(
        api(agent), complaint, "dispatch", {"team": engineering.pk, "assignee": env_handler.pk}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"assignee": ["The assignee is not a member of that team."]}
    assert snapshot(complaint) == before


def test_a_hold_beyond_the_levels_cap_is_refused_by_the_service(api, in_state, agent, now):
    complaint = in_state(State.CLASSIFIED)

    response = post(
        api(agent),
        complaint,
        "hold",
        {"reason": "parts", "resume_at": (now + timedelta(days=60)).isoformat()},
    )

    assert response.status_code == 400
    assert "resume_at" in response.json()["errors"]


def test_a_complaint_out_of_sight_is_404(api, foreign_complaint, agent, in_state, env_handler):
    response = post(api(agent), foreign_complaint, "accept")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

    dispatched = in_state(State.DISPATCHED)
    assert post(api(env_handler), dispatched, "handle", {"note": "x"}).status_code == 404


def test_an_unknown_action_is_404(api, in_state, agent):
    complaint = in_state(State.NEW)

    response = post(api(agent), complaint, "teleport")

    assert response.status_code == 404
    assert complaint.history.count() == 1


def test_residents_and_anonymous_may_not_act(api, in_state, resident):
    complaint = in_state(State.NEW)

    assert post(api(resident.user), complaint, "accept").status_code == 403
    assert post(api(None), complaint, "accept").status_code == 401
    assert Complaint.objects.get(pk=complaint.pk).state == State.NEW


def test_a_body_that_is_not_an_object_is_400(api, in_state, agent):
    complaint = in_state(State.NEW)

    response = post(api(agent), complaint, "accept", ["accept"])

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


# --- In Chinese ----------------------------------------------------------------------------


def test_refusals_come_in_chinese(api, in_state, agent2, supervisor):
    accepted = in_state(State.ACCEPTED)
    new = in_state(State.NEW)

    already = post(api(agent2, "zh-hans"), accepted, "accept")
    refused = post(api(supervisor, "zh-hans"), new, "accept")
    stale = post(api(agent2, "zh-hans"), new, "accept", {"expected_state": "accepted"})

    assert already.json() == {"code": "already_accepted", "detail": "已被 Na Li 受理。"}
    assert refused.json() == {"code": "not_permitted", "detail": "您无权执行此操作。"}
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("该投诉已被他人修改，当前状态为“待受理")
    assert already["Content-Language"] == "zh-hans"


def test_field_errors_come_in_chinese(api, action_case, agent):
    complaint, _data = action_case("dispatch")

    response = post(api(agent, "zh-hans"), complaint, "dispatch", {})

    assert response.status_code == 400
    assert response.json()["errors"]["team"] == ["该字段是必填项。"]


def test_wrong_state_comes_in_chinese(api, in_state, agent, category):
    complaint = in_state(State.NEW)

    response = post(api(agent, "zh-hans"), complaint, "classify", {"category": category.pk})

    assert response.status_code == 409
    assert response.json()["detail"].startswith("无法")


def test_handling_takes_the_after_photo_as_multipart(api, in_state, handler, photo_category):
    """A category that asks for an after photo: without one 400 at `after_photos`; with
    one sent as multipart form data, handled and the photo stored."""
    complaint = in_state(State.DISPATCHED, category=photo_category)
    client = api(handler)

    refused = post(client, complaint, "handle", {"note": "Replaced the seal."})
    assert refused.status_code == 400
    assert "after_photos" in refused.json()["errors"]

    done = client.post(
        action_url(complaint, "handle"),
        {"note": "Replaced the seal.", "after_photos": [image_upload("after.jpg")]},
        format="multipart",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["state"] == "handled"
    assert complaint.photos.filter(step=Photo.Step.AFTER).count() == 1
