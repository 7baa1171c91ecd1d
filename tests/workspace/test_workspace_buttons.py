"""Transition buttons per role: the change page shows only what this user may do now,
and the server refuses every other POST (state and history unchanged, a message said)."""

import pytest
from helpers import snapshot
from workspace_helpers import act_url, buttons, change_url, messages, post_action

from complaints.admin.actions import ACTIONS
from complaints.models import State

pytestmark = pytest.mark.django_db

ALL_ACTIONS = list(ACTIONS)

# (state the agent walked it to, role looking at it, the buttons that role gets)
BUTTONS = [
    # Issue 16: "message" (write to the resident) is the owner's or an overrider's once
    # accepted; "model_case" marks a closed complaint as a model case.
    (State.NEW, "agent", {"accept", "merge", "message"}),
    (State.NEW, "agent2", {"accept", "merge", "message"}),
    (State.NEW, "team_leader", {"accept"}),
    (State.NEW, "project_manager", {"accept", "merge", "message"}),
    (State.NEW, "supervisor", set()),
    (State.ACCEPTED, "agent", {"classify", "merge", "message"}),
    (State.ACCEPTED, "agent2", set()),
    (State.ACCEPTED, "team_leader", set()),
    (State.ACCEPTED, "project_manager", {"classify", "merge", "transfer", "message"}),
    (State.ACCEPTED, "supervisor", set()),
    (State.CLASSIFIED, "agent", {"dispatch", "set_level", "hold", "message"}),
    (State.CLASSIFIED, "agent2", set()),
    (State.CLASSIFIED, "team_leader", set()),
    (
        State.CLASSIFIED,
        "project_manager",
        {"dispatch", "set_level", "hold", "transfer", "message"},
    ),
    (State.CLASSIFIED, "supervisor", set()),
    (State.DISPATCHED, "agent", {"dispatch", "set_level", "hold", "message"}),
    (State.DISPATCHED, "agent2", set()),
    (State.DISPATCHED, "handler", {"handle", "on_site"}),
    (State.DISPATCHED, "team_leader", {"handle", "on_site"}),
    (State.DISPATCHED, "env_leader", set()),
    (
        State.DISPATCHED,
        "project_manager",
        {"dispatch", "handle", "set_level", "hold", "on_site", "transfer", "message"},
    ),
    (State.DISPATCHED, "supervisor", set()),
    # Staff reopen a closed complaint by its revisit; only a project manager overrides.
    (State.HANDLED, "agent", {"close", "message"}),
    (State.HANDLED, "agent2", set()),
    (State.HANDLED, "handler", set()),
    (State.HANDLED, "team_leader", set()),
    (State.HANDLED, "project_manager", {"close", "reopen", "transfer", "message"}),
    (State.HANDLED, "supervisor", set()),
    (State.CLOSED, "agent", {"revisit", "message", "model_case"}),
    (State.CLOSED, "handler", set()),
    (
        State.CLOSED,
        "project_manager",
        {"revisit", "reopen", "transfer", "message", "model_case"},
    ),
    (State.CLOSED, "supervisor", set()),
    (State.REVISITED, "agent", {"message", "model_case"}),
    (State.REVISITED, "project_manager", {"reopen", "transfer", "message", "model_case"}),
    (State.REOPENED, "agent", {"dispatch", "set_level", "hold", "message"}),
    (State.REOPENED, "handler", set()),
    (
        State.REOPENED,
        "project_manager",
        {"dispatch", "set_level", "hold", "transfer", "message"},
    ),
    (State.WITHDRAWN, "agent", set()),
    (State.WITHDRAWN, "project_manager", set()),
    (State.MERGED, "agent", set()),
    (State.MERGED, "project_manager", set()),
]


@pytest.mark.parametrize(
    ("state", "role", "expected"),
    BUTTONS,
    ids=[f"{state}-{role}" for state, role, _ in BUTTONS],
)
def test_change_page_shows_only_the_actions_the_role_may_take_now(
    request, client, in_state, state, role, expected
):
    """The change page lists exactly the actions this user may perform in this state:
    agent1 accepted it, so agent2 gets nothing owner-only; handlers and their leader get
    "Mark handled"/"Arrived on site" only while it is dispatched to their team; the
    project manager may also transfer it; supervisors get no button at all."""
    complaint = in_state(state)
    client.force_login(request.getfixturevalue(role))

    response = client.get(change_url(complaint))

    assert response.status_code == 200
    assert buttons(response) == expected


def test_button_labels_name_the_actions(client, in_state, handler):
    """Handlers see the buttons by their workflow names."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(handler)

    content = client.get(change_url(complaint)).content.decode()

    assert f'href="{act_url(complaint, "handle")}"' in content
    assert ">Mark handled</a>" in content
    assert ">Arrived on site</a>" in content


def test_hold_button_becomes_resume_while_on_hold(client, action_case, agent):
    """While a complaint is on hold its owner is offered "Resume" instead of "Put on
    hold"."""
    complaint, _data = action_case("resume")
    client.force_login(agent)

    assert buttons(client.get(change_url(complaint))) == {
        "dispatch",
        "set_level",
        "resume",
        "message",
    }


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_supervisor_posts_of_any_action_are_refused(client, action_case, supervisor, action):
    """A supervisor is read-only: POSTing any action form with valid data, in a state
    where the owner could do it, is refused by the service with an error message and
    changes nothing (state, owner, team, history)."""
    complaint, data = action_case(action)
    before = snapshot(complaint)
    client.force_login(supervisor)

    response = post_action(client, complaint, action, data)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert [level for level, _text in messages(response)] == ["error"]
    assert snapshot(complaint) == before


@pytest.mark.parametrize("action", ALL_ACTIONS)
def test_supervisor_cannot_open_any_action_form(client, action_case, supervisor, action):
    """Opening an action's form that is not available redirects back to the change page
    with a warning, whatever the action."""
    complaint, _data = action_case(action)
    client.force_login(supervisor)

    response = client.get(act_url(complaint, action), follow=True)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    label = ACTIONS[action].label
    assert messages(response) == [
        ("warning", f"“{label}” is not available to you on this complaint now.")
    ]


# (role, action, message) — POSTs of actions the role may not perform now.
REFUSED = [
    ("agent2", "classify", "You are not allowed to do this."),
    ("team_leader", "classify", "You are not allowed to do this."),
    ("agent2", "dispatch", "You are not allowed to do this."),
    ("agent", "handle", "You are not allowed to do this."),
    ("env_leader", "handle", "You are not allowed to do this."),
    ("agent2", "close", "You are not allowed to do this."),
    ("handler", "close", "You are not allowed to do this."),
    (
        "team_leader",
        "reopen",
        "Staff reopen a complaint through the revisit: record the call-back as “not "
        "solved”. Otherwise only the resident, or a project manager with a reason, may "
        "reopen it.",
    ),
    (
        "agent",
        "reopen",
        "Staff reopen a complaint through the revisit: record the call-back as “not "
        "solved”. Otherwise only the resident, or a project manager with a reason, may "
        "reopen it.",
    ),
    ("team_leader", "revisit", "You are not allowed to do this."),
    ("agent2", "set_level", "You are not allowed to do this."),
    ("agent2", "hold", "Only the owner may put a complaint on hold."),
    ("agent2", "resume", "Only the owner may resume a complaint."),
    ("agent", "on_site", "You are not allowed to do this."),
    ("agent", "transfer", "You are not allowed to do this."),
    ("team_leader", "transfer", "You are not allowed to do this."),
]


@pytest.mark.parametrize(
    ("role", "action", "message"), REFUSED, ids=[f"{r}-{a}" for r, a, _ in REFUSED]
)
def test_post_of_an_action_the_role_may_not_take_is_refused(
    request, client, action_case, role, action, message
):
    """The server refuses what the page hides: a POST of an action the user may not take
    on this complaint redirects to the change page with the service's error, and the
    complaint and its history are unchanged."""
    complaint, data = action_case(action)
    before = snapshot(complaint)
    client.force_login(request.getfixturevalue(role))

    response = post_action(client, complaint, action, data)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [("error", message)]
    assert snapshot(complaint) == before


# (state, role, action, message) — POSTs in a state where the action does not apply.
WRONG_STATE = [
    (State.CLASSIFIED, "agent", "accept", "Already accepted by Na Li."),
    (State.NEW, "agent", "classify", "Cannot classify: the complaint is now “New”."),
    (
        State.HANDLED,
        "agent",
        "revisit",
        "Cannot record the revisit: the complaint is now “Handled”.",
    ),
    (State.CLASSIFIED, "agent", "merge", "Cannot merge: the complaint is now “Classified”."),
    (
        State.HANDLED,
        "handler",
        "on_site",
        "Cannot record arrival on site: the complaint is now “Handled”.",
    ),
    (
        State.NEW,
        "project_manager",
        "transfer",
        "Cannot transfer ownership: the complaint is now “New”.",
    ),
]


@pytest.mark.parametrize(
    ("state", "role", "action", "message"),
    WRONG_STATE,
    ids=[f"{s}-{r}-{a}" for s, r, a, _ in WRONG_STATE],
)
def test_post_of_an_action_in_the_wrong_state_is_refused(
    request, client, action_case, in_state, state, role, action, message
):
    """An action POSTed (with a current expected_state) in a state it does not apply to is
    refused with the service's wrong-state message; nothing changes."""
    _complaint, data = action_case(action)
    complaint = in_state(state)
    before = snapshot(complaint)
    client.force_login(request.getfixturevalue(role))

    response = post_action(client, complaint, action, data)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [("error", message)]
    assert snapshot(complaint) == before


def test_handler_cannot_act_on_another_teams_complaint(client, in_state, env_handler):
    """A complaint dispatched to engineering does not exist for an environment handler:
    its action URLs answer 404 and nothing changes."""
    complaint = in_state(State.DISPATCHED)
    before = snapshot(complaint)
    client.force_login(env_handler)

    get = client.get(act_url(complaint, "handle"))
    post = client.post(
        act_url(complaint, "handle"), {"expected_state": complaint.state, "note": "Done."}
    )

    assert get.status_code == 404
    assert post.status_code == 404
    assert snapshot(complaint) == before


def test_unknown_action_is_404(client, in_state, agent):
    """An action name that does not exist is a 404, not a 500."""
    complaint = in_state(State.NEW)
    client.force_login(agent)

    assert client.get(act_url(complaint, "delete")).status_code == 404
    assert client.post(act_url(complaint, "delete"), {"expected_state": "new"}).status_code == 404
