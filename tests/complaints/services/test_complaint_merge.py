"""complaint_merge: a new or accepted complaint is marked a duplicate of another one of
the same property."""

import pytest
from factories import AgentFactory, ComplaintFactory, ResidentFactory, UnitFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import Channel, State, Transition
from complaints.services import complaint_merge

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(now, agent, prop):
    """The complaint the duplicates go into: a phone report of the same problem."""
    return ComplaintFactory(
        actor=agent, resident=None, property=prop, channel=Channel.PHONE, description="Leak B3"
    )


def test_agent_merges_a_new_duplicate(now, complaint, original, agent2):
    """Any agent may merge a new complaint: merged_into and merged_at are set, no owner, and
    the history reason defaults to "Duplicate of <reference>"."""
    complaint_merge(complaint_id=complaint.pk, actor=agent2, into_id=original.pk)

    complaint.refresh_from_db()
    assert complaint.state == State.MERGED
    assert complaint.merged_into == original
    assert complaint.merged_at == now
    assert complaint.owner is None
    assert_history(
        complaint,
        transition=Transition.MERGE,
        user=agent2,
        reason=f"Duplicate of {original.reference}",
    )
    original.refresh_from_db()
    assert original.state == State.NEW


def test_owner_merges_an_accepted_complaint_with_a_reason(now, walk, original, agent):
    """The owner of an accepted complaint may merge it; their reason is recorded."""
    complaint = walk(State.ACCEPTED)

    complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=original.pk, reason="Same pipe")

    complaint.refresh_from_db()
    assert complaint.state == State.MERGED
    assert complaint.owner == agent
    assert_history(complaint, transition=Transition.MERGE, user=agent, reason="Same pipe")


def test_agent_who_is_not_the_owner_cannot_merge_an_accepted_one(now, walk, original, agent2):
    """An accepted complaint belongs to its owner: another agent is refused."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(NotAllowed):
        complaint_merge(complaint_id=complaint.pk, actor=agent2, into_id=original.pk, reason="Dup")

    assert snapshot(complaint) == before


def test_project_manager_overriding_needs_a_reason(now, walk, original, project_manager):
    """Merging an agent's accepted complaint without a reason: InvalidInput on "reason"."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_merge(complaint_id=complaint.pk, actor=project_manager, into_id=original.pk)

    assert excinfo.value.field == "reason"
    assert snapshot(complaint) == before


def test_project_manager_overriding_with_a_reason(now, walk, original, project_manager):
    """With a reason the project manager merges it and the reason is in history."""
    complaint = walk(State.ACCEPTED)

    complaint_merge(
        complaint_id=complaint.pk,
        actor=project_manager,
        into_id=original.pk,
        reason="Same leak, one ticket",
    )

    complaint.refresh_from_db()
    assert complaint.state == State.MERGED
    assert_history(
        complaint, transition=Transition.MERGE, user=project_manager, reason="Same leak, one ticket"
    )


def test_merge_into_itself_is_refused(now, complaint, agent):
    """A complaint cannot be its own duplicate."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=complaint.pk)

    assert excinfo.value.field == "into"
    complaint.refresh_from_db()
    assert complaint.state == State.NEW


def test_merge_into_another_property_is_refused(now, complaint, prop, other_prop, other_building):
    """Even staff who see both properties may only merge within one property."""
    regional_agent = AgentFactory(properties=[prop, other_prop])
    elsewhere = ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building=other_building))
    )
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_merge(complaint_id=complaint.pk, actor=regional_agent, into_id=elsewhere.pk)

    assert excinfo.value.field == "into"
    assert snapshot(complaint) == before


def test_merge_into_a_complaint_the_actor_cannot_see_is_not_found(
    now, complaint, agent, other_building
):
    """A target outside the actor's properties is "not found"."""
    elsewhere = ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building=other_building))
    )

    with pytest.raises(ComplaintNotFound):
        complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=elsewhere.pk)


@pytest.mark.parametrize("target_state", [State.MERGED, State.WITHDRAWN])
def test_merge_into_a_merged_or_withdrawn_complaint_is_refused(
    now, walk, complaint, agent, target_state
):
    """The target must be a live complaint, not another duplicate or a withdrawn one."""
    target = walk(target_state)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=target.pk)

    assert excinfo.value.field == "into"


@pytest.mark.parametrize("state", [State.CLASSIFIED, State.CLOSED, State.MERGED])
def test_wrong_state_is_refused(now, walk, original, agent, state):
    """Only new or accepted complaints can be merged: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=original.pk)

    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_roles_without_merge_permission_are_refused(request, now, complaint, original, role):
    """Supervisors cannot merge (NotAllowed); a handler does not even find a complaint
    that is not their team's (ComplaintNotFound)."""
    with pytest.raises(ComplaintNotFound if role == "handler" else NotAllowed):
        complaint_merge(
            complaint_id=complaint.pk, actor=request.getfixturevalue(role), into_id=original.pk
        )


def test_staff_of_another_property_do_not_find_it(now, complaint, original, other_agent):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_merge(complaint_id=complaint.pk, actor=other_agent, into_id=original.pk)
