"""POST /api/v1/complaints/: intake on behalf of a resident (a phone call), as the
admin's intake page: the agent owns it, a category classifies it and a team dispatches
it; a repeat of the same place is a 409 listing the complaints until confirmed or
merged; nothing is saved by a refusal."""

import pytest
from staff_fixtures import MASKED, PHONE, api, in_state, list_url, resident

from complaints.models import Complaint, State

pytestmark = pytest.mark.django_db

__all__ = ["api", "in_state", "resident"]


def take_in(client, **fields):
    return client.post(list_url(), fields, format="json")


def test_a_phone_call_is_taken_in_and_owned(api, agent, unit, resident, now):
    response = take_in(
        api(agent),
        channel="phone",
        unit=unit.pk,
        resident=resident.pk,
        description="The hallway light flickers",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    complaint = Complaint.objects.get(pk=body["id"])
    assert (complaint.state, complaint.owner, complaint.channel) == (
        State.ACCEPTED,
        agent,
        "phone",
    )
    assert body["owner"]["name"] == "Na Li"
    assert body["contact_phone"] == MASKED
    assert PHONE not in response.content.decode()


def test_with_category_and_team_it_is_dispatched_at_once(
    api, agent, unit, category, engineering, handler, now
):
    response = take_in(
        api(agent),
        channel="walk_in",
        unit=unit.pk,
        category=category.pk,
        team=engineering.pk,
        assignee=handler.pk,
        description="Door bell broken",
    )

    assert response.status_code == 201, response.json()
    complaint = Complaint.objects.get(pk=response.json()["id"])
    assert (complaint.state, complaint.team, complaint.assignee) == (
        State.DISPATCHED,
        engineering,
        handler,
    )
    assert [row["transition"] for row in response.json()["history"]] == [
        "dispatch",
        "classify",
        "accept",
        "create",
    ]


def test_a_repeat_is_shown_before_saving_then_confirmed_or_merged(api, in_state, agent, unit, now):
    """The same unit within 30 days: 409 `repeats` listing the earlier complaint, nothing
    saved; `confirmed` saves it anyway, `merge_into` files it merged into that one."""
    earlier = in_state(State.ACCEPTED)
    client = api(agent)
    fields = {"channel": "phone", "unit": unit.pk, "description": "Still leaking"}
    count = Complaint.objects.count()

    warned = take_in(client, **fields)
    assert warned.status_code == 409
    assert warned.json()["code"] == "repeats"
    assert [row["id"] for row in warned.json()["repeats"]] == [earlier.pk]
    assert Complaint.objects.count() == count

    confirmed = take_in(client, **fields, confirmed=True)
    assert confirmed.status_code == 201
    assert confirmed.json()["state"] == "accepted"

    merged = take_in(client, **fields, merge_into=earlier.pk)
    assert merged.status_code == 201
    assert merged.json()["state"] == "merged"
    assert merged.json()["merged_into"] == {"id": earlier.pk, "name": earlier.reference}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "phone", "description": "No place"}, "non_field_errors"),
        ({"channel": "web", "building": "B", "description": "x"}, "channel"),
        ({"channel": "phone", "building": None}, "description"),
    ],
)
def test_bad_input_is_400_and_saves_nothing(api, agent, building, fields, field):
    fields = {**fields}
    if fields.get("building") is not None:
        fields["building"] = building.pk
    count = Complaint.objects.count()

    response = take_in(api(agent), **fields)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Complaint.objects.count() == count


def test_a_unit_of_another_property_is_not_a_choice(api, agent, other_building):
    from factories import UnitFactory

    foreign_unit = UnitFactory(building=other_building)

    response = take_in(api(agent), channel="phone", unit=foreign_unit.pk, description="x")

    assert response.status_code == 400
    assert "unit" in response.json()["errors"]


def test_who_may_not_take_complaints_in_is_refused(api, handler, supervisor, building):
    for user in (handler, supervisor):
        response = take_in(api(user), channel="phone", building=building.pk, description="x")
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
    assert not Complaint.objects.exists()


def test_a_team_leader_who_may_not_file_is_refused_in_chinese(api, team_leader, building):
    response = take_in(
        api(team_leader, "zh-hans"), channel="phone", building=building.pk, description="x"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "您无权执行此操作。"
