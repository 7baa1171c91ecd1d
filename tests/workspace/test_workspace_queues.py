"""Queues: the admin index counts each queue for the user, the changelist filters by
?queue=..., lists the most urgent deadline first, and shows SLA badges."""

import re
from datetime import timedelta

import pytest
from workspace_helpers import admin_url, change_url, references

from complaints import services
from complaints.models import Complaint, State
from complaints.selectors import Queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(now, time_machine, walk, agent, agent2, foreign_complaint):
    """Complaints of Lakeside Garden, each filed and moved on at the moment named, then
    the clock is back at `now` (level II: first response 2 h, resolve 24 h):

    - new1, new2: filed now, nobody accepted them;
    - accepted: the agent's, not classified (no deadline yet);
    - overdue_first: classified 3 h ago, not dispatched (first response due 1 h ago);
    - soon: classified 1 h ago (first response due in 1 h);
    - overdue_resolve: dispatched 30 h ago to engineering/handler (resolve due 6 h ago);
    - handled: waiting for the resident's confirmation;
    - closed_due: closed 50 h ago (revisit due 2 h ago);
    - closed_recent: closed now (revisit due in 48 h);
    - reopened: reopened 30 min ago (new first response due in 1 h 30 min);
    - agent2s: accepted by agent2.
    Plus a new complaint of Riverside Plaza that no queue of ours may count.
    """

    def at(moment, state, **kwargs):
        time_machine.move_to(moment, tick=False)
        complaint = walk(state, **kwargs)
        time_machine.move_to(now, tick=False)
        return complaint

    hour = timedelta(hours=1)
    complaints = {
        "new1": at(now, State.NEW),
        "new2": at(now, State.NEW),
        "accepted": at(now, State.ACCEPTED),
        "overdue_first": at(now - 3 * hour, State.CLASSIFIED),
        "soon": at(now - hour, State.CLASSIFIED),
        "overdue_resolve": at(now - 30 * hour, State.DISPATCHED),
        "handled": at(now - hour, State.HANDLED),
        "closed_due": at(now - 50 * hour, State.CLOSED),
        "closed_recent": at(now, State.CLOSED),
        "reopened": at(now - hour, State.CLOSED),
    }
    time_machine.move_to(now - hour / 2, tick=False)
    services.complaint_revisit(
        complaint_id=complaints["reopened"].pk, actor=agent, note="Dripping again.", solved=False
    )
    time_machine.move_to(now, tick=False)
    agent2s = at(now, State.NEW)
    services.complaint_accept(complaint_id=agent2s.pk, actor=agent2)
    complaints["agent2s"] = agent2s
    return complaints


def index_counts(response) -> dict[str, int]:
    """{queue: count} as the admin index shows them."""
    rows = re.findall(
        r'\?queue=(\w+)">[^<]*</a></th>\s*<td class="pd-count">(\d+)</td>',
        response.content.decode(),
    )
    return {queue: int(count) for queue, count in rows}


AGENT_COUNTS = {
    Queue.SUSPECTED_EMERGENCY: 0,  # none of the texts names an emergency
    Queue.MINE: 6,  # accepted, overdue_first, soon, overdue_resolve, handled, reopened
    Queue.MY_TEAM: 0,  # customer service holds none
    Queue.UNACCEPTED: 2,
    Queue.DUE_SOON: 2,  # soon, reopened
    Queue.OVERDUE: 2,  # overdue_first, overdue_resolve
    Queue.TO_CONFIRM: 1,
    Queue.TO_REVISIT: 1,
    Queue.REOPENED: 1,
}
HANDLER_COUNTS = {
    Queue.SUSPECTED_EMERGENCY: 0,
    Queue.MINE: 3,  # overdue_resolve, handled, reopened: assigned to the handler
    Queue.MY_TEAM: 3,
    Queue.UNACCEPTED: 0,  # handlers do not see complaints no team holds
    Queue.DUE_SOON: 1,
    Queue.OVERDUE: 1,
    Queue.TO_CONFIRM: 1,
    Queue.TO_REVISIT: 1,
    Queue.REOPENED: 1,
}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", AGENT_COUNTS), ("handler", HANDLER_COUNTS)],
)
def test_admin_index_shows_the_queue_counts(request, client, world, role, expected):
    """The admin index lists every queue with the number of complaints in it for this
    user (their properties; a handler only their team's), in the queues' order."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("index"))

    assert response.status_code == 200
    assert index_counts(response) == {queue.value: count for queue, count in expected.items()}
    assert list(index_counts(response)) == Queue.values


@pytest.mark.parametrize("role", ["agent", "handler", "project_manager"])
def test_each_queue_lists_as_many_complaints_as_its_count(request, client, world, role):
    """Following a queue's link from the index lists exactly the number shown there."""
    client.force_login(request.getfixturevalue(role))
    counts = index_counts(client.get(admin_url("index")))

    for queue in Queue.values:
        response = client.get(admin_url("complaints_complaint_changelist"), {"queue": queue})
        assert response.status_code == 200
        assert len(references(response)) == counts[queue], queue


def test_queue_counts_are_not_shown_to_staff_without_complaints(client, db):
    """A staff user who may not view complaints gets no queue table (and no error)."""
    from factories import UserFactory

    user = UserFactory(is_staff=True)
    client.force_login(user)

    response = client.get(admin_url("index"))

    assert response.status_code == 200
    assert 'id="pd-queues"' not in response.content.decode()


def test_overdue_queue_lists_only_overdue_complaints_most_overdue_first(client, world, agent):
    """?queue=overdue lists the complaints whose next deadline has passed, the longest
    overdue first."""
    client.force_login(agent)

    response = client.get(admin_url("complaints_complaint_changelist"), {"queue": "overdue"})

    assert references(response) == [
        world["overdue_resolve"].reference,
        world["overdue_first"].reference,
    ]


def test_mine_queue_lists_what_i_own_or_am_assigned(client, world, agent, handler):
    """?queue=mine: open complaints the user owns (agent) or is assigned (handler)."""
    client.force_login(handler)

    response = client.get(admin_url("complaints_complaint_changelist"), {"queue": "mine"})

    assert set(references(response)) == {
        world[name].reference for name in ("overdue_resolve", "handled", "reopened")
    }


def test_default_ordering_is_most_urgent_deadline_first(client, world, agent, foreign_complaint):
    """Without a queue, the list is sorted by next deadline ascending, complaints without
    a deadline last; nothing of another property is listed."""
    client.force_login(agent)

    listed = references(client.get(admin_url("complaints_complaint_changelist")))

    with_deadline = ["overdue_resolve", "overdue_first", "soon", "reopened"]
    assert listed[:4] == [world[name].reference for name in with_deadline]
    assert set(listed[4:]) == {
        complaint.reference
        for name, complaint in world.items()
        if name not in with_deadline and complaint.next_due_at is None
    }
    assert foreign_complaint.reference not in listed


def test_sla_badges_on_the_list(client, world, agent):
    """The deadline column shows time left or overdue, coloured: breached when overdue,
    ok while less than 80 % of the window is used."""
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert badge(content, world["overdue_first"]) == ("breached", "1h 0m overdue")
    assert badge(content, world["overdue_resolve"]) == ("breached", "6h 0m overdue")
    assert badge(content, world["soon"]) == ("ok", "1h 0m left")
    assert badge(content, world["new1"]) is None


def test_sla_badge_warns_at_80_percent(client, now, time_machine, walk, agent):
    """Past 80 % of the 2-hour first-response window the badge turns to warning."""
    time_machine.move_to(now - timedelta(minutes=100), tick=False)
    complaint = walk(State.CLASSIFIED)
    time_machine.move_to(now, tick=False)
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert badge(content, complaint) == ("warning", "20m left")


def test_change_page_shows_every_open_deadline(client, world, agent):
    """The change page lists each open deadline with its own badge."""
    client.force_login(agent)

    content = client.get(change_url(world["overdue_first"])).content.decode()

    assert '<span class="pd-sla pd-sla-breached">First response: 1h 0m overdue</span>' in content
    assert '<span class="pd-sla pd-sla-ok">Resolved / replied: 21h 0m left</span>' in content


def badge(content: str, complaint) -> tuple[str, str] | None:
    row = re.search(rf"<tr>(?:(?!</tr>).)*>{complaint.reference}</a>.*?</tr>", content, re.S)
    assert row is not None, complaint.reference
    match = re.search(r'<span class="pd-sla pd-sla-(\w+)">([^<]+)</span>', row.group(0))
    return (match.group(1), match.group(2)) if match else None


@pytest.mark.parametrize("typed", ["{reference}", "{lower}", "{number}"])
def test_search_finds_a_complaint_by_its_reference(client, world, agent, typed):
    """Residents quote the reference (TS00000042): typing it, in any case, or the bare
    number into the list's search box finds exactly that complaint."""
    complaint = world["soon"]
    client.force_login(agent)
    term = typed.format(
        reference=complaint.reference, lower=complaint.reference.lower(), number=complaint.pk
    )

    response = client.get(admin_url("complaints_complaint_changelist"), {"q": term})

    assert response.status_code == 200
    assert complaint.reference in references(response)
    if typed != "{number}":
        assert references(response) == [complaint.reference]


def test_search_by_the_last_four_digits_of_the_phone(client, in_state, agent, handler):
    """Staff see 138****1234 and search what they see: the last four digits find the
    complaints of that number, for anyone who sees the list."""
    mine = in_state(State.DISPATCHED)
    other = in_state(State.DISPATCHED)
    Complaint.objects.filter(pk=mine.pk).update(contact_phone="13900009307")
    Complaint.objects.filter(pk=other.pk).update(contact_phone="13900001111")

    for user in (agent, handler):
        client.force_login(user)
        response = client.get(admin_url("complaints_complaint_changelist"), {"q": " 9307 "})
        assert references(response) == [mine.reference], user


def test_a_whole_number_is_searched_only_by_who_may_see_it(client, in_state, agent, handler):
    """The whole number finds the complaint for the agent (who may see full numbers);
    for the handler it finds nothing, or the search would confirm a number hidden from
    them."""
    complaint = in_state(State.DISPATCHED)
    Complaint.objects.filter(pk=complaint.pk).update(contact_phone="13900009307")
    assert agent.has_perm("complaints.view_contact_phone")
    assert not handler.has_perm("complaints.view_contact_phone")

    client.force_login(agent)
    found = client.get(admin_url("complaints_complaint_changelist"), {"q": "139-0000-9307"})
    client.force_login(handler)
    hidden = client.get(admin_url("complaints_complaint_changelist"), {"q": "13900009307"})

    assert references(found) == [complaint.reference]
    assert references(hidden) == []
