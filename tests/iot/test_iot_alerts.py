"""`POST /api/v1/iot/alerts/`: a sensor's alert files a pre-complaint (预投诉) through the
intake service, repeats and "cleared" reports land on it while it is open, and the device
token, the body and the per-device rate are checked with the API's error body."""

import pytest
from factories import ComplaintFactory, TeamLeaderFactory
from iot_helpers import ALERTS_URL
from rest_framework.test import APIClient

from complaints.models import (
    Channel,
    Complaint,
    Device,
    DeviceAlert,
    Notification,
    State,
    Transition,
)
from complaints.services import (
    complaint_merge,
    device_change,
    device_token_revoke,
)

pytestmark = pytest.mark.django_db


def rates(settings, rate: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"iot_device": rate},
    }


# --- Authentication ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Device",
        "Device not-a-token-of-anyone",
        "Device a b",
        "Bearer whatever",
    ],
)
def test_without_a_valid_device_token_the_answer_is_401(api, lift, header):
    """No header, an empty, unknown or malformed device token, or another scheme: 401 with
    the API's error body, a challenge naming the scheme, and no complaint."""
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)

    response = client.post(ALERTS_URL, {"fault_code": "E12", "message": "x"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Device")
    assert not Complaint.objects.exists()


def test_a_token_with_the_right_prefix_but_wrong_rest_is_refused(api, lift):
    """The prefix only finds the row; the whole token must match its hash."""
    _device, token = lift
    forged = token[:8] + ("A" if token[8] != "A" else "B") + token[9:]

    response = api(forged)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Complaint.objects.exists()


def test_a_revoked_token_is_refused(api, lift, project_manager):
    """Once the token is revoked, the device's alerts get 401 and file nothing."""
    device, token = lift
    assert api(token).status_code == 201

    device_token_revoke(actor=project_manager, device_id=device.pk)
    response = api(token, fault_code="E13")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Complaint.objects.count() == 1


def test_an_inactive_device_is_refused(api, lift, project_manager):
    """A device switched off in the admin keeps its token but its alerts get 401."""
    device, token = lift
    device.is_active = False
    device_change(actor=project_manager, device=device)

    response = api(token)

    assert response.status_code == 401
    assert not Complaint.objects.exists()


# --- Filing -----------------------------------------------------------------------------


def test_an_alert_files_a_complaint_from_the_device(api, lift, system_user, building, elevator):
    """The first alert of a fault is a new IoT complaint filed by the system actor, with the
    device's category, place and location, not a suspected emergency at level II."""
    device, token = lift

    response = api(token, fault_code="E12", message="Door open while moving")

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert response.json() == {
        "outcome": "opened",
        "complaint": complaint.reference,
        "alert_count": 1,
    }
    assert complaint.channel == Channel.IOT
    assert complaint.state == State.NEW
    assert complaint.category == elevator
    assert (complaint.property, complaint.building, complaint.unit) == (
        building.property,
        building,
        None,
    )
    assert complaint.location_text == "Elevator 2, machine room"
    assert "E12" in complaint.description and "Door open while moving" in complaint.description
    assert complaint.created_by == system_user
    assert not complaint.suspected_emergency
    row = complaint.history.get()
    assert (row.transition, row.history_user) == (Transition.CREATE, system_user)
    alert = DeviceAlert.objects.get()
    assert (alert.device, alert.complaint, alert.fault_code, alert.alert_count) == (
        device,
        complaint,
        "E12",
        1,
    )


def test_a_level_one_device_files_a_suspected_emergency_and_alerts(
    api, register, project_manager, customer_service
):
    """A level I device (of a level II category) makes its alert a suspected emergency and
    alerts the project manager and the customer-service leader, as filing does."""
    leader = TeamLeaderFactory(team=customer_service)
    customer_service.leader = leader
    customer_service.save()
    _device, token = register(name="Lift 1 entrapment", level=1)

    response = api(token, fault_code="TRAP", message="Car stopped between floors")

    assert response.status_code == 201
    complaint = Complaint.objects.get()
    assert complaint.suspected_emergency
    assert complaint.level is None  # the agent confirms it when classifying
    assert sorted(
        Notification.objects.filter(complaint=complaint).values_list("kind", "recipient_id")
    ) == sorted([("emergency", project_manager.pk), ("emergency", leader.pk)])


def test_a_device_of_a_level_one_category_files_a_suspected_emergency(
    api, register, fire_safety, project_manager
):
    """The category's own level I makes the alert a suspected emergency too (the intake
    service's rule), whatever level the device is set to."""
    _device, token = register(name="Smoke B3-2", kind=Device.Kind.SMOKE, category=fire_safety)

    assert api(token, fault_code="S1", message="Alarm").status_code == 201

    complaint = Complaint.objects.get()
    assert complaint.suspected_emergency
    assert Notification.objects.filter(complaint=complaint, kind="emergency").exists()


def test_an_alert_storm_leaves_one_complaint_with_a_counted_entry(api, lift, settings):
    """100 repeats of one fault while its complaint is open: one complaint, whose one
    alert entry counts all 100 and keeps the latest message."""
    rates(settings, "1000/minute")
    _device, token = lift

    responses = [api(token, message=f"Door open, report {n}") for n in range(100)]

    assert [r.status_code for r in responses] == [201] + [200] * 99
    assert {r.json()["outcome"] for r in responses[1:]} == {"repeated"}
    assert responses[-1].json()["alert_count"] == 100
    complaint = Complaint.objects.get()
    alert = DeviceAlert.objects.get()
    assert alert.complaint == complaint
    assert alert.alert_count == 100
    assert alert.message == "Door open, report 0"
    assert alert.last_message == "Door open, report 99"
    assert complaint.history.count() == 1


def test_another_fault_of_the_same_device_files_its_own_complaint(api, lift):
    """Repeats are per fault code: a second fault is a complaint of its own."""
    _device, token = lift

    assert api(token, fault_code="E12").status_code == 201
    assert api(token, fault_code="E40").status_code == 201

    assert Complaint.objects.count() == 2
    assert sorted(DeviceAlert.objects.values_list("fault_code", flat=True)) == ["E12", "E40"]


def test_a_cleared_alert_is_recorded_without_closing(api, lift, now):
    """ "cleared": the device says the fault is gone; it is recorded on the open complaint,
    which stays as it was until a person confirms; a later repeat counts again."""
    _device, token = lift
    api(token)

    response = api(token, cleared=True, timestamp="2025-03-10T09:29:00+08:00")

    assert response.status_code == 200
    assert response.json()["outcome"] == "cleared"
    complaint = Complaint.objects.get()
    assert complaint.state == State.NEW
    alert = DeviceAlert.objects.get()
    assert alert.cleared_at == now
    assert alert.last_reported_at.isoformat() == "2025-03-10T01:29:00+00:00"
    assert alert.alert_count == 1

    assert api(token).json()["outcome"] == "repeated"
    alert.refresh_from_db()
    assert alert.cleared_at is None
    assert alert.alert_count == 2


def test_a_cleared_alert_without_an_open_complaint_is_ignored(api, lift):
    """A "cleared" for a fault nobody is dealing with files nothing."""
    _device, token = lift

    response = api(token, cleared=True)

    assert response.status_code == 200
    assert response.json() == {"outcome": "ignored", "complaint": None, "alert_count": None}
    assert not Complaint.objects.exists()


def test_an_alert_after_the_complaint_is_closed_opens_a_new_one(api, lift, walk):
    """Once the complaint of a fault is closed, the same fault again is a new complaint."""
    _device, token = lift
    api(token)
    first = Complaint.objects.get()
    walk(State.CLOSED, complaint=first)

    response = api(token)

    assert response.status_code == 201
    assert response.json()["outcome"] == "opened"
    assert Complaint.objects.count() == 2
    second = Complaint.objects.exclude(pk=first.pk).get()
    assert response.json()["complaint"] == second.reference
    assert second.device_alert.alert_count == 1
    assert first.device_alert.alert_count == 1


def test_an_alert_after_the_complaint_was_merged_opens_a_new_one(api, lift, agent, prop):
    """A merged complaint is no longer one of its own: the next alert files anew."""
    _device, token = lift
    api(token)
    iot = Complaint.objects.get()
    original = ComplaintFactory(
        actor=agent, resident=None, property=prop, channel=Channel.PHONE, description="Lift"
    )
    complaint_merge(complaint_id=iot.pk, actor=agent, into_id=original.pk)

    assert api(token).status_code == 201
    assert Complaint.objects.filter(channel=Channel.IOT).count() == 2


def test_an_alert_while_the_complaint_is_being_handled_is_a_repeat(api, lift, walk):
    """Dispatched (or handled, waiting for confirmation) is still open: a repeat."""
    _device, token = lift
    api(token)
    walk(State.DISPATCHED, complaint=Complaint.objects.get())

    assert api(token).json()["outcome"] == "repeated"
    assert Complaint.objects.count() == 1


# --- Bad input and throttling -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"fault_code": ""}, "fault_code"),
        ({"fault_code": "E" * 65}, "fault_code"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"cleared": "perhaps"}, "cleared"),
    ],
)
def test_a_bad_body_is_a_400_naming_the_field(api, lift, body, field):
    """The API's error body with the field's message; nothing is filed."""
    _device, token = lift

    response = api(token, body)

    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid"
    assert field in data["errors"]
    assert data["detail"]
    assert not Complaint.objects.exists()


def test_a_missing_fault_code_is_a_400(lift):
    """The fault code is required."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {lift[1]}")

    response = client.post(ALERTS_URL, {"message": "x"}, format="json")

    assert response.status_code == 400
    assert "fault_code" in response.json()["errors"]


def test_a_device_beyond_its_rate_gets_429_others_do_not(api, lift, register, settings):
    """Per-device throttle: the 4th alert in a minute at 3/minute is 429 with the API's
    error body and Retry-After, and is not counted; another device is not held back."""
    rates(settings, "3/minute")
    _device, token = lift
    _other, other_token = register(name="Pump P1", kind=Device.Kind.PUMP)

    answers = [api(token).status_code for _ in range(3)]
    throttled = api(token)

    assert answers == [201, 200, 200]
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert throttled.json()["detail"]
    assert int(throttled["Retry-After"]) > 0
    assert DeviceAlert.objects.get(device=lift[0]).alert_count == 3
    assert api(other_token).status_code == 201


def test_only_post_is_allowed(lift):
    """GET on the endpoint is 405 with the API's error body, for a valid device."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Device {lift[1]}")

    response = client.get(ALERTS_URL)

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_the_schema_documents_the_endpoint_and_its_scheme(client):
    """The OpenAPI schema lists the alert endpoint with the device token scheme."""
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")

    schema = response.json()
    assert "/api/v1/iot/alerts/" in schema["paths"]
    operation = schema["paths"]["/api/v1/iot/alerts/"]["post"]
    assert operation["security"] == [{"deviceToken": []}]
    assert schema["components"]["securitySchemes"]["deviceToken"]["in"] == "header"
