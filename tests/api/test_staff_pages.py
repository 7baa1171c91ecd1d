"""The staff list's keyset pages: walking every page forward (and back) gives each
visible complaint exactly once in the list's order, even when filing times tie, and a
later page takes the same queries as the first."""

import base64

import pytest
from staff_fixtures import api, in_state, list_url, resident

from complaints import services
from complaints.models import Complaint, State
from complaints.selectors import complaint_list_visible_to

pytestmark = pytest.mark.django_db

__all__ = ["api", "in_state", "resident"]

MAX_QUERIES = 20
"""Session, user, permissions, scope, the page's query and one per kind of place and
category on it, with room to spare; what matters is that a later page takes no more
than the first."""


@pytest.fixture
def templates(in_state, agent, environment, photo_category, foreign_complaint_maker):
    """One complaint of each kind a row shows, and one of another property."""
    complaints = [
        in_state(state)
        for state in (State.NEW, State.ACCEPTED, State.DISPATCHED, State.HANDLED, State.CLOSED)
    ]
    complaints.append(in_state(State.DISPATCHED, category=photo_category))
    to_environment = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=to_environment.pk, actor=agent, team=environment)
    to_environment.refresh_from_db()
    complaints.append(to_environment)
    complaints.append(foreign_complaint_maker())
    return complaints


@pytest.fixture
def foreign_complaint_maker(other_building):
    from factories import ComplaintFactory, ResidentFactory, UnitFactory

    def make():
        neighbour = ResidentFactory(unit=UnitFactory(building=other_building))
        return ComplaintFactory(resident=neighbour, description="Riverside lift stuck")

    return make


def fill_to(total: int, templates: list[Complaint]) -> None:
    """Copy the templates round-robin, filing times included (so many tie), in one
    INSERT without history (bulk test data), until there are `total` complaints."""
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


def walk(client, url, params=None, *, direction="next") -> list[tuple[str, list[int]]]:
    """(url, ids) of each page from `url`, following the `direction` links to the end."""
    pages = []
    while url is not None:
        response = client.get(url, params)
        params = None  # the links carry them
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append((url, [row["id"] for row in body["results"]]))
        url = body[direction]
    return pages


def ids_of(pages) -> list[int]:
    return [pk for _url, page in pages for pk in page]


@pytest.mark.parametrize("role", ["agent", "handler", "project_manager"])
def test_walking_every_page_gives_each_complaint_once_in_order(request, api, templates, role):
    """Page by page (7 a page) through 123 complaints with many equal filing times:
    together exactly the visible ones, newest first and by id among equals, none twice;
    the previous links walk back through the same pages."""
    fill_to(123, templates)
    user = request.getfixturevalue(role)
    client = api(user)
    expected = list(
        complaint_list_visible_to(user).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    assert len(expected) > 20
    assert len(set(Complaint.objects.values_list("created_at", flat=True))) < len(expected)

    pages = walk(client, list_url(), {"page_size": 7})
    flat = ids_of(pages)

    assert flat == expected
    assert len(flat) == len(set(flat))
    assert all(len(page) == 7 for _url, page in pages[:-1])
    back = walk(client, pages[-1][0], direction="previous")
    assert [page for _url, page in reversed(back)] == [page for _url, page in pages]


def test_pages_follow_the_filters(api, templates, agent):
    fill_to(60, templates)
    client = api(agent)
    expected = list(
        complaint_list_visible_to(agent)
        .filter(state=State.DISPATCHED)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )

    pages = walk(client, list_url(), {"page_size": 4, "state": "dispatched"})

    assert ids_of(pages) == expected


def test_a_complaint_filed_meanwhile_does_not_shift_the_pages(api, templates, agent):
    """A new complaint appears at the top; the next page still starts right after the
    last row seen (no row repeated, as with offsets)."""
    fill_to(30, templates)
    client = api(agent)
    first = client.get(list_url(), {"page_size": 5}).json()
    seen = [row["id"] for row in first["results"]]
    services.complaint_take_in(
        actor=agent,
        channel="phone",
        description="A new one on top",
        building=templates[0].building,
    )

    second = client.get(first["next"]).json()

    expected = list(
        complaint_list_visible_to(agent).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    assert [row["id"] for row in second["results"]] == expected[6:11]
    assert not set(seen) & {row["id"] for row in second["results"]}


def test_a_broken_cursor_is_refused(api, templates, agent):
    cursor = base64.b64encode(b"p=yesterday|x").decode()

    response = api(agent).get(list_url(), {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "cursor" in response.json()["errors"]

    response = api(agent).get(list_url(), {"cursor": "rules"})

    assert response.status_code == 400


def test_page_size_is_capped(api, templates, agent):
    fill_to(230, templates)

    response = api(agent).get(list_url(), {"page_size": 1000})

    assert len(response.json()["results"]) == 200


@pytest.mark.parametrize("role", ["agent", "handler", "team_leader", "supervisor"])
def test_a_later_page_takes_the_queries_of_the_first(
    request, api, templates, role, django_assert_max_num_queries
):
    """Page 1 and page 3 (50 rows each, every kind of row) take the same, bounded number
    of queries: no per-row lookups, no count, no offset."""
    fill_to(400, templates)
    client = api(request.getfixturevalue(role))
    client.get(list_url())  # warm-up: session, content types

    with django_assert_max_num_queries(MAX_QUERIES) as first:
        response = client.get(list_url())
    # Read now: a request made outside a capture empties the connection's query log.
    queries_of_first = len(first)
    assert len(response.json()["results"]) == 50
    response = client.get(response.json()["next"])
    with django_assert_max_num_queries(MAX_QUERIES) as third:
        response = client.get(response.json()["next"])
    assert len(response.json()["results"]) == 50

    assert len(third) == queries_of_first
    page_sql = [q["sql"] for q in third.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(page_sql) == 1
    assert "OFFSET" not in page_sql[0] and "COUNT(" not in page_sql[0]
    assert not [q for q in third.captured_queries if "COUNT(" in q["sql"]]
