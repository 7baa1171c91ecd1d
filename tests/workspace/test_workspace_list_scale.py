"""The complaint list at scale (issue 15): counts stop at 10,000 ("more than 10,000"),
the deadline sort keeps complaints without a deadline last both ways, and the property
and team filters offer the user's scope, not what a scan of the complaints found."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factories import ProjectManagerFactory
from workspace_helpers import admin_url, references

from complaints.admin import pagination
from complaints.admin.complaint import ComplaintAdmin
from complaints.models import Complaint, State
from staff.models import Team

pytestmark = pytest.mark.django_db

LIST = "complaints_complaint_changelist"


def test_a_count_past_the_cap_says_more_than(client, agent, in_state, monkeypatch):
    for _ in range(4):
        in_state(State.NEW)
    client.force_login(agent)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)

    page = client.get(admin_url(LIST)).content.decode()

    assert "more than 3 complaints" in page
    assert "4 complaints" not in page
    assert "Select all (more than 3) complaints" in page
    assert len(references(client.get(admin_url(LIST)))) == 4


def count_queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT COUNT(") and '"complaints_complaint"' in q["sql"]
    ]


def test_a_count_past_the_cap_is_not_read_again_for_a_minute(
    client, agent, handler, in_state, monkeypatch, time_machine, now
):
    """ "More than 3" is known for PAST_THE_CAP_FOR seconds, for the same rows only: a
    user whose scope holds fewer gets the exact count, and after the minute the rows
    are counted again."""
    for _ in range(4):
        in_state(State.NEW)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.force_login(agent)
    url = admin_url(LIST)
    assert len(count_queries(client, url)) == 1

    assert count_queries(client, url) == []
    assert "more than 3 complaints" in client.get(url).content.decode()

    client.force_login(handler)
    assert len(count_queries(client, url)) == 1
    assert "0 complaints" in client.get(url).content.decode()

    client.force_login(agent)
    time_machine.move_to(now + timedelta(seconds=pagination.PAST_THE_CAP_FOR + 1))
    assert len(count_queries(client, url)) == 1


def test_a_queue_past_the_cap_is_not_counted_again_within_the_minute(
    client, agent, in_state, monkeypatch, time_machine, now
):
    """The overdue queue asks with the time of each request; within the same minute a
    count past the cap is not read again."""
    for _ in range(4):
        in_state(State.DISPATCHED)
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    url = admin_url(LIST) + "?queue=overdue"
    later = (now + timedelta(days=30)).replace(second=5)
    time_machine.move_to(later, tick=False)
    client.force_login(agent)
    assert len(count_queries(client, url)) == 1

    time_machine.move_to(later + timedelta(seconds=40), tick=False)

    assert count_queries(client, url) == []
    assert "more than 3 complaints" in client.get(url).content.decode()


def test_a_count_under_the_cap_is_read_every_time(client, agent, in_state):
    for _ in range(3):
        in_state(State.NEW)
    client.force_login(agent)
    url = admin_url(LIST)
    assert len(count_queries(client, url)) == 1
    assert len(count_queries(client, url)) == 1

    in_state(State.NEW)

    assert "4 complaints" in client.get(url).content.decode()


def test_a_count_under_the_cap_is_exact(client, agent, in_state):
    for _ in range(4):
        in_state(State.NEW)
    client.force_login(agent)

    page = client.get(admin_url(LIST)).content.decode()

    assert "4 complaints" in page
    assert "more than" not in page


@pytest.mark.parametrize("order", ["o=2", "o=-2"])
def test_complaints_without_a_deadline_come_last_both_ways(client, agent, in_state, order):
    """Column 2 is the deadline: descending put the closed ones (no deadline, most of a
    real table) first."""
    closed = in_state(State.CLOSED)
    open_ = [in_state(State.DISPATCHED), in_state(State.CLASSIFIED)]
    client.force_login(agent)

    listed = references(client.get(admin_url(LIST) + "?" + order))

    assert listed[-1] == closed.reference
    dues = [c.next_due_at for c in open_]
    assert None not in dues and dues[0] != dues[1]
    expected = sorted(open_, key=lambda c: c.next_due_at, reverse=order.startswith("o=-"))
    assert listed[:2] == [c.reference for c in expected]


def test_the_filters_offer_the_users_properties_and_teams(
    client, agent, in_state, other_prop, engineering
):
    other_team = Team.objects.create(
        property=other_prop, name="Riverside engineering", kind="engineering"
    )
    in_state(State.NEW)
    client.force_login(agent)

    page = client.get(admin_url(LIST)).content.decode()

    assert f"team__id__exact={engineering.pk}" in page
    assert f"team__id__exact={other_team.pk}" not in page
    # One property in scope: no property filter at all, so no other property's name.
    assert f"property__id__exact={other_prop.pk}" not in page
    assert "Riverside engineering" not in page
    assert "Riverside Plaza" not in page


def test_the_property_filter_names_the_properties_of_staff_of_two(
    client, agent, prop, other_prop, in_state
):
    """Staff of two properties filter by either, named; staff of one get no property
    filter, and their list reads no property names for it."""
    in_state(State.NEW)
    manager = ProjectManagerFactory(username="two-sites", properties=[prop, other_prop])
    client.force_login(manager)

    page = client.get(admin_url(LIST)).content.decode()

    first, second = sorted([prop, other_prop], key=lambda p: p.name)
    links = re.findall(r'href="\?property__id__exact=(\d+)"[^>]*>([^<]+)<', page)
    assert links == [(str(first.pk), first.name), (str(second.pk), second.name)]

    client.force_login(agent)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(admin_url(LIST)).content.decode()
    assert "property__id__exact" not in page
    assert not [
        q for q in captured.captured_queries if 'FROM "buildings_property" WHERE' in q["sql"]
    ]


def test_the_date_filter_narrows_the_list(client, agent, in_state, time_machine, now):
    time_machine.move_to(now - timedelta(days=400), tick=False)
    old = in_state(State.NEW)
    time_machine.move_to(now, tick=False)
    recent = in_state(State.NEW)
    client.force_login(agent)
    page = client.get(admin_url(LIST)).content.decode()
    link = html.unescape(re.search(r'href="(\?created_at__gte=[^"]+)"[^>]*>Past 7 days', page)[1])

    listed = references(client.get(admin_url(LIST) + link))

    assert listed == [recent.reference]
    assert old.reference in references(client.get(admin_url(LIST)))


@pytest.mark.parametrize(("queue", "state"), [("to_confirm", State.HANDLED)])
def test_a_queue_without_deadlines_lists_the_newest_first(
    client, agent, in_state, time_machine, now, queue, state
):
    """Waiting for the resident, nothing counts to a deadline: the urgency order is the
    filing time, newest first (read through the filing-time index)."""
    time_machine.move_to(now - timedelta(days=2), tick=False)
    older = in_state(state)
    time_machine.move_to(now, tick=False)
    newer = in_state(state)
    client.force_login(agent)

    listed = references(client.get(admin_url(LIST) + f"?queue={queue}"))

    assert listed == [newer.reference, older.reference]


def test_a_number_finds_the_phone_tail_the_unit_and_the_id(client, agent, in_state, unit):
    """Four digits or more are looked up as a phone's last digits, a unit number and a
    row id, each through its index, not by reading every description."""
    at_unit = in_state(State.NEW)
    assert at_unit.unit == unit
    by_phone = in_state(State.NEW)
    Complaint.objects.filter(pk=by_phone.pk).update(contact_phone="13800001201", unit=None)
    described = in_state(State.NEW)
    Complaint.objects.filter(pk=described.pk).update(
        description="Room 1201 upstairs", unit=None, contact_phone="13800002222"
    )
    client.force_login(agent)

    listed = references(client.get(admin_url(LIST), {"q": "1201"}))

    assert sorted(listed) == sorted([at_unit.reference, by_phone.reference])


@pytest.mark.parametrize("query", ["", "?queue=overdue", "?o=-3", "?o=2"])
def test_each_page_joins_only_its_own_rows_in_the_lists_order(
    client, agent, in_state, monkeypatch, time_machine, now, query
):
    """Pages of three: together they are the whole list in its order (?all shows it on
    one page), and each page's rows query joins only the ids of its page."""
    for state in [State.NEW, State.DISPATCHED, State.CLASSIFIED, State.CLOSED] * 2:
        in_state(state)
    time_machine.move_to(now + timedelta(days=30))
    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 3)
    client.force_login(agent)
    separator = "&" if query else "?"
    whole = references(client.get(admin_url(LIST) + query + separator + "all="))
    assert len(whole) > 3

    paged, rows_queries = [], []
    for page in range(1, (len(whole) + 2) // 3 + 1):
        with CaptureQueriesContext(connection) as captured:
            paged += references(client.get(admin_url(LIST) + query + separator + f"p={page}"))
        rows_queries += [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].startswith('SELECT "complaints_complaint"."id", "complaints_complaint"."')
        ]

    assert paged == whole
    assert rows_queries and all(
        re.search(r'"complaints_complaint"\."id" IN \(SELECT .* LIMIT \d', sql)
        for sql in rows_queries
    )


def test_a_capped_count_offers_no_last_page(agent):
    """Past the cap the last page numbers are the cap's, not the list's: not offered."""
    paginator = pagination.CappedPaginator(Complaint.objects.none(), 50)
    paginator.count = pagination.COUNT_CAP + 1
    first = list(paginator.get_elided_page_range(1))
    near_the_end = list(paginator.get_elided_page_range(paginator.num_pages))

    assert first[-1] == paginator.ELLIPSIS
    assert paginator.num_pages not in first
    assert near_the_end[-1] == paginator.num_pages


@pytest.mark.parametrize("order", ["o=3", "o=-3", "o=4", "o=-4"])
def test_state_and_level_sort_keep_the_newest_first_among_equals(client, agent, in_state, order):
    """Columns 3 and 4 are state and level; either way, equals come newest first, the
    order the indexes complaint_{state,level}_{asc,desc} hold."""
    made = [
        in_state(state)
        for state in (State.DISPATCHED, State.NEW, State.DISPATCHED, State.CLASSIFIED, State.NEW)
    ]
    client.force_login(agent)

    listed = references(client.get(admin_url(LIST) + "?" + order))

    field = "state" if order.lstrip("o=-") == "3" else "level"
    expected = Complaint.objects.order_by(("-" if "-" in order else "") + field, "-pk").values_list(
        "pk", flat=True
    )
    assert listed == [Complaint(pk=pk).reference for pk in expected]
    newest_first = sorted(made, key=lambda c: -c.pk)
    same_state = [c.reference for c in newest_first if c.state == State.DISPATCHED]
    assert [ref for ref in listed if ref in same_state] == same_state


def test_only_the_indexed_columns_sort(client, agent, in_state):
    in_state(State.DISPATCHED)
    client.force_login(agent)

    page = client.get(admin_url(LIST)).content.decode()

    headers = re.findall(r'<th scope="col" class="([^"]*)"', page)
    columns = {word: classes.split() for classes in headers for word in classes.split()}
    sortable = {name for name, classes in columns.items() if name.startswith("column-")}
    sortable = {name for name in sortable if "sortable" in columns[name]}
    assert sortable == {
        "column-reference_link",
        "column-sla_badge",
        "column-state_badge",
        "column-level_badge",
        "column-filed_at",
    }
    assert "column-owner_name" in columns


@pytest.mark.parametrize("order", ["o=-3", "o=1"])
def test_a_handler_pages_through_exactly_their_scope(
    client, in_state, handler, environment, monkeypatch, order
):
    """The pages together list the handler's team's complaints of the filter, in the
    list's order, each once, and nothing of another team or state."""
    mine = [in_state(state) for state in (State.DISPATCHED, State.HANDLED) * 3]
    in_state(State.CLOSED)
    other = in_state(State.DISPATCHED)
    Complaint.objects.filter(pk=other.pk).update(team=environment, assignee=None)
    monkeypatch.setattr(ComplaintAdmin, "list_per_page", 2)
    client.force_login(handler)

    url = admin_url(LIST) + f"?state__in=dispatched,handled&{order}"
    pages = [references(client.get(f"{url}&p={number}")) for number in (1, 2, 3)]

    assert [len(page) for page in pages] == [2, 2, 2]
    by = ("-state", "-pk") if order == "o=-3" else ("pk",)
    expected = Complaint.objects.filter(pk__in=[c.pk for c in mine]).order_by(*by)
    assert [ref for page in pages for ref in page] == [c.reference for c in expected]
