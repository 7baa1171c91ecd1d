"""The complaint changelist, each queue and the admin index render in a fixed number of
SQL queries: the same for 20 rows as for 200 (list_select_related, no per-row lookups)."""

import pytest
from factories import TeamFactory
from workspace_helpers import admin_url

from complaints import services
from complaints.models import Category, Channel, Complaint, State
from complaints.selectors import Queue
from staff.models import Team

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
"""Issue 15's bound: session, user with profile, two for permissions, scope, the filters'
choices, the count, the rows with two prefetches, unread notifications; and it does not
grow with the rows."""


@pytest.fixture
def templates(in_state, agent, engineering, environment, building, photo_category):
    """One complaint of each kind a list shows: every open state, one dispatched to
    environment, one with a sub-category (category__parent), and a common-area complaint
    (building, no unit)."""
    complaints = [
        in_state(state)
        for state in (
            State.NEW,
            State.ACCEPTED,
            State.CLASSIFIED,
            State.DISPATCHED,
            State.HANDLED,
            State.CLOSED,
            State.REOPENED,
        )
    ]
    complaints.append(in_state(State.DISPATCHED, category=photo_category))
    to_environment = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=to_environment.pk, actor=agent, team=environment)
    complaints.append(to_environment)
    common = services.complaint_create(
        actor=agent,
        channel=Channel.WALK_IN,
        building=building,
        description="Lobby light broken",
        location_text="Lobby",
        contact_phone="13900001111",
    )
    services.complaint_accept(complaint_id=common.pk, actor=agent)
    complaints.append(common)
    for complaint in complaints:
        complaint.refresh_from_db()
    assert Category.objects.filter(pk=photo_category.pk, parent__isnull=False).exists()
    return complaints


def fill_to(total: int, templates: list[Complaint]) -> None:
    """Copy the templates round-robin (one INSERT; no history: bulk test data) until the
    property has `total` complaints."""
    missing = total - Complaint.objects.count()
    fields = [f for f in Complaint._meta.concrete_fields if not f.primary_key]
    Complaint.objects.bulk_create(
        [
            Complaint(
                **{f.attname: getattr(templates[i % len(templates)], f.attname) for f in fields}
            )
            for i in range(missing)
        ]
    )
    assert Complaint.objects.count() == total


PAGES = [
    ("changelist", {}),
    ("changelist-all", {"all": ""}),
    *[(f"queue-{queue}", {"queue": queue}) for queue in Queue.values],
    *[(f"queue-{queue}-all", {"queue": queue, "all": ""}) for queue in Queue.values],
]


def measure(client, django_assert_max_num_queries) -> dict[str, int]:
    """Queries per page (after one warm-up request), each within MAX_QUERIES."""
    client.get(admin_url("index"))
    counts = {}
    for name, params in [("index", None), *PAGES]:
        url = admin_url("index") if params is None else admin_url("complaints_complaint_changelist")
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            response = client.get(url, params or {})
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


@pytest.mark.parametrize("role", ["agent", "handler", "project_manager", "supervisor"])
def test_list_and_queues_take_the_same_queries_for_20_and_200_rows(
    request, client, templates, role, django_assert_max_num_queries
):
    """With 20 and then 200 complaints (all rows shown with ?all=), the changelist, every
    ?queue=... and the index with its counts take the same bounded number of queries."""
    client.force_login(request.getfixturevalue(role))

    fill_to(20, templates)
    small = measure(client, django_assert_max_num_queries)
    fill_to(200, templates)
    large = measure(client, django_assert_max_num_queries)

    assert large == small


def test_all_200_rows_are_rendered(client, templates, agent):
    """?all= really lists the 200 rows the bound above was measured on."""
    fill_to(200, templates)
    client.force_login(agent)

    response = client.get(admin_url("complaints_complaint_changelist"), {"all": ""})

    assert len(response.context["cl"].result_list) == 200


def test_list_queries_do_not_grow_with_the_number_of_teams(
    client, prop, in_state, agent, project_manager, django_assert_max_num_queries
):
    """Complaints spread over more teams (the team filter lists each one) take no more
    queries than complaints of one team."""
    client.force_login(project_manager)
    url = admin_url("complaints_complaint_changelist")

    def dispatch_to_new_team():
        complaint = in_state(State.CLASSIFIED)
        team = TeamFactory(property=prop, kind=Team.Kind.SECURITY)
        services.complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=team)

    dispatch_to_new_team()
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES) as one_team:
        client.get(url)
    # Read now: a request made outside a capture empties the connection's query log.
    queries_of_one_team = len(one_team)
    for _ in range(4):
        dispatch_to_new_team()
    with django_assert_max_num_queries(MAX_QUERIES) as five_teams:
        client.get(url)

    assert len(five_teams) == queries_of_one_team
