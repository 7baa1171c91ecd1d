"""IoT fixtures: sensors of Lakeside Garden registered through the service (so each has a
real token, known only to the test) and an API client that sends it. The throttle counts
in the cache, which every test starts empty (tests/conftest.py)."""

import pytest
from iot_helpers import ALERTS_URL
from rest_framework.test import APIClient

from complaints.models import Category, Device
from complaints.services import device_create


@pytest.fixture
def elevator(db) -> Category:
    """The seeded "Elevator" category (level II by default, needs photos when handled)."""
    return Category.objects.get(code="elevator")


@pytest.fixture
def fire_safety(db) -> Category:
    """The seeded "Fire safety" category, level I by default."""
    return Category.objects.get(code="fire-safety")


@pytest.fixture
def register(project_manager, prop, building, elevator):
    """`register(**fields)` registers a device as the project manager and returns
    (device, token)."""

    def _register(**fields):
        values = {
            "property": prop,
            "building": building,
            "location_text": "Elevator 2, machine room",
            "kind": Device.Kind.LIFT,
            "name": f"Lift monitor {Device.objects.count() + 1}",
            "category": elevator,
            "level": 2,
        }
        values.update(fields)
        device = Device(**values)
        token = device_create(actor=project_manager, device=device)
        return device, token

    return _register


@pytest.fixture
def lift(register):
    """A level II lift monitor in Building 3 and its token."""
    return register(name="Lift 2 monitor")


@pytest.fixture
def api():
    """`api(token, **body)` posts one alert with that device token."""

    def _post(token: str | None, body: dict | None = None, **fields):
        client = APIClient()
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Device {token}")
        payload = {"fault_code": "E12", "message": "Door open while moving"}
        payload.update(body or {})
        payload.update(fields)
        return client.post(ALERTS_URL, payload, format="json")

    return _post
