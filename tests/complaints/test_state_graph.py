"""The complaint lifecycle graph, checked pair by pair against SPEC §3 and the model
docstring:

    new --accept--> accepted --classify--> classified --dispatch--> dispatched
    dispatched --dispatch--> dispatched              (re-dispatch to another team)
    dispatched --handle--> handled --close--> closed --revisit--> revisited
    handled|closed|revisited --reopen--> reopened --dispatch--> dispatched
    new --withdraw--> withdrawn                      (resident, before acceptance)
    new|accepted --merge--> merged                   (duplicate of another complaint)
"""

import pytest
from django_fsm import FSMFieldMixin, can_proceed

from complaints.models import Complaint

TRANSITIONS = [
    "accept",
    "classify",
    "dispatch",
    "handle",
    "close",
    "revisit",
    "reopen",
    "withdraw",
    "merge",
]

# (state, transition) -> target state; every pair not listed must be refused.
ALLOWED = {
    ("new", "accept"): "accepted",
    ("new", "withdraw"): "withdrawn",
    ("new", "merge"): "merged",
    ("accepted", "classify"): "classified",
    ("accepted", "merge"): "merged",
    ("classified", "dispatch"): "dispatched",
    ("dispatched", "dispatch"): "dispatched",
    ("dispatched", "handle"): "handled",
    ("handled", "close"): "closed",
    ("handled", "reopen"): "reopened",
    ("closed", "revisit"): "revisited",
    ("closed", "reopen"): "reopened",
    ("revisited", "reopen"): "reopened",
    ("reopened", "dispatch"): "dispatched",
}

STATES = [
    "new",
    "accepted",
    "classified",
    "dispatched",
    "handled",
    "closed",
    "revisited",
    "reopened",
    "withdrawn",
    "merged",
]


@pytest.mark.parametrize(
    ("state", "transition"),
    [(state, transition) for state in STATES for transition in TRANSITIONS],
)
def test_transition_is_allowed_exactly_where_the_graph_says(state, transition):
    """can_proceed is True exactly for the pairs of the graph, and each allowed transition
    leads to the graph's target state."""
    complaint = Complaint(state=state)
    method = getattr(complaint, transition)

    assert can_proceed(method) is ((state, transition) in ALLOWED)
    if (state, transition) in ALLOWED:
        targets = {
            t.target for t in complaint.get_available_state_transitions() if t.name == transition
        }
        assert targets == {ALLOWED[(state, transition)]}


def test_the_model_declares_exactly_these_states_and_transitions():
    """No state or transition exists beyond the table above."""
    declared = {t.name for t in Complaint._meta.get_field("state").get_all_transitions(Complaint)}
    assert declared == set(TRANSITIONS)
    assert {value for value, _ in Complaint._meta.get_field("state").choices} == set(STATES)


def test_the_concurrency_guard_watches_every_fsm_field():
    """Complaint.state_fields names its FSM fields instead of searching them for every
    loaded complaint; a second FSM field must be named there too."""
    fsm_fields = tuple(f for f in Complaint._meta.fields if isinstance(f, FSMFieldMixin))
    assert Complaint().state_fields == fsm_fields
