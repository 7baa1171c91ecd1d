"""/health/ for a monitor: 200 when the database, cache, file storage and job broker
answer and the job cluster is sweeping; 500 naming what is wrong when the sweep's
schedule is missing or late (no cluster runs it), nothing secret in the answer.
/health/web/ for a load balancer: the same without the cluster, which a web host does
not need to serve pages."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from complaints.health import SWEEP

# The checks run in threads of their own, with connections of their own: the rows must
# be committed for them to see.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def checks(client, path: str = "/health/") -> tuple[int, dict]:
    response = client.get(path, {"format": "json"})
    return response.status_code, response.json()


@pytest.fixture
def schedules():
    call_command("install_schedules", verbosity=0)
    return Schedule.objects.get(func=SWEEP)


def test_healthy_when_the_cluster_sweeps(client, schedules):
    Schedule.objects.filter(pk=schedules.pk).update(next_run=timezone.now() + timedelta(seconds=30))

    status, body = checks(client)

    assert status == 200
    assert all(value == "OK" for value in body.values()), body
    assert {"JobBroker", "JobCluster"} <= {name.split("(")[0] for name in body}


def test_a_late_sweep_is_unhealthy(client, schedules):
    Schedule.objects.filter(pk=schedules.pk).update(next_run=timezone.now() - timedelta(minutes=7))

    status, body = checks(client)

    assert status == 500
    (late,) = [value for name, value in body.items() if name.startswith("JobCluster")]
    assert "7 minutes late" in late
    assert all(value == "OK" for name, value in body.items() if not name.startswith("JobCluster"))


def test_a_web_host_stays_in_the_load_balancer_while_the_cluster_is_stopped(client, schedules):
    Schedule.objects.filter(pk=schedules.pk).update(next_run=timezone.now() - timedelta(minutes=7))

    status, body = checks(client, "/health/web/")

    assert status == 200
    assert {name.split("(")[0] for name in body} == {"Database", "Cache", "Storage", "JobBroker"}
    assert all(value == "OK" for value in body.values()), body


def test_missing_schedules_are_unhealthy(client):
    Schedule.objects.filter(func=SWEEP).delete()

    status, body = checks(client)

    assert status == 500
    assert any("install_schedules" in value for value in body.values())


def test_the_page_for_people_needs_no_login(client, schedules):
    response = client.get("/health/")

    assert response.status_code in (200, 500)
    assert b"JobCluster" in response.content
    assert b"SECRET" not in response.content
