"""Two agents press accept through the API at the same moment (PostgreSQL, two
connections): one gets 200 and owns the complaint, the other 409 "already_accepted"
naming the winner; one owner, one accept row in the history."""

import threading

import pytest
from django.db import connections
from factories import AgentFactory, ComplaintFactory, PropertyFactory, ResidentFactory, UnitFactory
from staff_fixtures import action_url, as_user

from complaints.models import State, Transition


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_agents_accepting_through_the_api_at_once_make_one_owner():
    prop = PropertyFactory()
    agents = [
        AgentFactory(properties=[prop], first_name=name, last_name="Wang")
        for name in ("Fang", "Lei")
    ]
    complaint = ComplaintFactory(
        resident=ResidentFactory(unit=UnitFactory(building__property=prop))
    )
    clients = [as_user(agent) for agent in agents]
    barrier = threading.Barrier(len(agents), timeout=30)
    answers: list = [None] * len(agents)

    def press_accept(index: int) -> None:
        try:
            barrier.wait()
            answers[index] = clients[index].post(
                action_url(complaint, "accept"), {"expected_state": "new"}, format="json"
            )
        except Exception as error:  # every outcome is inspected below
            answers[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press_accept, args=(i,)) for i in range(len(agents))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    statuses = sorted(getattr(answer, "status_code", answer) for answer in answers)
    assert statuses == [200, 409], answers
    (winner,) = [agents[i] for i, answer in enumerate(answers) if answer.status_code == 200]
    (loser,) = [answer for answer in answers if answer.status_code == 409]
    assert loser.json() == {
        "code": "already_accepted",
        "detail": f"Already accepted by {winner.get_full_name()}.",
    }
    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner) == (State.ACCEPTED, winner)
    accepts = complaint.history.filter(transition=Transition.ACCEPT)
    assert accepts.count() == 1 and accepts.get().history_user == winner
