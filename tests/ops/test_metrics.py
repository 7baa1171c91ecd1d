"""/metrics for Prometheus: only with the bearer token of METRICS_TOKEN (a staff login is
not enough), absent while the token is unset; the SLA sweep's lag, the job queue, the
staff queues per property as the admin counts them and open complaints per property,
state and level, from a few queries; no personal data anywhere in the page."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_q.brokers import get_broker
from django_q.models import Schedule
from factories import ComplaintFactory, ResidentFactory, UnitFactory, UserFactory
from prometheus_client.parser import text_string_to_metric_families

from complaints import clock
from complaints.health import SWEEP
from complaints.metrics import SHARED_QUEUES
from complaints.models import State
from complaints.selectors import Queue, complaint_queue_counts

TOKEN = "scrape-0123456789abcdef"
OURS = "propertydesk_"


@pytest.fixture(autouse=True)
def token(settings):
    settings.METRICS_TOKEN = TOKEN


def scrape(client, credentials: str | None = f"Bearer {TOKEN}"):
    headers = {"Authorization": credentials} if credentials is not None else {}
    return client.get("/metrics", headers=headers)


def samples(response) -> dict[str, dict[tuple, float]]:
    """Our metric families: name → {sorted label items: value}."""
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    found: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return found


@pytest.fixture
def world(now, walk, resident, other_building, agent, handler, engineering, category):
    """Lakeside Garden: two new complaints (one a suspected emergency), one classified
    three hours ago (first response overdue), one handled, one closed 49 hours ago (its
    revisit due), one reopened, one closed last hour; Riverside Plaza: one new."""
    walk(State.NEW)
    ComplaintFactory(resident=resident, description="Trapped in the elevator of building 3")
    with clock.at(now - timedelta(hours=3)):
        walk(State.CLASSIFIED)
    walk(State.HANDLED)
    with clock.at(now - timedelta(hours=49)):
        walk(State.CLOSED)
    walk(State.REOPENED)
    with clock.at(now - timedelta(hours=1)):
        walk(State.CLOSED)
    neighbour = ResidentFactory(
        user__username="riverside", name="Qian Bo", unit=UnitFactory(building=other_building)
    )
    ComplaintFactory(resident=neighbour, description="Bins not emptied")
    return {"X": resident.units.first().building.property, "Y": other_building.property}


def place(prop) -> tuple:
    return (("property", prop.name), ("property_id", str(prop.pk)))


def test_refused_without_the_token(client, db):
    """No header, another token, another scheme: 401 asking for a bearer token; a
    superuser's session is no credential either."""
    for credentials in (None, "Bearer wrong", f"Token {TOKEN}", TOKEN, "Bearer "):
        response = scrape(client, credentials)
        assert response.status_code == 401, credentials
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert OURS.encode() not in response.content
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert scrape(client, None).status_code == 401
    assert client.post("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_absent_while_no_token_is_set(client, db, settings):
    settings.METRICS_TOKEN = ""

    assert scrape(client).status_code == 404
    assert scrape(client, "Bearer ").status_code == 404


def test_figures(client, world, now, django_assert_max_num_queries):
    """Queue sizes per property equal the admin's own queue counts (a superuser's, over
    both properties); open complaints per state and level; the sweep 100 s late; two
    jobs waiting; request figures of django-prometheus beside ours; three queries."""
    call_command("install_schedules", verbosity=0)
    Schedule.objects.filter(func=SWEEP).update(next_run=now - timedelta(seconds=100))
    broker = get_broker()
    broker.enqueue("first job")
    broker.enqueue("second job")

    with django_assert_max_num_queries(3):
        found = samples(scrape(client))

    assert found["propertydesk_sla_sweep_lag_seconds"] == {(): 100.0}
    assert found["propertydesk_job_broker_up"] == {(): 1.0}
    assert found["propertydesk_job_queue_size"] == {(): 2.0}
    x, y = place(world["X"]), place(world["Y"])
    assert found["propertydesk_complaints_open"] == {
        (("level", "none"), *x, ("state", State.NEW)): 2.0,
        (("level", "2"), *x, ("state", State.CLASSIFIED)): 1.0,
        (("level", "2"), *x, ("state", State.HANDLED)): 1.0,
        (("level", "2"), *x, ("state", State.REOPENED)): 1.0,
        (("level", "none"), *y, ("state", State.NEW)): 1.0,
    }
    queues = found["propertydesk_complaint_queue_size"]
    assert {dict(labels)["queue"] for labels in queues} == {q.value for q in SHARED_QUEUES}
    assert Queue.MINE not in SHARED_QUEUES and Queue.MY_TEAM not in SHARED_QUEUES

    def size(where, queue) -> float:
        return queues[tuple(sorted((*where, ("queue", queue.value))))]

    assert size(x, Queue.UNACCEPTED) == 2
    assert size(x, Queue.SUSPECTED_EMERGENCY) == 1
    assert size(x, Queue.OVERDUE) == 1
    assert size(x, Queue.TO_CONFIRM) == 1
    assert size(x, Queue.TO_REVISIT) == 1
    assert size(x, Queue.REOPENED) == 1
    assert size(y, Queue.UNACCEPTED) == 1
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_counts = complaint_queue_counts(root, now=now)
    for queue in SHARED_QUEUES:
        assert size(x, queue) + size(y, queue) == admin_counts[queue.value], queue
    assert "django_http_requests_before_middlewares_total" in found


def test_sweep_not_installed_and_broker_down(client, world, monkeypatch):
    """No sweep schedule: no lag sample (alert on its absence); a broker that fails: 0
    up, no queue size, the rest still served."""
    Schedule.objects.filter(func=SWEEP).delete()

    def fail():
        raise ConnectionError("broker down")

    monkeypatch.setattr("complaints.metrics.get_broker", fail)

    found = samples(scrape(client))

    assert "propertydesk_sla_sweep_lag_seconds" not in found
    assert found["propertydesk_job_broker_up"] == {(): 0.0}
    assert "propertydesk_job_queue_size" not in found
    assert found["propertydesk_complaints_open"]


def test_no_personal_data(client, world, resident, agent, handler):
    """Names, logins, phones, e-mail addresses and what residents wrote appear nowhere:
    not in the page, not as a label's value; our figures carry only property, state,
    level and queue labels."""
    body = scrape(client).content.decode()

    people = [resident.user, agent, handler]
    personal = {resident.name, resident.phone, "Qian Bo", "Trapped", "Bins not emptied"}
    personal |= {person.email for person in people if person.email}
    personal |= {person.get_full_name() for person in people if person.get_full_name()}
    for secret in personal:
        assert secret not in body, secret
    logins = {person.username for person in people} | {"riverside"}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            assert not logins & set(sample.labels.values()), sample
            if family.name.startswith(OURS):
                assert set(sample.labels) <= {"property_id", "property", "state", "level", "queue"}


def test_multiprocess_mode_reads_the_workers_files(client, world, monkeypatch, tmp_path):
    """With PROMETHEUS_MULTIPROC_DIR (gunicorn, deploy/gunicorn.conf.py) the page adds up
    the workers' files instead of this process's registry, and still has ours."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    found = samples(scrape(client))

    assert "django_http_requests_before_middlewares_total" not in found
    assert found["propertydesk_complaints_open"]
