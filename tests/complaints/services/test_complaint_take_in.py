"""complaint_take_in: a staff member takes a complaint in on behalf of a resident and owns
it (首问负责制), keeping the category, level and team they chose, in one transaction of
the existing services: create → accept → classify (→ dispatch)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from factories import CategoryFactory, SupervisorFactory, image_upload
from helpers import transactions_open_while_photos_processed

from complaints.exceptions import InvalidInput, NotAllowed
from complaints.models import Channel, Complaint, Level, Notification, Photo, State, Transition
from complaints.repeats import repeat_linked
from complaints.services import complaint_take_in, complaint_withdraw

pytestmark = pytest.mark.django_db


def call(agent, resident, unit, **changes) -> dict:
    return {
        "actor": agent,
        "channel": Channel.PHONE,
        "resident": resident,
        "unit": unit,
        "description": "The kitchen tap drips all night.",
        **changes,
    }


def steps(complaint: Complaint) -> list[tuple[str, str]]:
    """(transition, actor username) of every history row, oldest first."""
    return [
        (row.transition, row.history_user.username)
        for row in complaint.history.order_by("history_id")
    ]


def staff_with(prop, *codenames: str):
    """A staff member of `prop` who may see its complaints, plus exactly these
    complaint permissions (a supervisor has none of their own)."""
    user = SupervisorFactory(username="desk", properties=[prop])
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_with_a_category_the_agent_owns_it_classified(now, agent, resident, unit, category):
    """A phone call with a category: accepted and owned by the agent, classified with the
    category's default level and its deadlines; history create → accept → classify, each
    by the agent."""
    complaint = complaint_take_in(**call(agent, resident, unit, category=category))

    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED
    assert complaint.owner == agent
    assert complaint.accepted_at == complaint.classified_at == now
    assert (complaint.category, complaint.level) == (category, Level.II)
    assert complaint.resolve_due is not None
    assert (complaint.channel, complaint.created_by, complaint.resident) == (
        Channel.PHONE,
        agent,
        resident,
    )
    assert steps(complaint) == [
        (Transition.CREATE, "agent"),
        (Transition.ACCEPT, "agent"),
        (Transition.CLASSIFY, "agent"),
    ]


def test_the_chosen_level_wins_over_the_categorys(now, agent, resident, unit, category):
    complaint = complaint_take_in(**call(agent, resident, unit, category=category, level=Level.III))

    assert Complaint.objects.get(pk=complaint.pk).level == Level.III


def test_level_one_alerts_the_project_manager_as_classify_does(
    now, agent, resident, unit, category, project_manager
):
    """Choosing level I alerts the project manager at once ("level_one"), once."""
    complaint = complaint_take_in(**call(agent, resident, unit, category=category, level=Level.I))

    alerts = Notification.objects.filter(complaint=complaint, kind="level_one")
    assert list(alerts.values_list("recipient_id", flat=True)) == [project_manager.pk]
    assert Complaint.objects.get(pk=complaint.pk).on_site_due == now + timedelta(minutes=30)


def test_with_a_team_it_is_dispatched_too(
    now, agent, resident, unit, category, engineering, handler
):
    """A team (and a person of it) dispatches it in the same call: create → accept →
    classify → dispatch, all by the agent, who stays the owner."""
    complaint = complaint_take_in(
        **call(agent, resident, unit, category=category, team=engineering, assignee=handler)
    )

    complaint.refresh_from_db()
    assert complaint.state == State.DISPATCHED
    assert (complaint.owner, complaint.team, complaint.assignee) == (agent, engineering, handler)
    assert [transition for transition, _user in steps(complaint)] == [
        Transition.CREATE,
        Transition.ACCEPT,
        Transition.CLASSIFY,
        Transition.DISPATCH,
    ]
    assert {user for _transition, user in steps(complaint)} == {"agent"}


def test_without_a_category_it_is_still_accepted_by_the_agent(now, agent, resident, unit):
    """首问负责制: the agent owns it even when it is not classified yet."""
    complaint = complaint_take_in(**call(agent, resident, unit))

    complaint.refresh_from_db()
    assert (complaint.state, complaint.owner, complaint.category) == (State.ACCEPTED, agent, None)
    assert steps(complaint) == [(Transition.CREATE, "agent"), (Transition.ACCEPT, "agent")]


def test_photos_are_kept_as_evidence(now, agent, resident, unit, category, media_root):
    complaint = complaint_take_in(
        **call(agent, resident, unit, category=category, photos=[image_upload("tap.jpg")])
    )

    assert list(complaint.photos.values_list("step", flat=True)) == [Photo.Step.EVIDENCE]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_photos_are_processed_before_the_transaction_opens(
    now, agent, resident, unit, category, media_root, monkeypatch
):
    processed_in_transaction = transactions_open_while_photos_processed(monkeypatch)

    complaint = complaint_take_in(
        **call(agent, resident, unit, category=category, photos=[image_upload("tap.jpg")])
    )

    assert processed_in_transaction == [False]
    assert complaint.photos.count() == 1


def test_staff_who_may_not_accept_are_refused_and_nothing_is_saved(
    now, prop, resident, unit, category, media_root
):
    """Someone who may file but not accept (own) complaints gets a NotAllowed saying so;
    no complaint, history row, photo or file is left."""
    desk = staff_with(prop, "add_complaint")

    with pytest.raises(NotAllowed) as excinfo:
        complaint_take_in(
            **call(desk, resident, unit, category=category, photos=[image_upload("tap.jpg")])
        )

    assert "You may not accept complaints" in excinfo.value.message
    assert not Complaint.objects.exists()
    assert not Complaint.history.exists()
    assert not Photo.objects.exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


@pytest.mark.parametrize(
    ("codenames", "words"),
    [
        (["add_complaint", "accept_complaint"], "You may not classify complaints"),
        (
            ["add_complaint", "accept_complaint", "classify_complaint"],
            "You may not dispatch complaints",
        ),
    ],
)
def test_a_step_the_staff_member_may_not_take_refuses_the_whole_intake(
    now, prop, resident, unit, category, engineering, codenames, words
):
    desk = staff_with(prop, *codenames)

    with pytest.raises(NotAllowed) as excinfo:
        complaint_take_in(**call(desk, resident, unit, category=category, team=engineering))

    assert words in excinfo.value.message
    assert not Complaint.objects.exists()
    assert not Complaint.history.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": Level.I}, "level"),
        ({"team": "engineering"}, "category"),
        ({"category": "category", "assignee": "handler"}, "team"),
        ({"category": "category", "team": "other_engineering"}, "team"),
        ({"category": "category", "team": "environment", "assignee": "handler"}, "assignee"),
        ({"category": "retired_category"}, "category"),
        ({"channel": Channel.WEB}, "channel"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_saved(
    request, now, agent, resident, unit, changes, field
):
    """A level or a team without a category, a person without a team or not in it, a
    team of another property, a retired category, the resident's own channel:
    InvalidInput at the field, nothing saved. (Values naming a fixture are that fixture.)"""
    resolved = {
        name: value
        if name == "channel" or not isinstance(value, str)
        else request.getfixturevalue(value)
        for name, value in changes.items()
    }

    with pytest.raises(InvalidInput) as excinfo:
        complaint_take_in(**call(agent, resident, unit, **resolved))

    assert excinfo.value.field == field
    assert not Complaint.objects.exists()


@pytest.fixture
def retired_category(db):
    return CategoryFactory(code="test-retired", is_active=False)


def test_a_repeat_is_filed_merged_into_the_earlier_complaint(
    now, walk, agent, resident, unit, category
):
    """With merge_into_id the call is filed (keeping its category) and merged into the
    open complaint: create → merge by the agent, nobody owns the duplicate, and it no
    longer counts as linked."""
    target = walk(State.CLASSIFIED)

    complaint = complaint_take_in(
        **call(agent, resident, unit, category=category), merge_into_id=target.pk
    )

    complaint.refresh_from_db()
    assert (complaint.state, complaint.merged_into) == (State.MERGED, target)
    assert (complaint.category, complaint.owner) == (category, None)
    assert steps(complaint) == [(Transition.CREATE, "agent"), (Transition.MERGE, "agent")]
    linked = repeat_linked(
        property_id=unit.building.property_id,
        unit_id=unit.pk,
        building_id=unit.building_id,
        category_id=category.pk,
        around=now,
    )
    assert list(linked) == [target]


def test_a_refused_merge_saves_nothing(now, walk, agent, resident, unit, media_root):
    """A withdrawn target cannot take duplicates: InvalidInput at "into", and neither the
    call nor its photos are kept."""
    target = walk(State.NEW)
    complaint_withdraw(complaint_id=target.pk, actor=resident.user)
    count = Complaint.objects.count()

    with pytest.raises(InvalidInput) as excinfo:
        complaint_take_in(
            **call(agent, resident, unit, photos=[image_upload("tap.jpg")]),
            merge_into_id=target.pk,
        )

    assert excinfo.value.field == "into"
    assert Complaint.objects.count() == count
    assert not Photo.objects.exists()
