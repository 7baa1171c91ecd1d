"""Devices in the admin: project managers register their properties' sensors; the token is
shown once, on the page after it was issued, and stored only as a hash; revoking and
reissuing are actions; another property's manager neither sees nor chooses the device; a
sensor's complaint shows its alert entry."""

import re

import pytest
from django.contrib.messages import get_messages
from factories import BuildingFactory, ProjectManagerFactory
from iot_helpers import admin_url, sha256

from complaints.models import Complaint, Device

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<code class="pd-token">([^<]+)</code>')


def device_body(prop, building, category, **changes) -> dict:
    body = {
        "name": "Pump room P1",
        "kind": Device.Kind.PUMP,
        "property": prop.pk,
        "building": building.pk,
        "location_text": "B2 pump room",
        "category": category.pk,
        "level": 2,
        "is_active": "on",
    }
    body.update(changes)
    return body


def shown_tokens(response) -> list[str]:
    return [
        m for message in get_messages(response.wsgi_request) for m in TOKEN.findall(str(message))
    ]


@pytest.fixture
def other_manager(other_prop):
    return ProjectManagerFactory(username="manager-y", properties=[other_prop])


def test_adding_a_device_shows_its_token_once_and_stores_only_its_hash(
    client, project_manager, prop, building, elevator, api
):
    """The page after adding shows the token; the row and its history hold only its
    prefix and hash; neither the change page nor the next page shows it again; the token
    authenticates the device's alerts."""
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_device_add"), device_body(prop, building, elevator), follow=True
    )

    assert response.status_code == 200
    [token] = shown_tokens(response)
    assert token.encode() in response.content
    device = Device.objects.get()
    assert (device.name, device.property, device.building, device.category) == (
        "Pump room P1",
        prop,
        building,
        elevator,
    )
    assert device.token_hash == sha256(token)
    assert device.token_prefix == token[:8]
    stored = [str(v) for v in Device.objects.values_list().get()]
    history = [str(v) for row in device.history.values_list() for v in row]
    assert token not in stored + history
    assert device.history.get().history_user == project_manager

    change_page = client.get(admin_url("complaints_device_change", device.pk))
    assert change_page.status_code == 200
    assert token.encode() not in change_page.content
    assert device.token_prefix.encode() in change_page.content
    later = client.get(admin_url("complaints_device_changelist"))
    assert token.encode() not in later.content

    assert api(token).status_code == 201


def test_a_device_of_another_property_is_neither_seen_nor_chosen(
    client, other_manager, lift, prop, building, elevator
):
    """A project manager of Riverside Plaza: Lakeside Garden's device is not in the list,
    its change page is "not found", Lakeside Garden is not a choice on the add form, and
    posting it anyway is a field error that saves nothing."""
    device, _token = lift
    client.force_login(other_manager)

    changelist = client.get(admin_url("complaints_device_changelist"))
    assert changelist.status_code == 200
    assert device.name.encode() not in changelist.content

    change = client.get(admin_url("complaints_device_change", device.pk))
    assert change.status_code == 302
    assert Device.objects.get(pk=device.pk).name == device.name

    add = client.get(admin_url("complaints_device_add"))
    form = add.context["adminform"].form
    assert prop not in form.fields["property"].queryset
    assert building not in form.fields["building"].queryset

    posted = client.post(
        admin_url("complaints_device_add"),
        device_body(prop, building, elevator, name="Smuggled in"),
    )
    assert posted.status_code == 200
    assert {"property", "building"} <= set(posted.context["adminform"].form.errors)
    assert not Device.objects.filter(name="Smuggled in").exists()


def test_revoking_in_another_property_changes_nothing(client, other_manager, lift, api):
    """The revoke action posted by another property's manager with this device's id
    leaves its token working."""
    device, token = lift
    client.force_login(other_manager)

    client.post(
        admin_url("complaints_device_changelist"),
        {"action": "revoke_tokens", "_selected_action": [device.pk]},
    )

    device.refresh_from_db()
    assert device.has_token
    assert api(token).status_code == 201


def test_a_building_of_another_property_is_a_field_error(
    client, project_manager, prop, other_building, elevator
):
    """Even for a manager of both, the building must be in the chosen property."""
    project_manager.staff_profile.properties.add(other_building.property)
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_device_add"), device_body(prop, other_building, elevator)
    )

    assert response.status_code == 200
    assert "building" in response.context["adminform"].form.errors
    assert not Device.objects.exists()


def test_revoke_then_issue_a_new_token(client, project_manager, lift, api):
    """Revoking stops the token at once (401); issuing shows a new token once, which
    works, while the old one stays refused."""
    device, old = lift
    client.force_login(project_manager)
    changelist = admin_url("complaints_device_changelist")

    response = client.post(
        changelist, {"action": "revoke_tokens", "_selected_action": [device.pk]}, follow=True
    )

    assert response.status_code == 200
    assert not shown_tokens(response)
    device.refresh_from_db()
    assert not device.has_token and device.token_revoked_at is not None
    assert api(old).status_code == 401
    change_page = client.get(admin_url("complaints_device_change", device.pk))
    assert b"revoked" in change_page.content

    response = client.post(
        changelist, {"action": "issue_tokens", "_selected_action": [device.pk]}, follow=True
    )

    [new] = shown_tokens(response)
    assert new != old
    device.refresh_from_db()
    assert device.token_hash == sha256(new)
    assert api(old).status_code == 401
    assert api(new).status_code == 201
    assert new.encode() not in client.get(admin_url("complaints_device_change", device.pk)).content


def test_revoking_a_device_without_token_says_so(client, project_manager, lift):
    """Revoking twice: the second time is an error message, nothing changes."""
    device, _token = lift
    client.force_login(project_manager)
    changelist = admin_url("complaints_device_changelist")
    client.post(changelist, {"action": "revoke_tokens", "_selected_action": [device.pk]})
    revoked_at = Device.objects.get(pk=device.pk).token_revoked_at

    response = client.post(
        changelist, {"action": "revoke_tokens", "_selected_action": [device.pk]}, follow=True
    )

    assert any("has no token to revoke" in str(m) for m in get_messages(response.wsgi_request))
    assert Device.objects.get(pk=device.pk).token_revoked_at == revoked_at


def test_editing_a_device_keeps_its_token(
    client, project_manager, lift, prop, building, elevator, api
):
    """Saving the change form (a new location) leaves the token as it was."""
    device, token = lift
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_device_change", device.pk),
        device_body(prop, building, elevator, name=device.name, location_text="Elevator 2, pit"),
    )

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.location_text == "Elevator 2, pit"
    assert device.token_hash == sha256(token)
    api(token)
    assert Complaint.objects.get().location_text == "Elevator 2, pit"


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor"])
def test_other_roles_cannot_add_devices(request, client, role):
    """Only project managers (and superusers) register devices."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("complaints_device_add"))

    assert response.status_code == 403


def test_a_sensor_complaint_shows_its_alert_entry(client, agent, lift, api, settings):
    """The complaint's change page lists the fault, how many alerts came and whether the
    device reported it cleared."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"iot_device": "100/minute"},
    }
    _device, token = lift
    for _ in range(3):
        api(token, fault_code="E12", message="Door open while moving")
    api(token, cleared=True)
    complaint = Complaint.objects.get()
    client.force_login(agent)

    response = client.get(admin_url("complaints_complaint_change", complaint.pk))

    assert response.status_code == 200
    inline = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.opts.model.__name__ == "DeviceAlert"
    )
    assert inline is not None
    page = response.content.decode()
    assert "Lift 2 monitor" in page and "E12" in page
    assert "Reported cleared" in page
    assert re.search(r"<td[^>]*field-alert_count[^>]*>\s*<p>3</p>", page)


@pytest.mark.parametrize("who", ["agent", "admin_user"])
def test_a_complaint_not_from_a_sensor_has_no_alert_section(client, who, complaint, request):
    """Complaints from residents and staff show no device alert section, to the superuser
    (who may delete alerts) neither."""
    client.force_login(request.getfixturevalue(who))

    response = client.get(admin_url("complaints_complaint_change", complaint.pk))

    assert response.status_code == 200
    assert not [
        f
        for f in response.context["inline_admin_formsets"]
        if f.opts.model.__name__ == "DeviceAlert"
    ]


def test_another_building_in_the_same_property_is_accepted(client, project_manager, prop, elevator):
    """A manager registers a device in any building of their property."""
    annex = BuildingFactory(property=prop, name="Annex")
    client.force_login(project_manager)

    response = client.post(
        admin_url("complaints_device_add"), device_body(prop, annex, elevator, name="Annex pump")
    )

    assert response.status_code == 302
    assert Device.objects.get().building == annex


def test_a_level_one_sensor_complaint_says_why_it_is_suspected(client, agent, register, api):
    """The change page explains the suspected emergency by the sensor's level, not by a
    category the resident chose."""
    _device, token = register(name="Lift 1 entrapment", level=1)
    api(token, fault_code="TRAP", message="Car stopped between floors")
    client.force_login(agent)

    response = client.get(admin_url("complaints_complaint_change", Complaint.objects.get().pk))

    assert b"The sensor that reported it is set to level I." in response.content
    assert b"The category chosen at filing is level I." not in response.content


def test_a_device_history_is_scoped(client, project_manager, other_manager, lift):
    """Its manager reads the device's history (who registered it, token changes); another
    property's manager is turned away."""
    device, _token = lift
    url = admin_url("complaints_device_history", device.pk)

    client.force_login(project_manager)
    assert client.get(url).status_code == 200

    client.force_login(other_manager)
    assert client.get(url).status_code == 302
