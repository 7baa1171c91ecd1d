"""The OpenAPI schema describes the staff and report endpoints, each action by name."""

import pytest
from django.urls import reverse

from complaints.admin.actions import ACTIONS

pytestmark = pytest.mark.django_db


def test_the_schema_lists_the_staff_and_report_endpoints(client):
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for route in (
        "/api/v1/complaints/",
        "/api/v1/complaints/{id}/",
        "/api/v1/complaints/{id}/{action}/",
        "/api/v1/reports/red-black/",
        "/api/v1/reports/analysis/",
        "/api/v1/reports/snapshots/",
        "/api/v1/reports/snapshots/{id}/",
    ):
        assert route in paths, route
    (action,) = [
        p
        for p in paths["/api/v1/complaints/{id}/{action}/"]["post"]["parameters"]
        if p["name"] == "action"
    ]
    assert set(action["schema"]["enum"]) == set(ACTIONS)
    assert {"get", "post"} <= set(paths["/api/v1/complaints/"])
