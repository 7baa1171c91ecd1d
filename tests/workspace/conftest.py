"""Workspace fixtures: a resident whose phone masks to 138****1234, complaints walked
to any state, one on hold, and a second handler team to check that handlers see only
their own."""

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import TeamLeaderFactory
from staff_cases import (  # noqa: F401  (the fixtures the staff API tests share)
    action_case,
    env_handler,
    foreign_complaint,
    resident,
)

from complaints.models import Hold, State
from complaints.services import complaint_hold


@pytest.fixture
def env_leader(environment):
    """The environment team's leader: leads a team, but not the one dispatched to."""
    leader = TeamLeaderFactory(
        username="env-leader", team=environment, first_name="Jie", last_name="Xu"
    )
    environment.leader = leader
    environment.save()
    return leader


@pytest.fixture
def in_state(now, walk):
    """`in_state(state)`: a fresh resident complaint of Lakeside Garden walked to `state`
    (accepted, classified and dispatched by the agent to the handler's engineering team)."""

    def _in_state(state: str = State.NEW, **kwargs):
        return walk(state, **kwargs)

    return _in_state


@pytest.fixture
def viewport():
    """The browser page's size: a desktop screen; a module may ask for another."""
    return {"width": 1366, "height": 768}


@pytest.fixture
def page(chromium, viewport):
    """A desktop browser page for the workspace's browser tests."""
    context = chromium.new_context(viewport=viewport)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def held(now, walk, agent):
    """A dispatched complaint on hold for parts ("Pump on order"), to resume in 5 hours."""
    complaint = walk("dispatched")
    complaint_hold(
        complaint_id=complaint.pk,
        actor=agent,
        reason=Hold.Reason.PARTS,
        resume_at=timezone.now() + timedelta(hours=5),
        note="Pump on order",
    )
    complaint.refresh_from_db()
    return complaint
