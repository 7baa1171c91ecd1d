"""Repeat problems (重复投诉): three complaints about the same place and category filed
within 30 days. The services keep the membership as complaints are filed, classified,
withdrawn and merged; it always equals a full recount, also when two are filed at once."""

import random
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from factories import CategoryFactory, ResidentFactory, UnitFactory

from complaints import services
from complaints.models import Channel, Complaint, RepeatMember
from complaints.repeats import repeat_linked, repeat_members_rebuild

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def members() -> dict[int, object]:
    return dict(RepeatMember.objects.values_list("complaint_id", "since"))


@pytest.fixture
def other_category(db):
    return CategoryFactory(code="test-corridor", name_en="Corridor light", default_level=2)


@pytest.fixture
def file(time_machine, now, resident, unit, category):
    """`file(days, …)` files a complaint `days` after the frozen now, as the resident
    about their unit with the door-bell category unless told otherwise."""

    def _file(days, *, category=category, unit=unit, building=None, by=resident):
        time_machine.move_to(now + days * DAY, tick=False)
        return services.complaint_create(
            actor=by.user,
            description="The door bell does not ring",
            category=category,
            unit=unit,
            building=building,
        )

    return _file


def test_the_third_complaint_within_30_days_makes_all_three_members(now, file):
    first, second = file(0), file(10)
    assert members() == {}

    third = file(25)

    since = now + 25 * DAY
    assert members() == {first.pk: since, second.pk: since, third.pk: since}


@pytest.mark.parametrize(("last_day", "repeat"), [(30, True), (30.0001, False)])
def test_the_three_span_at_most_30_days(now, file, last_day, repeat):
    complaints = [file(0), file(15), file(last_day)]
    expected = {c.pk: now + last_day * DAY for c in complaints} if repeat else {}
    assert members() == expected


def test_since_is_when_the_complaints_first_group_was_complete(now, file):
    """a, b, c make a group on day 10; d (day 38) is 28 days after c but 33 after b, so
    it joins none until e (day 39) makes c, d, e a group; c keeps day 10."""
    a, b, c, d = file(0), file(5), file(10), file(38)
    assert set(members()) == {a.pk, b.pk, c.pk}

    e = file(39)

    day = {n: now + n * DAY for n in (10, 39)}
    assert members() == {a.pk: day[10], b.pk: day[10], c.pk: day[10], d.pk: day[39], e.pk: day[39]}


def test_other_places_and_categories_are_other_problems(
    file, other_category, building, resident2, unit
):
    """A neighbour's unit, another category and the building's common areas each count
    apart; three common-area complaints of the building make a problem of their own."""
    file(0)
    file(1)
    file(2, category=other_category)
    file(3, unit=resident2.units.first(), by=resident2)
    file(4, unit=None, building=building)
    assert members() == {}

    common = [
        file(5, unit=None, building=building),
        file(6, unit=None, building=building, by=resident2),
    ]

    assert set(members()) == {c.pk for c in common} | {
        Complaint.objects.get(unit=None, created_at__lt=common[0].created_at).pk
    }


def test_a_withdrawn_complaint_leaves_its_problem(file, resident):
    group = [file(0), file(10), file(25)]
    assert set(members()) == {c.pk for c in group}

    services.complaint_withdraw(complaint_id=group[1].pk, actor=resident.user)

    assert members() == {}


def test_a_merged_complaint_leaves_its_problem(file, agent):
    group = [file(0), file(10), file(25)]
    assert set(members()) == {c.pk for c in group}

    services.complaint_merge(complaint_id=group[2].pk, actor=agent, into_id=group[0].pk)

    assert members() == {}


def test_classifying_moves_a_complaint_to_the_problem_of_its_new_category(
    now, file, agent, other_category
):
    """Filed as a door-bell problem (the third in ten days), the agent classifies it as a
    corridor light: the door-bell group falls apart and the corridor one forms."""
    bells = [file(0), file(1)]
    lights = [file(2, category=other_category), file(3, category=other_category)]
    moved = file(4)
    assert set(members()) == {c.pk for c in bells} | {moved.pk}

    services.complaint_accept(complaint_id=moved.pk, actor=agent)
    services.complaint_classify(complaint_id=moved.pk, actor=agent, category=other_category)

    assert members() == {c.pk: now + 4 * DAY for c in [*lights, moved]}


def test_a_complaint_filed_without_a_category_counts_once_classified(now, file, agent, category):
    first, second = file(0), file(1)
    unclassified = file(2, category=None)
    assert members() == {}

    services.complaint_accept(complaint_id=unclassified.pk, actor=agent)
    services.complaint_classify(complaint_id=unclassified.pk, actor=agent, category=category)

    # The group is complete once all three are about a door bell: at the third filing.
    assert members() == {c.pk: now + 2 * DAY for c in (first, second, unclassified)}


def test_what_the_services_keep_equals_a_full_recount(
    file, building, agent, category, other_category
):
    """A random half year of filings, withdrawals, merges and reclassifications about
    two units and the common areas: the stored members equal a recount from scratch,
    and the migration's count of existing complaints, run on its own models."""
    rng = random.Random(6)
    residents = [ResidentFactory(unit=UnitFactory(building=building)) for _ in range(2)]
    categories = [category, other_category]
    filed = []
    for _ in range(60):
        resident = rng.choice(residents)
        common = rng.random() < 0.3
        complaint = file(
            rng.uniform(0, 180),
            category=rng.choice([*categories, None]),
            unit=None if common else resident.units.first(),
            building=building if common else None,
            by=resident,
        )
        filed.append((complaint, resident))
        draw = rng.random()
        if draw < 0.1:
            services.complaint_withdraw(complaint_id=complaint.pk, actor=resident.user)
        elif draw < 0.15 and len(filed) > 1:
            services.complaint_merge(complaint_id=complaint.pk, actor=agent, into_id=filed[0][0].pk)
        elif draw < 0.35:
            services.complaint_accept(complaint_id=complaint.pk, actor=agent)
            services.complaint_classify(
                complaint_id=complaint.pk, actor=agent, category=rng.choice(categories)
            )
    kept = members()
    assert len(kept) > 10

    assert repeat_members_rebuild() == len(kept)
    assert members() == kept

    executor = MigrationExecutor(connection)
    migration = executor.loader.get_migration("complaints", "0011_repeat_members")
    state = executor.loader.project_state(("complaints", "0011_repeat_members"))
    RepeatMember.objects.all().delete()
    migration.operations[-1].code(state.apps, SimpleNamespace(connection=connection))
    assert members() == kept


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_complaints_filed_at_once_complete_a_problem(time_machine, now, agent, unit, category):
    """One complaint exists; two agents file the second and third on their own
    connections at the same moment. Neither sees the other's until it commits: the
    refresh lock makes the later one count all three."""
    time_machine.move_to(now, tick=False)

    def intake(**extra):
        return services.complaint_create(
            actor=agent,
            description="The door bell does not ring",
            channel=Channel.PHONE,
            unit=unit,
            category=category,
            **extra,
        )

    first = intake()
    time_machine.move_to(now + DAY, tick=False)
    barrier = threading.Barrier(2, timeout=30)
    outcomes: list[object] = [None, None]

    def file_at_once(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = intake(contact_name=f"Caller {index}")
        except Exception as error:  # inspected below
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_at_once, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(outcome, Complaint) for outcome in outcomes), outcomes
    assert set(members()) == {first.pk, *(outcome.pk for outcome in outcomes)}


def test_an_estate_wide_complaint_without_a_category_has_no_same_place_candidates(
    now, resident, prop, building, category, other_category
):
    """Estate-wide and not classified yet, a complaint would list everything else filed
    estate-wide in those weeks; it lists nothing. In a building it lists the building's."""
    in_building = services.complaint_create(
        actor=resident.user, description="Lobby light", building=building, category=category
    )
    estate_wide = [
        services.complaint_create(
            actor=resident.user, description=text, property=prop, category=kind
        )
        for text, kind in [("Parking gate", category), ("Lawn not mown", other_category)]
    ]

    def linked(**place):
        return list(repeat_linked(property_id=prop.pk, category_id=None, around=now, **place))

    assert linked(building_id=None, unit_id=None) == []
    assert linked(building_id=building.pk, unit_id=None) == [in_building]
    assert len(estate_wide) == 2
