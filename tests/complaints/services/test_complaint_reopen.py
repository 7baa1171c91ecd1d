"""complaint_reopen: the resident ("not fixed", or within 7 days of closing), or a project
manager's override with a reason; customer service reopens through the revisit
(complaint_revisit with solved=False, tests/edges/test_reopen_rule.py has the rule's
edges)."""

from datetime import timedelta

import pytest
from helpers import assert_history, snapshot

from complaints.exceptions import (
    ComplaintNotFound,
    InvalidInput,
    NotAllowed,
    ReopenWindowClosed,
    WrongState,
)
from complaints.models import State, Transition
from complaints.services import (
    complaint_dispatch,
    complaint_handle,
    complaint_reopen,
    complaint_revisit,
)

pytestmark = pytest.mark.django_db


def test_resident_says_not_fixed_on_a_handled_complaint(now, walk, resident):
    """A resident rejecting the fix reopens it: reopen_count 1, reopened_at, and a "reopen"
    row with the resident's words."""
    complaint = walk(State.HANDLED)

    complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="Still dripping")

    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED
    assert complaint.reopen_count == 1
    assert complaint.reopened_at == now
    assert_history(
        complaint, transition=Transition.REOPEN, user=resident.user, reason="Still dripping"
    )


@pytest.mark.parametrize("state", [State.CLOSED, State.REVISITED])
def test_resident_reopens_within_seven_days_of_closing(now, time_machine, walk, resident, state):
    """Just under 7 days after closing the resident may still reopen."""
    complaint = walk(state)
    time_machine.move_to(now + timedelta(days=7) - timedelta(minutes=1), tick=False)

    complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="Leaking again")

    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED
    assert complaint.reopened_at == now + timedelta(days=7) - timedelta(minutes=1)


@pytest.mark.parametrize("state", [State.CLOSED, State.REVISITED])
def test_resident_cannot_reopen_after_seven_days(now, time_machine, walk, resident, state):
    """Once the 7-day window after closing has passed, the resident is refused with
    ReopenWindowClosed (a NotAllowed) saying so."""
    complaint = walk(state)
    time_machine.move_to(now + timedelta(days=7, minutes=1), tick=False)
    before = snapshot(complaint)

    with pytest.raises(ReopenWindowClosed) as excinfo:
        complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="Leaking again")

    assert isinstance(excinfo.value, NotAllowed)
    assert excinfo.value.message == (
        "It is more than 7 days since the complaint was closed. Please report the problem "
        "again as a new complaint."
    )
    assert snapshot(complaint) == before


def test_customer_service_reopens_by_the_revisit_at_any_time(now, time_machine, walk, agent2):
    """Customer service reopens by recording the revisit call as not solved, also outside
    the resident's window; the "reopen" history row carries what the resident said."""
    complaint = walk(State.CLOSED)
    time_machine.move_to(now + timedelta(days=30), tick=False)

    complaint_revisit(
        complaint_id=complaint.pk, actor=agent2, note="Unhappy on the call", solved=False
    )

    complaint.refresh_from_db()
    assert complaint.state == State.REOPENED
    assert_history(
        complaint, transition=Transition.REOPEN, user=agent2, reason="Unhappy on the call"
    )


def test_customer_service_may_not_reopen_a_revisited_complaint_directly(
    now, time_machine, walk, agent2
):
    """Once the revisit is recorded as solved, customer service cannot reopen the
    complaint by itself: NotAllowed, naming the revisit, and nothing changes."""
    complaint = walk(State.REVISITED)
    time_machine.move_to(now + timedelta(days=1), tick=False)
    before = snapshot(complaint)

    with pytest.raises(NotAllowed) as excinfo:
        complaint_reopen(complaint_id=complaint.pk, actor=agent2, reason="Unhappy on the call")

    assert "revisit" in excinfo.value.message
    assert snapshot(complaint) == before


def test_reopen_count_grows_with_every_reopen(now, walk, agent, handler, engineering, resident):
    """A complaint reopened twice says so."""
    complaint = walk(State.REOPENED)
    complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler)
    complaint_handle(complaint_id=complaint.pk, actor=handler, note="Second try")

    complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="Still broken")

    complaint.refresh_from_db()
    assert complaint.reopen_count == 2


@pytest.mark.parametrize("role", ["handler", "team_leader", "supervisor"])
def test_roles_without_reopen_permission_are_refused(request, now, walk, role):
    """Handlers, team leaders and supervisors cannot reopen (NotAllowed)."""
    complaint = walk(State.CLOSED)

    with pytest.raises(NotAllowed) as excinfo:
        complaint_reopen(complaint_id=complaint.pk, actor=request.getfixturevalue(role), reason="x")

    assert not isinstance(excinfo.value, ReopenWindowClosed)


@pytest.mark.parametrize("state", [State.NEW, State.DISPATCHED, State.REOPENED])
def test_wrong_state_is_refused(now, walk, resident, state):
    """Only handled, closed or revisited complaints can be reopened: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="x")

    assert snapshot(complaint) == before


def test_empty_reason_is_refused(now, walk, resident):
    """The resident must say what is still wrong."""
    complaint = walk(State.HANDLED)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_reopen(complaint_id=complaint.pk, actor=resident.user, reason="  ")

    assert excinfo.value.field == "reason"


def test_another_resident_does_not_find_it(now, walk, resident2):
    """A neighbour cannot reopen somebody else's complaint: it is not found."""
    complaint = walk(State.HANDLED)

    with pytest.raises(ComplaintNotFound):
        complaint_reopen(complaint_id=complaint.pk, actor=resident2.user, reason="x")


def test_staff_of_another_property_do_not_find_it(now, walk, other_agent):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    complaint = walk(State.CLOSED)

    with pytest.raises(ComplaintNotFound):
        complaint_reopen(complaint_id=complaint.pk, actor=other_agent, reason="x")
