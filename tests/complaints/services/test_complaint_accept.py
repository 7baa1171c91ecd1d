"""complaint_accept: the first responder becomes the owner (首问负责制)."""

import pytest
from helpers import assert_history, snapshot

from complaints.exceptions import (
    AlreadyAccepted,
    ChangedMeanwhile,
    ComplaintNotFound,
    NotAllowed,
    WrongState,
)
from complaints.models import State, Transition
from complaints.services import complaint_accept, complaint_withdraw

pytestmark = pytest.mark.django_db


def test_agent_accepts_a_new_complaint_and_becomes_its_owner(now, complaint, agent):
    """Accepting sets state "accepted", the actor as owner and accepted_at, and writes a
    history row with transition "accept" by the agent, after the "create" row."""
    result = complaint_accept(complaint_id=complaint.pk, actor=agent)

    complaint.refresh_from_db()
    assert result.pk == complaint.pk
    assert complaint.state == State.ACCEPTED
    assert complaint.owner == agent
    assert complaint.accepted_at == now
    latest = assert_history(complaint, transition=Transition.ACCEPT, user=agent)
    assert latest.state == State.ACCEPTED
    assert latest.owner_id == agent.pk
    assert list(complaint.history.order_by("history_id").values_list("transition", flat=True)) == [
        "create",
        "accept",
    ]


def test_team_leader_may_accept(now, complaint, team_leader):
    """Team leaders hold the owner actions, so they may become the owner too."""
    complaint_accept(complaint_id=complaint.pk, actor=team_leader)

    complaint.refresh_from_db()
    assert complaint.owner == team_leader
    assert_history(complaint, transition=Transition.ACCEPT, user=team_leader)


def test_second_accept_is_told_who_owns_it(now, complaint, agent, agent2):
    """A later accept is refused with AlreadyAccepted naming the owner; ownership stays."""
    complaint_accept(complaint_id=complaint.pk, actor=agent)
    before = snapshot(complaint)

    with pytest.raises(AlreadyAccepted) as excinfo:
        complaint_accept(complaint_id=complaint.pk, actor=agent2)

    assert excinfo.value.owner_name == "Na Li"
    assert excinfo.value.message == "Already accepted by Na Li."
    assert snapshot(complaint) == before


def test_the_owner_pressing_accept_again_is_told_it_is_theirs(now, complaint, agent):
    """A stale double click by the owner is refused cleanly, not recorded twice."""
    complaint_accept(complaint_id=complaint.pk, actor=agent)
    before = snapshot(complaint)

    with pytest.raises(AlreadyAccepted):
        complaint_accept(complaint_id=complaint.pk, actor=agent)

    assert snapshot(complaint) == before


def test_withdrawn_complaint_cannot_be_accepted(now, walk, agent):
    """A withdrawn complaint has no owner: accept is refused as a wrong state."""
    complaint = walk(State.WITHDRAWN)
    before = snapshot(complaint)

    with pytest.raises(WrongState) as excinfo:
        complaint_accept(complaint_id=complaint.pk, actor=agent)

    assert not isinstance(excinfo.value, AlreadyAccepted)
    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["handler", "supervisor", "resident"])
def test_roles_without_accept_permission_are_refused(request, now, complaint, role):
    """Supervisors and the resident who filed it cannot accept (NotAllowed); a handler
    does not even find a complaint that is not their team's (ComplaintNotFound)."""
    actor = request.getfixturevalue(role)
    actor = actor.user if role == "resident" else actor
    before = snapshot(complaint)

    with pytest.raises(ComplaintNotFound if role == "handler" else NotAllowed):
        complaint_accept(complaint_id=complaint.pk, actor=actor)

    assert snapshot(complaint) == before


def test_staff_of_another_property_do_not_find_the_complaint(now, complaint, other_agent):
    """A complaint outside the actor's properties is "not found", not "forbidden"."""
    with pytest.raises(ComplaintNotFound):
        complaint_accept(complaint_id=complaint.pk, actor=other_agent)

    complaint.refresh_from_db()
    assert complaint.state == State.NEW


def test_unknown_complaint_is_not_found(db, agent):
    """An id that does not exist raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_accept(complaint_id=999_999, actor=agent)


def test_page_expecting_new_is_told_who_accepted_meanwhile(now, complaint, agent, agent2):
    """A caller passing the page's state ("new") after someone else accepted gets
    AlreadyAccepted naming the owner, from the service."""
    complaint_accept(complaint_id=complaint.pk, actor=agent)
    before = snapshot(complaint)

    with pytest.raises(AlreadyAccepted) as excinfo:
        complaint_accept(complaint_id=complaint.pk, actor=agent2, expected_state=State.NEW)

    assert excinfo.value.message == "Already accepted by Na Li."
    assert snapshot(complaint) == before


def test_page_expecting_new_of_a_withdrawn_complaint_is_stale(now, complaint, agent, resident):
    """Withdrawn meanwhile (no owner): ChangedMeanwhile names the state it is in now."""
    complaint_withdraw(complaint_id=complaint.pk, actor=resident.user)
    before = snapshot(complaint)

    with pytest.raises(ChangedMeanwhile) as excinfo:
        complaint_accept(complaint_id=complaint.pk, actor=agent, expected_state=State.NEW)

    assert isinstance(excinfo.value, WrongState)
    assert excinfo.value.message == (
        "Someone else changed this complaint meanwhile: it is now “Withdrawn”. "
        "Nothing was done; check it and try again."
    )
    assert snapshot(complaint) == before


def test_page_state_matching_accepts(now, complaint, agent):
    """With the page's state still current, the expected state changes nothing."""
    complaint_accept(complaint_id=complaint.pk, actor=agent, expected_state=State.NEW)

    complaint.refresh_from_db()
    assert complaint.owner == agent
