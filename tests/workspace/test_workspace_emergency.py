"""Suspected emergencies stand out (issue 13, item 2): a new complaint whose text names an
emergency shows "I?" and a red countdown to the 15-minute first response it was promised
at filing, in the list and in every queue it belongs to, and sorts first; its change page
says why it is suspected, and the phrase sentence appears only when a phrase matched."""

import re
from datetime import timedelta

import pytest
from factories import CategoryFactory
from workspace_helpers import admin_url, change_url, references

from complaints import services
from complaints.models import Level, State
from complaints.selectors import Queue

pytestmark = pytest.mark.django_db

BURST_PIPE = "水管爆管了，水已经漫到楼道"


@pytest.fixture
def file(resident, unit):
    def _file(description: str, **extra):
        return services.complaint_create(
            actor=resident.user, description=description, unit=unit, **extra
        )

    return _file


@pytest.fixture
def world(now, time_machine, file, walk):
    """Filed at the moments named, the clock back at `now`:

    - overdue: classified 3 h ago, level II, first response 1 h overdue;
    - routine: a new complaint filed 10 minutes ago;
    - burst: the burst pipe, filed 3 minutes ago (first response due in 12 minutes);
    - newest: a new routine complaint filed now.
    """

    def at(minutes_ago: int, make):
        time_machine.move_to(now - timedelta(minutes=minutes_ago), tick=False)
        complaint = make()
        time_machine.move_to(now, tick=False)
        return complaint

    return {
        "overdue": at(180, lambda: walk(State.CLASSIFIED)),
        "routine": at(10, lambda: file("The door bell does not ring")),
        "burst": at(3, lambda: file(BURST_PIPE)),
        "newest": at(0, lambda: file("The corridor light flickers")),
    }


def row(content: str, complaint) -> str:
    match = re.search(rf"<tr>(?:(?!</tr>).)*>{complaint.reference}</a>.*?</tr>", content, re.S)
    assert match is not None, complaint.reference
    return match.group(0)


def badge(content: str, complaint) -> tuple[str, str] | None:
    match = re.search(r'<span class="pd-sla pd-sla-(\w+)">([^<]+)</span>', row(content, complaint))
    return (match.group(1), match.group(2)) if match else None


def level(content: str, complaint) -> str | None:
    match = re.search(r'<span class="pd-level pd-level-(\w+)"', row(content, complaint))
    return match.group(1) if match else None


def test_a_new_suspected_emergency_counts_down_its_promised_response(client, world, agent):
    """The burst pipe shows a red "I? · 12m left" badge and the level "I?"; a routine new
    complaint still shows neither."""
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert world["burst"].suspected_emergency
    assert badge(content, world["burst"]) == ("emergency", "I? · 12m left")
    assert level(content, world["burst"]) == "suspected"
    assert badge(content, world["routine"]) is None
    assert level(content, world["routine"]) is None


def test_it_turns_overdue_but_stays_red(client, world, agent, time_machine, now):
    """Past its 15 minutes the badge says how long it is overdue, still as an emergency."""
    time_machine.move_to(now + timedelta(minutes=20), tick=False)
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert badge(content, world["burst"]) == ("emergency", "I? · 8m overdue")


def test_it_sorts_first_then_the_next_deadline_then_the_newest(client, world, agent):
    """Suspected emergencies nobody classified come before an overdue complaint and
    before newer ones; the rest keep the deadline order, the newest first after them."""
    client.force_login(agent)

    listed = references(client.get(admin_url("complaints_complaint_changelist")))

    assert listed == [world[name].reference for name in ("burst", "overdue", "newest", "routine")]


@pytest.mark.parametrize(
    ("queue", "minutes_later", "listed"),
    [
        (Queue.SUSPECTED_EMERGENCY, 0, True),
        (Queue.UNACCEPTED, 0, True),
        (Queue.DUE_SOON, 0, True),
        (Queue.OVERDUE, 0, False),
        (Queue.OVERDUE, 20, True),
        (Queue.DUE_SOON, 20, False),
    ],
)
def test_the_queues_show_it(client, world, agent, time_machine, now, queue, minutes_later, listed):
    """It is in the suspected-emergency, unaccepted and due-soon queues at once, and in
    the overdue queue once its 15 minutes have passed, listed first where it is."""
    time_machine.move_to(now + timedelta(minutes=minutes_later), tick=False)
    client.force_login(agent)

    shown = references(client.get(admin_url("complaints_complaint_changelist"), {"queue": queue}))

    assert (world["burst"].reference in shown) is listed
    if listed:
        assert shown[0] == world["burst"].reference


def test_the_index_counts_it_in_red(client, world, agent):
    """The admin index counts one suspected emergency and marks that queue urgent."""
    client.force_login(agent)

    content = client.get(admin_url("index")).content.decode()

    assert re.search(
        r'<tr class="pd-queue-urgent"><th scope="row"><a href="[^"]+\?queue=suspected">'
        r"[^<]+</a></th>\s*<td class=\"pd-count\">1</td>",
        content,
    )


def test_classifying_ends_the_suspicion(client, world, agent, category):
    """Once the agent downgrades it to level II it sorts and shows as a level II."""
    services.complaint_accept(complaint_id=world["burst"].pk, actor=agent)
    services.complaint_classify(
        complaint_id=world["burst"].pk, actor=agent, category=category, level=Level.II
    )
    client.force_login(agent)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()
    suspected = references(
        client.get(admin_url("complaints_complaint_changelist"), {"queue": "suspected"})
    )

    assert badge(content, world["burst"])[0] == "ok"
    assert level(content, world["burst"]) == "2"
    assert suspected == []


def test_change_page_says_the_phrase_matched_only_when_it_did(client, world, agent, file):
    """The burst pipe's page names the matched phrase and the 15-minute countdown; a
    routine complaint's says "No" and never mentions a phrase; a complaint suspected
    because its category is level I says that instead."""
    fire_category = CategoryFactory(code="test-fire", name_en="Fire alarm", default_level=1)
    by_category = file("The alarm panel beeps", category=fire_category)
    client.force_login(agent)
    phrase = "The text matched an emergency phrase."

    burst = client.get(change_url(world["burst"])).content.decode()
    routine = client.get(change_url(world["routine"])).content.decode()
    category_page = client.get(change_url(by_category)).content.decode()

    assert phrase in burst
    assert "I? · 12m left" in burst
    assert phrase not in routine
    assert "emergency phrase" not in routine
    assert by_category.suspected_emergency
    assert phrase not in category_page
    assert "The category chosen at filing is level I." in category_page
