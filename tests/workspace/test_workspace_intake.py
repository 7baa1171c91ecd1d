"""Intake on behalf of a resident (phone, walk-in, paper, committee): the complaint is
filed by the agent for the resident and owned by the agent, classified (and dispatched)
as they chose; a repeat problem is a warning with "Save anyway" and "Merge into …"
before saving, and a duplicate can be merged into the existing complaint at once."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from factories import BuildingFactory, CategoryFactory, SupervisorFactory, UnitFactory
from workspace_helpers import admin_url, change_url, messages

from complaints import services
from complaints.models import Channel, Complaint, Level, State, Transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(unit, resident):
    """`intake(**changes)`: POST data of a phone complaint for the resident's unit."""

    def _data(**changes) -> dict:
        data = {
            "channel": Channel.PHONE,
            "resident": resident.pk,
            "unit": unit.pk,
            "building": "",
            "location_text": "Kitchen",
            "category": "",
            "level": "",
            "team": "",
            "assignee": "",
            "description": "The kitchen tap drips all night.",
            "contact_name": "",
            "contact_phone": "",
            "preferred_contact_time": "After 18:00",
        }
        data.update(changes)
        return data

    return _data


@pytest.fixture
def earlier(now, time_machine, walk):
    """Two complaints about the resident's unit, filed 10 and 20 days ago, and one 31 days
    ago that is too old to count as a repeat."""

    def at(days):
        time_machine.move_to(now - timedelta(days=days), tick=False)
        complaint = walk(State.ACCEPTED)
        time_machine.move_to(now, tick=False)
        return complaint

    old = at(31)
    return [at(20), at(10)], old


def add_url() -> str:
    return admin_url("complaints_complaint_add")


def test_phone_intake_files_a_complaint_for_the_resident(client, now, agent, resident, intake):
    """Without earlier complaints about the place, the first POST saves: channel phone,
    filed by the agent, for the resident (their phone as the contact), accepted and owned
    by the agent (首问负责制) even without a category."""
    client.force_login(agent)

    response = client.post(add_url(), intake(), follow=True)

    complaint = Complaint.objects.get()
    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [
        ("info", f"{complaint.reference} recorded: you own it, and it is now “Accepted”.")
    ]
    assert complaint.channel == Channel.PHONE
    assert complaint.created_by == agent
    assert complaint.resident == resident
    assert complaint.unit == resident.units.get()
    assert complaint.contact_phone == resident.phone
    assert complaint.preferred_contact_time == "After 18:00"
    assert (complaint.state, complaint.owner, complaint.category) == (State.ACCEPTED, agent, None)
    assert [row.history_user for row in complaint.history.all()] == [agent, agent]


def test_phone_intake_with_a_category_is_owned_and_classified(client, now, agent, intake, category):
    """The category the agent picked is kept: the complaint opens accepted by the agent
    and classified with it (the category's level), history create → accept → classify."""
    client.force_login(agent)

    response = client.post(add_url(), intake(category=category.pk), follow=True)

    complaint = Complaint.objects.get()
    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert messages(response) == [
        ("info", f"{complaint.reference} recorded: you own it, and it is now “Classified”.")
    ]
    assert (complaint.state, complaint.owner) == (State.CLASSIFIED, agent)
    assert (complaint.category, complaint.level) == (category, category.default_level)
    rows = complaint.history.order_by("history_id")
    assert list(rows.values_list("transition", flat=True)) == [
        Transition.CREATE,
        Transition.ACCEPT,
        Transition.CLASSIFY,
    ]
    assert {row.history_user for row in rows} == {agent}


def test_phone_intake_with_level_and_team_is_dispatched(
    client, now, agent, intake, category, engineering, handler
):
    """Level and team chosen: classified at that level and dispatched to the team and
    person, all in the one save."""
    client.force_login(agent)

    client.post(
        add_url(),
        intake(category=category.pk, level=Level.I, team=engineering.pk, assignee=handler.pk),
    )

    complaint = Complaint.objects.get()
    assert (complaint.state, complaint.owner, complaint.level) == (
        State.DISPATCHED,
        agent,
        Level.I,
    )
    assert (complaint.team, complaint.assignee) == (engineering, handler)


def test_team_without_category_keeps_what_was_typed(client, agent, intake, engineering):
    """A team but no category cannot be dispatched: the message is at the category,
    the rest of the form comes back as typed, nothing is saved."""
    client.force_login(agent)

    response = client.post(add_url(), intake(team=engineering.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["category"] == [
        "Choose the category too: a complaint is dispatched once it is classified."
    ]
    content = response.content.decode()
    assert "The kitchen tap drips all night.</textarea>" in content
    assert 'value="After 18:00"' in content
    assert not Complaint.objects.exists()


def test_staff_who_may_not_accept_get_a_clear_message(client, prop, intake, category):
    """Someone who may file but not own complaints is told so above the form, with what
    they typed kept; nothing is saved."""
    desk = SupervisorFactory(username="desk", properties=[prop])
    desk.user_permissions.add(
        Permission.objects.get(content_type__app_label="complaints", codename="add_complaint")
    )
    client.force_login(desk)

    response = client.post(add_url(), intake(category=category.pk))

    assert response.status_code == 200
    (error,) = response.context["form"].non_field_errors()
    assert error.startswith("You may not accept complaints")
    assert "The kitchen tap drips all night.</textarea>" in response.content.decode()
    assert not Complaint.objects.exists()


def test_intake_form_offers_only_staff_channels(client, agent):
    """The channel choices are phone, walk-in, paper and committee referral; the resident,
    unit and building are looked up with autocomplete widgets, not giant selects."""
    client.force_login(agent)

    response = client.get(add_url())

    form = response.context["form"]
    assert [value for value, _label in form.fields["channel"].choices] == [
        Channel.PHONE,
        Channel.WALK_IN,
        Channel.PAPER,
        Channel.COMMITTEE,
    ]
    content = response.content.decode()
    for name in ("resident", "unit", "building"):
        assert f'name="{name}"' in content
        assert "admin-autocomplete" in content


def test_repeat_warning_is_shown_before_saving(client, agent, intake, earlier):
    """With two complaints about the same unit in the last 30 days, the first POST shows
    a warning (not an error) "Repeat problem? 2 complaints ..." listing them, with a
    "Save anyway" button and a "Merge into TS…" button for each; what was typed is kept
    and nothing is saved."""
    recent, old = earlier
    count = Complaint.objects.count()
    client.force_login(agent)

    response = client.post(add_url(), intake())

    assert response.status_code == 200
    content = response.content.decode()
    assert '<li class="warning">' in content
    assert "errornote" not in content
    assert not response.context["form"].errors
    assert "Repeat problem? 2 complaints about the same place in the last 30 days:" in content
    assert '<button type="submit" class="button default pd-save-anyway" name="confirmed"' in (
        content
    )
    for complaint in recent:
        assert f'name="merge_into" value="{complaint.pk}">Merge into {complaint.reference}<' in (
            content
        )
    assert old.reference not in content
    assert "The kitchen tap drips all night.</textarea>" in content
    assert 'type="hidden" name="confirmed"' not in content  # only the button confirms
    assert Complaint.objects.count() == count


def test_save_anyway_saves_a_new_owned_complaint(client, agent, intake, earlier, category):
    """ "Save anyway" (confirmed=1) on a repeat of the same category files the complaint
    as a new one, owned by the agent with the category kept."""
    for complaint in earlier[0]:
        services.complaint_classify(complaint_id=complaint.pk, actor=agent, category=category)
    count = Complaint.objects.count()
    client.force_login(agent)

    warned = client.post(add_url(), intake(category=category.pk))
    response = client.post(add_url(), intake(category=category.pk, confirmed="1"), follow=True)

    assert "Repeat problem? 2 complaints" in warned.content.decode()

    assert Complaint.objects.count() == count + 1
    complaint = Complaint.objects.latest("pk")
    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert (complaint.state, complaint.channel, complaint.owner) == (
        State.CLASSIFIED,
        Channel.PHONE,
        agent,
    )


def test_merge_into_an_existing_complaint_at_intake(client, agent, intake, earlier):
    """ "Merge into" one of the repeats saves the call as a complaint merged into that
    one and opens the original."""
    recent, _old = earlier
    target = recent[0]
    client.force_login(agent)

    response = client.post(add_url(), intake(merge_into=target.pk), follow=True)

    complaint = Complaint.objects.latest("pk")
    assert (complaint.state, complaint.merged_into) == (State.MERGED, target)
    assert complaint.created_by == agent
    assert response.redirect_chain == [(change_url(target), 302)]
    assert messages(response) == [
        ("info", f"{complaint.reference} recorded and merged into {target.reference}.")
    ]
    assert complaint.history.latest().transition == Transition.MERGE


def test_repeat_check_with_a_category_counts_only_that_category(
    client, agent, intake, earlier, category
):
    """With a category chosen, only earlier complaints of that category about the place
    count: two classified leaks are a repeat, the accepted ones of no category are not."""
    leak = CategoryFactory(code="test-leak", name_en="Leak")
    for complaint in earlier[0]:
        services.complaint_classify(complaint_id=complaint.pk, actor=agent, category=leak)
    client.force_login(agent)

    same = client.post(add_url(), intake(category=leak.pk))
    other = client.post(add_url(), intake(category=category.pk), follow=True)

    assert "Repeat problem? 2 complaints" in same.content.decode()
    assert not Complaint.objects.filter(category=leak, created_by=agent).exists()
    assert "Repeat problem?" not in other.content.decode()
    assert other.redirect_chain[-1][1] == 302


def test_common_area_repeats_are_counted_per_building(
    client, now, agent, intake, building, resident, time_machine
):
    """For a common area (building, no unit) the repeats are the building's common-area
    complaints."""
    time_machine.move_to(now - timedelta(days=3), tick=False)
    services.complaint_create(
        actor=agent,
        channel=Channel.WALK_IN,
        building=building,
        description="Lobby light broken",
        location_text="Lobby",
    )
    time_machine.move_to(now, tick=False)
    client.force_login(agent)

    response = client.post(
        add_url(), intake(unit="", building=building.pk, location_text="Lobby, 1st floor")
    )

    assert "Repeat problem? 1 complaint about the same place" in response.content.decode()


def test_unit_of_another_property_is_refused(client, agent, intake, other_building):
    """A unit of a property outside the agent's scope is not a valid choice: the form
    comes back with the error at the unit field and nothing is saved."""
    foreign_unit = UnitFactory(building=other_building)
    client.force_login(agent)

    response = client.post(add_url(), intake(unit=foreign_unit.pk))

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_resident_of_another_property_is_refused(client, agent, intake, foreign_complaint):
    """A resident of another property cannot be chosen either."""
    client.force_login(agent)
    count = Complaint.objects.count()

    response = client.post(add_url(), intake(resident=foreign_complaint.resident_id))

    assert response.status_code == 200
    assert "resident" in response.context["form"].errors
    assert Complaint.objects.count() == count


def test_web_channel_is_refused_at_intake(client, agent, intake):
    """Staff intake may not claim the resident's own web channel."""
    client.force_login(agent)

    response = client.post(add_url(), intake(channel=Channel.WEB))

    assert "channel" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_a_place_is_required(client, agent, intake):
    """Neither unit nor building: "Choose the unit, or the building of a common area."."""
    client.force_login(agent)

    response = client.post(add_url(), intake(unit=""))

    assert response.context["form"].non_field_errors() == [
        "Choose the unit, or the building of a common area."
    ]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["handler", "team_leader", "supervisor"])
def test_roles_without_add_complaint_cannot_open_intake(request, client, intake, role):
    """Handlers, team leaders and supervisors may not file complaints: 403 for the page
    and for a POST, and nothing saved."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(add_url()).status_code == 403
    assert client.post(add_url(), intake()).status_code == 403
    assert not Complaint.objects.exists()


def test_service_error_keeps_what_was_typed_at_its_field(client, agent, intake, unit):
    """SPEC §7: bad input gets a clear message with the rest of what was typed kept. A
    unit that is not in the chosen building is refused by the service
    (InvalidInput.field = unit): the intake form must come back with that error at the
    unit field and the description kept, not a redirect to an empty form."""
    other_building = BuildingFactory(property=unit.building.property, name="Building 5")
    client.force_login(agent)

    response = client.post(add_url(), intake(building=other_building.pk))

    assert not Complaint.objects.exists()
    assert response.status_code == 200
    assert response.context["form"].errors["unit"] == ["The unit is not in the chosen building."]
    assert "The kitchen tap drips all night.</textarea>" in response.content.decode()


def test_refused_merge_at_intake_saves_nothing_and_keeps_the_form(
    client, agent, intake, earlier, resident
):
    """The chosen repeat was withdrawn before the agent pressed save: the service refuses
    the merge, the call is not recorded either, and the form comes back as typed."""
    recent, _old = earlier
    target = recent[0]
    services.complaint_merge(complaint_id=recent[1].pk, actor=agent, into_id=target.pk)
    client.force_login(agent)
    count = Complaint.objects.count()

    response = client.post(add_url(), intake(merge_into=recent[1].pk))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"{recent[1].reference} is Merged and cannot take duplicates."
    ]
    assert "The kitchen tap drips all night.</textarea>" in response.content.decode()
    assert Complaint.objects.count() == count


def test_intake_with_merge_calls_the_intake_service_once(
    client, agent, intake, earlier, monkeypatch
):
    """The admin leaves create-and-merge to one service call (its transaction included)."""
    recent, _old = earlier
    calls = []
    create = services.complaint_take_in

    def spy(**kwargs):
        calls.append(kwargs)
        return create(**kwargs)

    monkeypatch.setattr(services, "complaint_take_in", spy)
    client.force_login(agent)

    client.post(add_url(), intake(merge_into=recent[0].pk))

    assert [call["merge_into_id"] for call in calls] == [recent[0].pk]
