"""Fixtures and helpers of the staff API tests: an API client per user (session or knox
token, English unless asked), complaints walked to any state, and the URLs.

Test modules import the fixtures they use (`from staff_fixtures import ...`): this
folder has no conftest of its own."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from factories import ComplaintFactory, HandlerFactory, ResidentFactory, UnitFactory
from rest_framework.test import APIClient

from complaints import services
from complaints.models import State

PHONE = "13812341234"
MASKED = "138****1234"
HOLD_UNTIL = "2025-03-11T09:00"  # local time, a day after the frozen clock


def list_url() -> str:
    return reverse("api:staff-complaint-list")


def detail_url(complaint) -> str:
    return reverse("api:staff-complaint-detail", args=[complaint.pk])


def action_url(complaint, action: str) -> str:
    return reverse("api:staff-complaint-transition", args=[complaint.pk, action])


def as_user(user, language: str = "en") -> APIClient:
    """A client logged in as `user` (None: anonymous) asking for `language`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


def admin_search_ids(client, term: str) -> set[int]:
    """The complaints the admin changelist's search box finds for `term` (the client
    logged in as staff)."""
    response = client.get(reverse("admin:complaints_complaint_changelist"), {"q": term})
    assert response.status_code == 200
    references = re.findall(
        r'<td class="field-reference_link"><a href="[^"]+">(TS\d{8})</a>',
        response.content.decode(),
    )
    return {int(reference[2:]) for reference in references}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def api():
    """`api(user, language="en")`: an APIClient for that user."""
    return as_user


@pytest.fixture
def resident(unit):
    """The resident of the root conftest, with a phone number that masks recognisably."""
    return ResidentFactory(user__username="resident", name="Zhang Wei", unit=unit, phone=PHONE)


@pytest.fixture
def in_state(now, walk, settings):
    """`in_state(state)`: a fresh resident complaint of Lakeside Garden walked to `state`
    (accepted, classified and dispatched by the agent to the handler's engineering team).
    The resident's hourly filing limit is lifted: these tests file many at once."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 1000

    def _in_state(state: str = State.NEW, **kwargs):
        complaint = walk(state, **kwargs)
        complaint.refresh_from_db()
        return complaint

    return _in_state


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


# What each action needs: the state it starts from and valid fields.
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
def action_case(now, in_state, agent, agent2, handler, engineering, category):
    """`action_case(action)`: (complaint, fields) — a complaint in a state where its
    owner or team could perform `action`, and fields the action's form accepts."""

    def _case(action: str):
        complaint = in_state(ACTION_STATES[action])
        data = {
            "accept": {},
            "classify": {"category": category.pk, "level": 2},
            "dispatch": {"team": engineering.pk, "assignee": handler.pk},
            "handle": {"note": "Replaced the seal."},
            "close": {"reason": "Resident unreachable for three days"},
            "revisit": {"note": "The resident is satisfied."},
            "reopen": {"reason": "Leaking again."},
            "merge": {},
            "set_level": {"level": 3, "reason": "It is only a suggestion."},
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
