"""Fixtures the staff workspace tests and the staff API tests share: a resident whose
phone masks recognisably, a complaint of another property, a handler of another team,
and `action_case` — a complaint ready for each action with fields its form accepts.
Their folders' fixture modules import them from here."""

from datetime import timedelta

import pytest
from factories import ComplaintFactory, HandlerFactory, ResidentFactory, UnitFactory

from complaints import services
from complaints.models import State

PHONE = "13812341234"
MASKED = "138****1234"
HOLD_UNTIL = "2025-03-11T09:00"  # local time, a day after the frozen clock

# What each action needs: the state it starts from and valid form data.
ACTION_STATES = {
    "accept": State.NEW,
    "classify": State.ACCEPTED,
    "dispatch": State.CLASSIFIED,
    "handle": State.DISPATCHED,
    "close": State.HANDLED,
    "revisit": State.CLOSED,
    "reopen": State.CLOSED,
    "merge": State.NEW,
    "set_level": State.CLASSIFIED,
    "hold": State.CLASSIFIED,
    "resume": State.CLASSIFIED,
    "on_site": State.DISPATCHED,
    "transfer": State.ACCEPTED,
    "message": State.DISPATCHED,
    "model_case": State.CLOSED,
}


@pytest.fixture
def resident(unit):
    """The resident of the root conftest, with a phone number that masks recognisably."""
    return ResidentFactory(user__username="resident", name="Zhang Wei", unit=unit, phone=PHONE)


@pytest.fixture
def foreign_complaint(now, other_building):
    """A new complaint of Riverside Plaza, filed by one of its residents."""
    neighbour = ResidentFactory(unit=UnitFactory(building=other_building), phone="13912345678")
    return ComplaintFactory(resident=neighbour, description="Riverside lift stuck on floor 9")


@pytest.fixture
def env_handler(environment):
    """A handler of the environment team: not the team engineering complaints go to."""
    return HandlerFactory(
        username="env-handler", team=environment, first_name="Fang", last_name="Wu"
    )


@pytest.fixture
def action_case(now, in_state, agent, agent2, handler, engineering, category):
    """`action_case(action)`: (complaint, form data) — a complaint in a state where its
    owner or team could perform `action`, and data the action's form accepts."""

    def _case(action: str):
        complaint = in_state(ACTION_STATES[action])
        data = {
            "accept": {},
            "classify": {"category": category.pk, "level": "2"},
            "dispatch": {"team": engineering.pk, "assignee": handler.pk},
            "handle": {"note": "Replaced the seal."},
            "close": {"reason": "Resident unreachable for three days"},
            "revisit": {"note": "The resident is satisfied."},
            "reopen": {"reason": "Leaking again."},
            "merge": {},
            "set_level": {"level": "3", "reason": "It is only a suggestion."},
            "hold": {"reason": "parts", "resume_at": HOLD_UNTIL, "note": "Seal on order"},
            "resume": {},
            "on_site": {},
            "transfer": {"new_owner": agent2.pk, "reason": "Na Li is on leave."},
            "message": {"body": "The plumber comes at 3 pm.", "language": "en"},
            "model_case": {
                "title": "Sink seal",
                "what_happened": "Water under the sink.",
                "what_fixed_it": "A new seal.",
                "what_to_avoid": "Waiting for parts.",
            },
        }[action]
        if action == "merge":
            original = in_state(State.ACCEPTED)
            data = {"into": original.reference}
        if action == "resume":
            services.complaint_hold(
                complaint_id=complaint.pk,
                actor=agent,
                reason="parts",
                resume_at=now + timedelta(hours=24),
            )
            complaint.refresh_from_db()
        return complaint, data

    return _case
