"""Two identical first alerts at the same moment file one complaint: the service takes a
device's alerts one at a time under a lock on the device's row."""

import threading

import pytest
from django.db import connections
from factories import BuildingFactory, ProjectManagerFactory, PropertyFactory
from iot_helpers import ALERTS_URL
from rest_framework.test import APIClient

from complaints.models import Category, Complaint, Device, DeviceAlert
from complaints.services import device_create

SENDERS = 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_identical_first_alerts_at_once_file_one_complaint(settings):
    """Two requests, each on its own connection, post the device's first alert of a
    fault behind a barrier: one files the complaint (201), the other counts on it (200)."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"iot_device": "1000/minute"},
    }
    prop = PropertyFactory()
    manager = ProjectManagerFactory(properties=[prop])
    device = Device(
        property=prop,
        building=BuildingFactory(property=prop),
        location_text="Elevator 1",
        kind=Device.Kind.LIFT,
        name="Lift 1 monitor",
        category=Category.objects.get(code="elevator"),
        level=2,
    )
    token = device_create(actor=manager, device=device)
    barrier = threading.Barrier(SENDERS, timeout=30)
    answers: list[object] = [None] * SENDERS

    def send(index: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
        try:
            barrier.wait()
            response = client.post(
                ALERTS_URL, {"fault_code": "E12", "message": "Door open"}, format="json"
            )
            answers[index] = response.status_code
        except Exception as error:  # every outcome is inspected below
            answers[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not any(thread.is_alive() for thread in threads)
    assert sorted(answers) == [200, 201], answers
    assert Complaint.objects.count() == 1
    alert = DeviceAlert.objects.get()
    assert alert.alert_count == 2
    assert alert.complaint == Complaint.objects.get()
