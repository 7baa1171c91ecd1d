"""complaint_dispatch: the owner sends the complaint to a team of its property."""

from datetime import timedelta

import pytest
from factories import HandlerFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import Breach, State, Transition
from complaints.services import complaint_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def classified(now, walk):
    return walk(State.CLASSIFIED)


def test_owner_dispatches_to_a_team_and_a_member(now, classified, agent, engineering, handler):
    """Dispatch sets team, assignee and dispatched_at, keeps the owner, records "dispatch"."""
    complaint_dispatch(complaint_id=classified.pk, actor=agent, team=engineering, assignee=handler)

    classified.refresh_from_db()
    assert classified.state == State.DISPATCHED
    assert (classified.team, classified.assignee) == (engineering, handler)
    assert classified.dispatched_at == now
    assert classified.owner == agent
    assert_history(classified, transition=Transition.DISPATCH, user=agent)


def test_dispatch_without_an_assignee(now, classified, agent, engineering):
    """The person is optional: the whole team gets it."""
    complaint_dispatch(complaint_id=classified.pk, actor=agent, team=engineering)

    classified.refresh_from_db()
    assert classified.team == engineering
    assert classified.assignee is None


def test_redispatch_to_another_team_is_recorded(
    now, time_machine, walk, agent, environment, engineering
):
    """A dispatched complaint may go to another team; both dispatches are in history with
    their teams, and the assignee of the first team is cleared."""
    complaint = walk(State.DISPATCHED)
    time_machine.shift(600)

    complaint_dispatch(
        complaint_id=complaint.pk, actor=agent, team=environment, reason="Gardening job"
    )

    complaint.refresh_from_db()
    assert complaint.state == State.DISPATCHED
    assert complaint.team == environment
    assert complaint.assignee is None
    latest = assert_history(
        complaint, transition=Transition.DISPATCH, user=agent, reason="Gardening job"
    )
    assert latest.team_id == environment.pk
    dispatch_rows = complaint.history.filter(transition=Transition.DISPATCH).order_by("history_id")
    assert [row.team_id for row in dispatch_rows] == [engineering.pk, environment.pk]


def test_redispatch_after_the_first_response_deadline_is_no_breach(
    now, time_machine, walk, agent, environment
):
    """The first dispatch met the first-response deadline in time; moving the complaint
    to another team after that deadline keeps dispatched_at and records no breach."""
    complaint = walk(State.DISPATCHED)
    assert complaint.dispatched_at < complaint.first_response_due
    time_machine.move_to(complaint.first_response_due + timedelta(hours=1), tick=False)

    complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=environment, reason="Garden")

    complaint.refresh_from_db()
    assert complaint.team == environment
    assert complaint.dispatched_at == now
    assert not Breach.objects.filter(complaint=complaint).exists()


def test_reopened_complaint_is_dispatched_again(
    now, time_machine, walk, agent, engineering, handler
):
    """reopened --dispatch--> dispatched, and the new cycle's dispatch time is recorded."""
    complaint = walk(State.REOPENED)
    time_machine.shift(600)

    complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler)

    complaint.refresh_from_db()
    assert complaint.state == State.DISPATCHED
    assert complaint.dispatched_at == now + timedelta(seconds=600)
    assert_history(complaint, transition=Transition.DISPATCH, user=agent)


@pytest.mark.parametrize("state", [State.ACCEPTED, State.HANDLED, State.CLOSED])
def test_wrong_state_is_refused(now, walk, agent, engineering, state):
    """Dispatch needs a classified, dispatched or reopened complaint: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=engineering)

    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_roles_without_dispatch_permission_are_refused(request, now, classified, engineering, role):
    """Supervisors cannot dispatch (NotAllowed); a handler does not even find a complaint
    that is not their team's (ComplaintNotFound)."""
    with pytest.raises(ComplaintNotFound if role == "handler" else NotAllowed):
        complaint_dispatch(
            complaint_id=classified.pk, actor=request.getfixturevalue(role), team=engineering
        )


def test_agent_who_is_not_the_owner_is_refused(now, classified, agent2, engineering):
    """Another agent cannot dispatch someone else's complaint, reason or not."""
    before = snapshot(classified)

    with pytest.raises(NotAllowed):
        complaint_dispatch(
            complaint_id=classified.pk, actor=agent2, team=engineering, reason="Helping out"
        )

    assert snapshot(classified) == before


def test_project_manager_overriding_needs_a_reason(now, classified, project_manager, engineering):
    """Without a reason the project manager's override is refused on "reason"."""
    before = snapshot(classified)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_dispatch(complaint_id=classified.pk, actor=project_manager, team=engineering)

    assert excinfo.value.field == "reason"
    assert snapshot(classified) == before


def test_project_manager_overriding_with_a_reason(
    now, classified, agent, project_manager, engineering
):
    """With a reason it is dispatched, the owner stays, and the reason is in history."""
    complaint_dispatch(
        complaint_id=classified.pk,
        actor=project_manager,
        team=engineering,
        reason="Urgent, owner at lunch",
    )

    classified.refresh_from_db()
    assert classified.state == State.DISPATCHED
    assert classified.owner == agent
    assert_history(
        classified,
        transition=Transition.DISPATCH,
        user=project_manager,
        reason="Urgent, owner at lunch",
    )


def test_team_of_another_property_is_refused(now, classified, agent, other_engineering):
    """A complaint goes only to a team of its own property."""
    before = snapshot(classified)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_dispatch(complaint_id=classified.pk, actor=agent, team=other_engineering)

    assert excinfo.value.field == "team"
    assert snapshot(classified) == before


def test_assignee_outside_the_team_is_refused(now, classified, agent, engineering, environment):
    """The assignee must be a member of the chosen team."""
    gardener = HandlerFactory(team=environment)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_dispatch(
            complaint_id=classified.pk, actor=agent, team=engineering, assignee=gardener
        )

    assert excinfo.value.field == "assignee"


def test_staff_of_another_property_do_not_find_it(now, classified, other_agent, other_engineering):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_dispatch(complaint_id=classified.pk, actor=other_agent, team=other_engineering)
