"""Exactly one owner, however many people press accept at once (首问负责制), guarded by
the row lock in the service and by a check constraint in the database."""

import threading

import pytest
from django.db import IntegrityError, connections, transaction
from factories import AgentFactory, ComplaintFactory, PropertyFactory, ResidentFactory, UnitFactory

from complaints.exceptions import AlreadyAccepted
from complaints.models import Complaint, State, Transition
from complaints.services import complaint_accept

AGENTS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_agents_accepting_at_once_make_exactly_one_owner():
    """20 agents, each on their own connection, accept the same complaint behind a barrier:
    one wins, the 19 others get AlreadyAccepted naming the winner, and the database holds
    that owner and exactly one "accept" history row."""
    prop = PropertyFactory()
    agents = [
        AgentFactory(properties=[prop], first_name=f"Agent{i:02d}", last_name="Wang")
        for i in range(AGENTS)
    ]
    resident = ResidentFactory(unit=UnitFactory(building__property=prop))
    complaint = ComplaintFactory(resident=resident)
    barrier = threading.Barrier(AGENTS, timeout=30)
    outcomes: list[object] = [None] * AGENTS

    def press_accept(index: int) -> None:
        try:
            barrier.wait()
            complaint_accept(complaint_id=complaint.pk, actor=agents[index])
            outcomes[index] = "won"
        except Exception as error:  # every outcome is inspected below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_accept, args=(i,)) for i in range(AGENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    winners = [i for i, outcome in enumerate(outcomes) if outcome == "won"]
    assert len(winners) == 1, outcomes
    winner = agents[winners[0]]
    winner_name = winner.get_full_name()
    losers = [outcome for i, outcome in enumerate(outcomes) if i != winners[0]]
    assert all(isinstance(outcome, AlreadyAccepted) for outcome in losers), losers
    assert {outcome.owner_name for outcome in losers} == {winner_name}
    assert all(winner_name in outcome.message for outcome in losers)

    complaint.refresh_from_db()
    assert complaint.state == State.ACCEPTED
    assert complaint.owner == winner
    accept_rows = complaint.history.filter(transition=Transition.ACCEPT)
    assert accept_rows.count() == 1
    assert accept_rows.get().history_user == winner


@pytest.mark.django_db
def test_database_refuses_an_accepted_complaint_without_owner(complaint):
    """The check constraint "complaint_accepted_has_owner" rejects a state past "new"
    without an owner, even when the state machine is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(state=State.ACCEPTED)

    complaint.refresh_from_db()
    assert complaint.state == State.NEW


@pytest.mark.django_db
def test_database_refuses_a_merged_complaint_without_target(complaint):
    """The check constraint "complaint_merged_has_target" rejects a merge with no target."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=complaint.pk).update(state=State.MERGED)
