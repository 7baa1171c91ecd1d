"""The whole API against its own OpenAPI schema, fuzzed in process (schemathesis 4 over
the WSGI application, inside the normal test run): every operation the schema lists —
the residents', the staff's, the reports', the devices' as they are added — is called
with generated input as a resident and as a staff member, each call with a fresh token.
No answer may be a server error, and every answer must be one the schema documents: its
status code and its body's shape.

The examples are few and derandomized, so the run is repeatable and stays within a
minute on SQLite. schemathesis' own pytest loader (`schemathesis.pytest.from_fixture`)
does not run on pytest 9.2 (it sets `Function._nodeid`), so each operation's strategy is
run by Hypothesis here, and the failures of all operations are reported together."""

import re

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from factories import PASSWORD, ComplaintFactory, image_upload
from hypothesis import HealthCheck
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from complaints.models import State

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def fuzz_data(resident, resident2, unit, walk, settings) -> dict:
    """The resident's complaints in several states (one with a photo) and a neighbour's;
    filing is not held back by the hourly limit, so filing examples reach the service.
    Returns the ids that exist, for the path parameters, and a valid filing."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 10_000
    with_photo = ComplaintFactory(
        resident=resident, description="Crack in the wall", photos=[image_upload()]
    )
    walked = [walk(state) for state in (State.ACCEPTED, State.HANDLED, State.CLOSED)]
    neighbours = ComplaintFactory(resident=resident2)
    return {
        "complaints": [with_photo.pk, *(item.pk for item in walked), neighbours.pk],
        "photos": list(with_photo.photos.values_list("pk", flat=True)),
        "filing": {"description": "The tap drips.", "unit": unit.pk},
        "login": {"username": resident.user.username, "password": PASSWORD},
    }


def strategy(operation, data: dict) -> st.SearchStrategy:
    """The operation's generated cases, and as many again on objects that exist: ids of
    real complaints (or photos) in the path, a valid body for filing and for logging in."""
    free = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
    known = []
    for name in re.findall(r"{(\w+)}", operation.path):
        ids = data["photos"] if "/photos/" in operation.path else data["complaints"]
        known.extend(
            operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE, path_parameters={name: pk}
            )
            for pk in ids
        )
    bodies = {
        "POST /api/v1/resident/complaints/": (data["filing"], "multipart/form-data"),
        "POST /api/v1/auth/login/": (data["login"], "application/json"),
    }
    if operation.label in bodies:
        body, media_type = bodies[operation.label]
        known.append(
            operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE, body=body, media_type=media_type
            )
        )
    return st.one_of(free, *known) if known else free


def fuzz(operation, user, data: dict) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=strategy(operation, data))
    def run(case) -> None:
        # A fresh token per call: an example that logs out does not sign the rest out.
        _instance, token = AuthToken.objects.create(user=user)
        case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)

    run()


@pytest.fixture
def wsgi_application():
    """The project's WSGI handler on the test's database connection: as Django's test
    client does, requests do not close it (inside the test's transaction PostgreSQL's
    would be closed at each request's end)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["resident", "staff"])
def test_every_operation_answers_as_its_schema_says(
    role, resident, agent, fuzz_data, wsgi_application
):
    user = {"resident": resident.user, "staff": agent}[role]
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_application)
    failures, tried = [], 0
    for result in schema.get_all_operations():
        if not isinstance(result, Ok):
            failures.append(f"invalid operation in the schema: {result.err()}")
            continue
        operation = result.ok()
        tried += 1
        try:
            fuzz(operation, user, fuzz_data)
        except (Exception, BaseExceptionGroup) as error:  # all operations' failures, together
            failures.append(f"{operation.label}:\n{error}")
    assert tried >= 12, "the schema lost operations"
    assert not failures, (
        f"{len(failures)} of {tried} operations failed as {role}:\n\n" + "\n\n".join(failures)
    )
