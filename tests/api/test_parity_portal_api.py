"""The portal and the API give the same answers (issue 14): for each resident action and
its refusals, the portal (Django's test client, as tests/portal/ drive it) and the API
act on equal fresh data, and end with the same state, the same history transition and
the same kind of refusal, with the service's own message where both show one.

One table, one row per case; each side gets a complaint of its own walked to the row's
state through the services, so neither sees what the other did."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib.messages import constants, get_messages
from django.test import Client
from django.urls import reverse
from factories import ComplaintFactory, UnitFactory, complaint_walk
from resident_fixtures import api_client, api_url

from complaints.models import Complaint, State, Transition

GOOD_SCORES = {"solved": 100, "speed": 80, "attitude": 100, "comment": "Thanks"}
LOW_SCORES = {"solved": 20, "speed": 40, "attitude": 60, "comment": "Slow"}

# The kind of answer, whichever interface gave it.
OK, INVALID, REFUSED, NOT_FOUND, LIMIT = "ok", "invalid", "refused", "not_found", "limit"


@dataclass
class Case:
    """`action` on a complaint walked to `state` (for "file": what is filed), with
    `data` (API shape; the portal's is derived), expected to end `expected` with the
    complaint in `state_after` and its newest history row `transition`."""

    name: str
    action: str
    state: str | None
    data: dict
    expected: str
    state_after: str | None
    transition: str | None
    # Someone else's complaint; the clock moved on after the walk; the filing limit
    # reached; whether both sides show the service's message (the portal answers a
    # rated complaint's survey from its page, before the service).
    neighbours: bool = False
    later: timedelta | None = None
    at_limit: bool = False
    same_message: bool = True
    extra: dict = field(default_factory=dict)


CASES = [
    Case("file", "file", None, {"description": "Tap drips"}, OK, State.NEW, Transition.CREATE),
    Case(
        "file, a neighbour's unit",
        "file",
        None,
        {"description": "Tap drips", "place": "neighbour"},
        INVALID,
        None,
        None,
    ),
    Case("file, no description", "file", None, {"description": ""}, INVALID, None, None),
    Case(
        "file, over the hourly limit",
        "file",
        None,
        {"description": "Tap drips"},
        LIMIT,
        None,
        None,
        at_limit=True,
    ),
    Case(
        "withdraw",
        "withdraw",
        State.NEW,
        {"reason": "Fixed it myself"},
        OK,
        State.WITHDRAWN,
        Transition.WITHDRAW,
    ),
    Case(
        "withdraw, accepted",
        "withdraw",
        State.ACCEPTED,
        {},
        REFUSED,
        State.ACCEPTED,
        Transition.ACCEPT,
    ),
    Case(
        "withdraw, reason too long",
        "withdraw",
        State.NEW,
        {"reason": "x" * 201},
        INVALID,
        State.NEW,
        Transition.CREATE,
    ),
    Case(
        "withdraw, a neighbour's",
        "withdraw",
        State.NEW,
        {},
        NOT_FOUND,
        State.NEW,
        Transition.CREATE,
        neighbours=True,
    ),
    Case("confirm", "confirm", State.HANDLED, {}, OK, State.CLOSED, Transition.CLOSE),
    Case(
        "confirm, dispatched",
        "confirm",
        State.DISPATCHED,
        {},
        REFUSED,
        State.DISPATCHED,
        Transition.DISPATCH,
    ),
    Case(
        "confirm, closed already",
        "confirm",
        State.CLOSED,
        {},
        REFUSED,
        State.CLOSED,
        Transition.CLOSE,
    ),
    Case(
        "confirm, a neighbour's",
        "confirm",
        State.HANDLED,
        {},
        NOT_FOUND,
        State.HANDLED,
        Transition.HANDLE,
        neighbours=True,
    ),
    Case(
        "not fixed",
        "reopen",
        State.HANDLED,
        {"reason": "Still dripping"},
        OK,
        State.REOPENED,
        Transition.REOPEN,
    ),
    Case(
        "not fixed, no reason",
        "reopen",
        State.HANDLED,
        {"reason": ""},
        INVALID,
        State.HANDLED,
        Transition.HANDLE,
    ),
    Case(
        "not fixed, dispatched",
        "reopen",
        State.DISPATCHED,
        {"reason": "Still dripping"},
        REFUSED,
        State.DISPATCHED,
        Transition.DISPATCH,
    ),
    Case(
        "reopen within 7 days",
        "reopen",
        State.CLOSED,
        {"reason": "Leaking again"},
        OK,
        State.REOPENED,
        Transition.REOPEN,
        later=timedelta(days=6),
    ),
    Case(
        "reopen after 7 days",
        "reopen",
        State.CLOSED,
        {"reason": "Leaking again"},
        REFUSED,
        State.CLOSED,
        Transition.CLOSE,
        later=timedelta(days=8),
    ),
    Case(
        "reopen, revisited within 7 days",
        "reopen",
        State.REVISITED,
        {"reason": "Back again"},
        OK,
        State.REOPENED,
        Transition.REOPEN,
    ),
    Case(
        "reopen, new", "reopen", State.NEW, {"reason": "?"}, REFUSED, State.NEW, Transition.CREATE
    ),
    Case("survey", "survey", State.CLOSED, GOOD_SCORES, OK, State.CLOSED, Transition.CLOSE),
    Case(
        "survey, low scores",
        "survey",
        State.CLOSED,
        LOW_SCORES,
        OK,
        State.CLOSED,
        Transition.SURVEY,
    ),
    Case(
        "survey, a score over 100",
        "survey",
        State.CLOSED,
        {**GOOD_SCORES, "speed": 101},
        INVALID,
        State.CLOSED,
        Transition.CLOSE,
    ),
    Case(
        "survey, handled",
        "survey",
        State.HANDLED,
        GOOD_SCORES,
        REFUSED,
        State.HANDLED,
        Transition.HANDLE,
        same_message=False,
    ),
    Case(
        "survey, rated already",
        "survey",
        State.CLOSED,
        GOOD_SCORES,
        REFUSED,
        State.CLOSED,
        Transition.CLOSE,
        same_message=False,
        extra={"rated": True},
    ),
    Case(
        "survey, a neighbour's",
        "survey",
        State.CLOSED,
        GOOD_SCORES,
        NOT_FOUND,
        State.CLOSED,
        Transition.CLOSE,
        neighbours=True,
    ),
]


@dataclass
class Outcome:
    kind: str
    message: str | None
    complaints: int
    state: str | None
    transition: str | None
    history: int | None
    ratings: int | None


def portal_answer(response) -> tuple[str, str | None]:
    """The kind of the portal's answer and the message it shows (error or info)."""
    if response.status_code == 404:
        return NOT_FOUND, None
    if response.status_code == 429:
        return LIMIT, None
    if response.status_code in (200, 400):
        # The form again, with its errors.
        return INVALID, None
    assert response.status_code == 302, response.status_code
    shown = list(get_messages(response.wsgi_request))
    refusals = [str(item) for item in shown if item.level in (constants.ERROR, constants.INFO)]
    if refusals:
        return REFUSED, refusals[0]
    return OK, None


def api_answer(response) -> tuple[str, str | None]:
    if response.status_code in (200, 201):
        return OK, None
    body = response.json()
    kind = {400: INVALID, 404: NOT_FOUND, 429: LIMIT, 403: REFUSED, 409: REFUSED}[
        response.status_code
    ]
    return kind, body["detail"] if kind == REFUSED else None


class World:
    """The people and places of one test, and the walk to a case's state."""

    def __init__(self, *, resident, resident2, unit, building, settings, time_machine, now, staff):
        self.resident = resident
        self.resident2 = resident2
        self.unit = unit
        self.building = building
        self.settings = settings
        self.time_machine = time_machine
        self.now = now
        self.staff = staff
        self.neighbour_unit = UnitFactory(building=building, number="1102")

    def complaint_in(self, case: Case) -> Complaint:
        owner = self.resident2 if case.neighbours else self.resident
        complaint = ComplaintFactory(resident=owner)
        complaint = complaint_walk(
            complaint,
            case.state,
            agent=self.staff["agent"],
            handler=self.staff["handler"],
            team=self.staff["team"],
            category=self.staff["category"],
        )
        if case.extra.get("rated"):
            from complaints import services

            services.survey_submit(complaint_id=complaint.pk, actor=owner.user, **GOOD_SCORES)
        return complaint

    def filing_data(self, case: Case) -> tuple[dict, dict]:
        """(portal form data, API data) of a filing case."""
        unit = self.neighbour_unit if case.data.get("place") == "neighbour" else self.unit
        text = {"description": case.data["description"], "location_text": "Kitchen"}
        return {**text, "place": f"unit:{unit.pk}", "category": ""}, {**text, "unit": unit.pk}


def run_side(world: World, case: Case, side: str) -> Outcome:
    """Act once through `side` ("portal" or "api") on its own fresh complaint."""
    user = world.resident.user
    complaint = None
    if case.action == "file":
        before = set(Complaint.objects.values_list("pk", flat=True))
        if case.at_limit:
            world.settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = Complaint.objects.filter(
                created_by=user
            ).count()
        portal_data, data = world.filing_data(case)
        if side == "portal":
            client = Client()
            client.force_login(user)
            response = client.post(reverse("portal:complaint_new"), portal_data)
        else:
            response = api_client(user, token=True).post(
                api_url("resident_complaints"), data, format="multipart"
            )
        world.settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 100
        created = Complaint.objects.exclude(pk__in=before)
        kind, message = (portal_answer if side == "portal" else api_answer)(response)
        complaint = created.first()
        count = created.count()
    else:
        world.time_machine.move_to(world.now, tick=False)
        complaint = world.complaint_in(case)
        if case.later:
            world.time_machine.move_to(world.now + case.later, tick=False)
        if side == "portal":
            client = Client()
            client.force_login(user)
            response = client.post(
                reverse(f"portal:complaint_{case.action}", args=[complaint.pk]), case.data
            )
        else:
            response = api_client(user, token=True).post(
                api_url(f"resident_complaint_{case.action}", complaint.pk), case.data, format="json"
            )
        kind, message = (portal_answer if side == "portal" else api_answer)(response)
        count = 1
    if complaint is None:
        return Outcome(kind, message, count, None, None, None, None)
    complaint.refresh_from_db()
    latest = complaint.history.latest()
    return Outcome(
        kind,
        message,
        count,
        complaint.state,
        latest.transition,
        complaint.history.count(),
        complaint.surveys.filter(submitted_at__isnull=False).count(),
    )


@pytest.fixture
def world(
    resident,
    resident2,
    unit,
    building,
    settings,
    time_machine,
    now,
    agent,
    handler,
    engineering,
    category,
) -> World:
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 100
    staff = {"agent": agent, "handler": handler, "team": engineering, "category": category}
    return World(
        resident=resident,
        resident2=resident2,
        unit=unit,
        building=building,
        settings=settings,
        time_machine=time_machine,
        now=now,
        staff=staff,
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_portal_and_api_give_the_same_answer(world, case):

    portal = run_side(world, case, "portal")
    api = run_side(world, case, "api")

    assert portal.kind == api.kind == case.expected, (portal, api)
    assert portal.state == api.state == case.state_after, (portal, api)
    assert portal.transition == api.transition == case.transition, (portal, api)
    assert portal.history == api.history, (portal, api)
    assert portal.ratings == api.ratings, (portal, api)
    if case.action == "survey":
        assert api.ratings == (1 if case.expected == OK or case.extra.get("rated") else 0)
    assert portal.complaints == api.complaints == (1 if case.state_after else 0), (portal, api)
    if case.expected == REFUSED:
        assert portal.message and api.message
        if case.same_message:
            assert portal.message == api.message
