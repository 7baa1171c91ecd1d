"""complaint_revisit: customer service records the call-back (回访) on a closed complaint."""

import pytest
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import State, Transition
from complaints.services import complaint_revisit

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(now, walk):
    return walk(State.CLOSED)


def test_agent_records_the_revisit(now, closed, agent):
    """The revisit stores the note and revisited_at and records "revisit" with the note as
    the reason."""
    complaint_revisit(complaint_id=closed.pk, actor=agent, note="  Happy with the repair. ")

    closed.refresh_from_db()
    assert closed.state == State.REVISITED
    assert closed.revisit_note == "Happy with the repair."
    assert closed.revisited_at == now
    assert closed.owner == agent
    assert_history(
        closed, transition=Transition.REVISIT, user=agent, reason="Happy with the repair."
    )


def test_any_agent_of_the_property_may_call_back(now, closed, agent2):
    """The call-back is customer service's job, not only the owner's."""
    complaint_revisit(complaint_id=closed.pk, actor=agent2, note="OK")

    closed.refresh_from_db()
    assert closed.state == State.REVISITED
    assert_history(closed, transition=Transition.REVISIT, user=agent2, reason="OK")


@pytest.mark.parametrize("role", ["handler", "team_leader", "supervisor"])
def test_roles_without_revisit_permission_are_refused(request, now, closed, role):
    """Handlers, team leaders and supervisors cannot record a revisit (NotAllowed)."""
    before = snapshot(closed)

    with pytest.raises(NotAllowed):
        complaint_revisit(complaint_id=closed.pk, actor=request.getfixturevalue(role), note="OK")

    assert snapshot(closed) == before


def test_resident_cannot_record_a_revisit(now, closed, resident):
    """The revisit is staff's record of the call; the resident is refused."""
    with pytest.raises(NotAllowed):
        complaint_revisit(complaint_id=closed.pk, actor=resident.user, note="OK")


@pytest.mark.parametrize("state", [State.HANDLED, State.REVISITED, State.REOPENED])
def test_wrong_state_is_refused(now, walk, agent, state):
    """Only a closed complaint can be revisited: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_revisit(complaint_id=complaint.pk, actor=agent, note="OK")

    assert snapshot(complaint) == before


def test_empty_note_is_refused(now, closed, agent):
    """The agent must write down what the resident said."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_revisit(complaint_id=closed.pk, actor=agent, note=" ")

    assert excinfo.value.field == "note"


def test_staff_of_another_property_do_not_find_it(now, closed, other_agent):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_revisit(complaint_id=closed.pk, actor=other_agent, note="OK")
