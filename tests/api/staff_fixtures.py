"""Fixtures and helpers of the staff API tests: an API client per user (session or knox
token, English unless asked), complaints walked to any state, and the URLs.

Test modules import the fixtures they use (`from staff_fixtures import ...`): this
folder has no conftest of its own."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from staff_cases import (  # noqa: F401  (re-exported: the test modules import them here)
    ACTION_STATES,
    MASKED,
    PHONE,
    action_case,
    env_handler,
    foreign_complaint,
    resident,
)

from complaints.models import State


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
