"""The staff list's filters and search: each proven by a complaint that must be listed
and one that must not; the queues give exactly the admin's queue condition, search
what the admin's search box finds, and a bad value is a 400 naming the filter."""

from datetime import timedelta

import pytest
from factories import (
    AgentFactory,
    BuildingFactory,
    ComplaintFactory,
    ResidentFactory,
    UnitFactory,
)
from staff_fixtures import (
    admin_search_ids,
    api,
    foreign_complaint,
    ids,
    in_state,
    list_url,
    resident,
)

from complaints import services
from complaints.models import State
from complaints.selectors import Queue, complaint_list_visible_to, queue_condition

pytestmark = pytest.mark.django_db

__all__ = ["api", "foreign_complaint", "in_state", "resident"]


@pytest.fixture
def world(
    time_machine,
    now,
    in_state,
    agent,
    agent2,
    handler,
    customer_service,
    environment,
    category,
    photo_category,
    prop,
    settings,
):
    """Complaints of Lakeside Garden, each named for what tells it apart.

    Filed three days ago: one still classified (its first response long overdue) and one
    closed then (its revisit is due). Filed now: new, accepted by agent2, classified at
    level III, dispatched (to engineering, to environment, to customer service), handled,
    reopened, a suspected emergency, and one about another building."""
    settings.PROPERTYDESK_PORTAL_SUBMISSIONS_PER_HOUR = 1000
    time_machine.move_to(now - timedelta(days=3), tick=False)
    w = {"old_classified": in_state(State.CLASSIFIED), "old_closed": in_state(State.CLOSED)}
    time_machine.move_to(now, tick=False)
    w["new"] = in_state(State.NEW)
    w["by_agent2"] = ComplaintFactory(resident=w["new"].resident)
    services.complaint_accept(complaint_id=w["by_agent2"].pk, actor=agent2)
    w["level_three"] = in_state(State.ACCEPTED)
    services.complaint_classify(
        complaint_id=w["level_three"].pk, actor=agent, category=category, level=3
    )
    w["dispatched"] = in_state(State.DISPATCHED)
    w["leak"] = in_state(State.DISPATCHED, category=photo_category)
    w["to_environment"] = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=w["to_environment"].pk, actor=agent, team=environment)
    w["to_service"] = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=w["to_service"].pk, actor=agent, team=customer_service)
    w["handled"] = in_state(State.HANDLED)
    w["reopened"] = in_state(State.REOPENED)
    w["emergency"] = ComplaintFactory(
        resident=w["new"].resident, description="Two people trapped in the lift"
    )
    elsewhere = ResidentFactory(
        unit=UnitFactory(building=BuildingFactory(property=prop, name="Building 7"))
    )
    w["other_building"] = ComplaintFactory(
        resident=elsewhere, description="Graffiti on the wall", location_text="North gate"
    )
    for complaint in w.values():
        complaint.refresh_from_db()
    return w


def listed(client, **params) -> set[int]:
    return set(ids(client.get(list_url(), {"page_size": 200, **params})))


def pks(world, *names) -> set[int]:
    return {world[name].pk for name in names}


def test_state_takes_several_values(api, agent, world):
    found = listed(api(agent), state=["new", "handled"])

    assert pks(world, "new", "handled", "emergency", "other_building") <= found
    assert not found & pks(world, "dispatched", "reopened", "old_classified")


def test_level(api, agent, world):
    found = listed(api(agent), level=3)

    assert world["level_three"].pk in found
    assert world["dispatched"].pk not in found
    assert listed(api(agent), level=[2, 3]) >= pks(world, "level_three", "dispatched")


def test_category_and_its_main_category(api, agent, world, photo_category, category):
    """A category lists its complaints; a main category lists those of its own too."""
    assert photo_category.parent_id is not None

    assert listed(api(agent), category=photo_category.pk) == pks(world, "leak")
    by_main = listed(api(agent), category=photo_category.parent_id)
    assert world["leak"].pk in by_main
    assert world["dispatched"].pk not in by_main
    assert world["dispatched"].pk in listed(api(agent), category=category.pk)


def test_property(api, world, prop, other_prop, customer_service, foreign_complaint):
    """A member of two properties filters by one."""
    both = AgentFactory(team=customer_service, properties=[prop, other_prop])
    foreign = foreign_complaint

    ours = listed(api(both), property=prop.pk)
    theirs = listed(api(both), property=other_prop.pk)

    assert world["new"].pk in ours and foreign.pk not in ours
    assert theirs == {foreign.pk}


def test_building(api, agent, world, building):
    found = listed(api(agent), building=building.pk)

    assert world["dispatched"].pk in found
    assert world["other_building"].pk not in found
    assert listed(api(agent), building=world["other_building"].building_id) == pks(
        world, "other_building"
    )


def test_team(api, agent, world, engineering, environment):
    found = listed(api(agent), team=environment.pk)

    assert found == pks(world, "to_environment")
    assert world["dispatched"].pk in listed(api(agent), team=engineering.pk)


def test_owner_me_and_by_id(api, agent, agent2, world):
    mine = listed(api(agent), owner="me")
    theirs = listed(api(agent), owner=agent2.pk)

    assert world["dispatched"].pk in mine and world["by_agent2"].pk not in mine
    assert world["new"].pk not in mine
    assert theirs == pks(world, "by_agent2")
    assert listed(api(agent2), owner="me") == theirs


@pytest.mark.parametrize("queue", Queue.values)
def test_each_queue_is_the_admins_condition(api, agent, world, queue):
    """Every queue lists exactly what `queue_condition` gives (the admin's QueueFilter),
    and the world has rows on both sides of each."""
    from django.utils import timezone

    expected = set(
        complaint_list_visible_to(agent)
        .filter(queue_condition(queue, user=agent, now=timezone.now()))
        .values_list("pk", flat=True)
    )
    everything = set(complaint_list_visible_to(agent).values_list("pk", flat=True))

    assert listed(api(agent), queue=queue) == expected
    assert expected and expected != everything


@pytest.mark.parametrize(
    ("queue", "inside", "outside"),
    [
        ("suspected", "emergency", "new"),
        ("mine", "dispatched", "by_agent2"),
        ("my_team", "to_service", "dispatched"),
        ("unaccepted", "new", "by_agent2"),
        ("overdue", "old_classified", "dispatched"),
        ("to_confirm", "handled", "dispatched"),
        ("to_revisit", "old_closed", "handled"),
        ("reopened", "reopened", "handled"),
    ],
)
def test_queue_members(api, agent, world, queue, inside, outside):
    found = listed(api(agent), queue=queue)

    assert world[inside].pk in found
    assert world[outside].pk not in found


def test_overdue_true_and_false(api, agent, world):
    overdue = listed(api(agent), overdue="true")
    not_overdue = listed(api(agent), overdue="false")

    assert world["old_classified"].pk in overdue
    assert world["dispatched"].pk not in overdue
    assert world["dispatched"].pk in not_overdue
    assert world["old_classified"].pk not in not_overdue
    assert world["old_closed"].pk in not_overdue  # no deadline at all: not overdue
    assert overdue | not_overdue == listed(api(agent))


def test_due_before(api, agent, world, now):
    """The deadline each complaint counts to (a classified one's first response in 2 h,
    a dispatched one's resolution in 24 h) against the moment given."""
    found = listed(api(agent), due_before=(now + timedelta(hours=3)).isoformat())

    assert world["old_classified"].pk in found
    assert world["dispatched"].pk not in found
    assert world["old_closed"].pk not in found
    later = listed(api(agent), due_before=(now + timedelta(days=2)).isoformat())
    assert world["dispatched"].pk in later


def test_suspected_emergency(api, agent, world):
    found = listed(api(agent), suspected_emergency="true")

    assert world["emergency"].pk in found
    assert world["new"].pk not in found
    assert world["emergency"].pk not in listed(api(agent), suspected_emergency="false")


@pytest.mark.parametrize(
    ("term", "name"),
    [
        ("reference", "dispatched"),
        ("lowercase reference", "dispatched"),
        ("Graffiti", "other_building"),
        ("north gate", "other_building"),
        ("trapped lift", "emergency"),
    ],
)
def test_search_finds_what_the_admin_search_finds(client, api, agent, world, term, name):
    """A reference (TS00000042, any case), words of the description or location: the
    same complaints as the admin changelist's search box, and the one expected."""
    if term == "reference":
        term = world[name].reference
    elif term == "lowercase reference":
        term = world[name].reference.lower()

    found = listed(api(agent), search=term)

    assert world[name].pk in found
    assert world["new"].pk not in found
    client.force_login(agent)
    assert found == admin_search_ids(client, term)


def test_search_without_a_match_lists_nothing(api, agent, world):
    assert listed(api(agent), search="no such words anywhere") == set()


def test_filters_combine(api, agent, world, engineering):
    found = listed(api(agent), state="dispatched", team=engineering.pk, owner="me")

    assert pks(world, "dispatched", "leak") <= found
    assert world["to_environment"].pk not in found


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "bogus"}, "state"),
        ({"level": 7}, "level"),
        ({"owner": "somebody"}, "owner"),
        ({"queue": "everything"}, "queue"),
        ({"team": "abc"}, "team"),
        ({"due_before": "next tuesday"}, "due_before"),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_it(api, agent, world, params, field):
    response = api(agent).get(list_url(), params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert body["detail"]


def test_a_bad_filter_value_is_explained_in_chinese(api, agent, world):
    response = api(agent, "zh-hans").get(list_url(), {"state": "bogus"})

    assert response.status_code == 400
    assert "bogus" in response.json()["detail"]
    assert "Select a valid choice" not in response.json()["detail"]
