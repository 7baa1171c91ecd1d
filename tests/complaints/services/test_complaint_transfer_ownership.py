"""complaint_transfer_ownership: only a project manager moves ownership, with a reason."""

import pytest
from factories import AgentFactory, ProjectManagerFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import State, Transition
from complaints.services import complaint_transfer_ownership

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", [State.ACCEPTED, State.DISPATCHED, State.CLOSED])
def test_project_manager_transfers_with_a_reason(now, walk, agent, agent2, project_manager, state):
    """The new owner takes over, the state does not move, and a "transfer" row records the
    project manager, the reason and the new owner."""
    complaint = walk(state)

    complaint_transfer_ownership(
        complaint_id=complaint.pk,
        actor=project_manager,
        new_owner=agent2,
        reason="Na Li moved to another site",
    )

    complaint.refresh_from_db()
    assert complaint.owner == agent2
    assert complaint.state == state
    latest = assert_history(
        complaint,
        transition=Transition.TRANSFER,
        user=project_manager,
        reason="Na Li moved to another site",
    )
    assert latest.owner_id == agent2.pk
    assert latest.state == state


def test_transfer_without_a_reason_is_refused(now, walk, agent2, project_manager):
    """A transfer always carries a reason (InvalidInput on "reason")."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_transfer_ownership(
            complaint_id=complaint.pk, actor=project_manager, new_owner=agent2, reason=" "
        )

    assert excinfo.value.field == "reason"
    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["agent", "team_leader", "supervisor"])
def test_only_project_managers_transfer(request, now, walk, agent2, role):
    """Not even the owner may hand the complaint on (NotAllowed)."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(NotAllowed):
        complaint_transfer_ownership(
            complaint_id=complaint.pk,
            actor=request.getfixturevalue(role),
            new_owner=agent2,
            reason="Going on leave",
        )

    assert snapshot(complaint) == before


@pytest.mark.parametrize("state", [State.NEW, State.WITHDRAWN, State.MERGED])
def test_ownerless_complaints_cannot_be_transferred(now, walk, agent2, project_manager, state):
    """Nobody owns a new, withdrawn or merged complaint: WrongState."""
    complaint = walk(state)

    with pytest.raises(WrongState):
        complaint_transfer_ownership(
            complaint_id=complaint.pk, actor=project_manager, new_owner=agent2, reason="x"
        )


@pytest.mark.parametrize("new_owner", ["agent", "handler", "supervisor", "other_agent"])
def test_new_owner_must_be_another_agent_of_the_property(
    request, now, walk, project_manager, new_owner
):
    """The current owner, staff who may not accept, and staff of another property are all
    refused on "new_owner"."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_transfer_ownership(
            complaint_id=complaint.pk,
            actor=project_manager,
            new_owner=request.getfixturevalue(new_owner),
            reason="Rebalancing",
        )

    assert excinfo.value.field == "new_owner"
    assert snapshot(complaint) == before


def test_inactive_new_owner_is_refused(now, walk, project_manager, customer_service):
    """An agent who has left (inactive) cannot become the owner."""
    complaint = walk(State.ACCEPTED)
    leaver = AgentFactory(team=customer_service)
    leaver.is_active = False
    leaver.save()

    with pytest.raises(InvalidInput) as excinfo:
        complaint_transfer_ownership(
            complaint_id=complaint.pk, actor=project_manager, new_owner=leaver, reason="x"
        )

    assert excinfo.value.field == "new_owner"


def test_complaint_of_another_property_is_not_found(now, walk, agent2, other_prop):
    """A project manager of another property does not find the complaint."""
    complaint = walk(State.ACCEPTED)
    other_manager = ProjectManagerFactory(properties=[other_prop])

    with pytest.raises(ComplaintNotFound):
        complaint_transfer_ownership(
            complaint_id=complaint.pk, actor=other_manager, new_owner=agent2, reason="x"
        )


def test_system_actor_cannot_become_the_owner(now, walk, project_manager, system_user):
    """Ownership goes to a person of the property (首问负责制), never to the account that
    scheduled jobs act as, even though that account is a superuser."""
    complaint = walk(State.ACCEPTED)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_transfer_ownership(
            complaint_id=complaint.pk,
            actor=project_manager,
            new_owner=system_user,
            reason="Let the robot do it",
        )

    assert excinfo.value.field == "new_owner"
    assert snapshot(complaint) == before
