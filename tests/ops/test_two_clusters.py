"""Two real job clusters (`manage.py qcluster`, PostgreSQL + Redis, as docs/deploy.md runs
them) on one database: each SLA sweep's work is done once, and a cluster killed with
SIGKILL in the middle of a sweep loses nothing, the other finishes it.

What guarantees what (django-q2 1.11, `django_q/scheduler.py`, `brokers/redis_broker.py`):

- Firing a schedule once: each cluster's scheduler (every ~30 s, in its guard loop)
  selects the due schedules `FOR UPDATE` in one transaction, queues a task for each and
  moves `next_run` on before committing. A second scheduler waits for those row locks,
  then PostgreSQL re-checks `next_run < now` on the updated row and skips it: one task
  per due run. (The task is pushed to Redis before that commit: a scheduler killed in
  between leaves the run due, and it fires again; the sweep's idempotence absorbs it.)
  Both clusters share one `Q_NAME`, hence one Redis list; `BLPOP` hands a task to
  exactly one worker of one cluster. (A `Q_CLUSTER_NAME` of its own would make a
  cluster ignore these schedules altogether: they have no `cluster`.)
- Doing each complaint's work once even if two sweeps overlap (a sweep slower than the
  minute, or a manual run): `complaints.sla.sweep` row-locks each chunk with
  `SKIP LOCKED`, and unique constraints on breaches and notifications ignore a repeat.
- Losing nothing: the Redis broker has no acknowledgement, so a task whose worker is
  killed is gone (django-q2's `retry` applies only to brokers that acknowledge). What
  saves the work is the sweep itself: each chunk commits its breaches, notifications
  and the complaints' next check together; a killed chunk is rolled back by PostgreSQL,
  so its complaints are still due and the next minute's sweep, on whichever cluster is
  left, does them.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import psycopg
import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_q.models import Schedule, Task
from factories import CategoryFactory, ComplaintFactory, TeamLeaderFactory

from complaints import clock, services
from complaints.health import SWEEP
from complaints.models import Breach, Complaint, Level, Notification
from complaints.sla.sweep import CHUNK_SIZE

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REDIS = "redis://127.0.0.1:6379/0"
# Past the first-response window of level II (2 h) and short of every other moment: one
# breach per complaint, told to the customer-service leader and the owner.
FILED_AGO = timedelta(hours=2, minutes=5)
WAIT = 75  # seconds: a scheduler tick is ~30 s after a cluster starts, then every ~30 s


def poll(condition, *, timeout: float, every: float = 0.1, what: str):
    """The first truthy value of `condition()`, asked every `every` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def scalar(sql: str, params=()) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


class Clusters:
    """qcluster processes of one test: each in a session of its own (so SIGKILL reaches
    its sentinel, workers, monitor and pusher at once), its database connections named
    by PGAPPNAME so that the database tells which one does what."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.q_name = f"pdtest-{uuid.uuid4().hex[:12]}"
        self.processes: dict[str, subprocess.Popen] = {}
        db = connection.settings_dict
        self.database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        )

    def app_name(self, name: str) -> str:
        return f"{self.q_name}-{name}"

    def start(self, name: str) -> None:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "propertydesk.settings.prod",
            "SECRET_KEY": "two-clusters-test-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
            "DATABASE_URL": self.database_url,
            "Q_REDIS_URL": REDIS,
            "Q_NAME": self.q_name,
            "Q_WORKERS": "2",
            "PGAPPNAME": self.app_name(name),
            "PROPERTYDESK_DATA_DIR": str(self.tmp_path),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        env.pop("Q_CLUSTER_NAME", None)
        log = open(self.log_path(name), "wb")  # noqa: SIM115 (the process writes it)
        self.processes[name] = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def log_path(self, name: str):
        return self.tmp_path / f"{name}.log"

    def log(self, name: str) -> str:
        return self.log_path(name).read_text(errors="replace")

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def backends(self, *names: str) -> int:
        """Open database connections of these clusters."""
        return scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ANY(%s)",
            ([self.app_name(name) for name in names],),
        )

    def waiting_on_locks(self) -> set[str]:
        """The clusters with a connection waiting for a lock."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT application_name FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND application_name = ANY(%s)",
                ([self.app_name(name) for name in self.processes],),
            )
            return {row[0].removeprefix(f"{self.q_name}-") for row in cursor.fetchall()}

    def sweeping(self) -> str | None:
        """The cluster inside a sweep's chunk transaction: it holds the row-share lock
        that `SELECT … FOR NO KEY UPDATE` takes on the complaints table."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
                " WHERE l.relation = %s::regclass AND l.mode = 'RowShareLock'"
                " AND a.application_name = ANY(%s)",
                (
                    Complaint._meta.db_table,
                    [self.app_name(name) for name in self.processes],
                ),
            )
            row = cursor.fetchone()
        return row[0].removeprefix(f"{self.q_name}-") if row else None

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        # Their sessions end with them; the database flush after the test needs them gone.
        poll(lambda: self.backends(*self.processes) == 0, timeout=10, what="connections closed")
        store = redis.Redis.from_url(REDIS)
        keys = list(store.scan_iter(f"django_q:{self.q_name}:*"))
        if keys:
            store.delete(*keys)


@pytest.fixture
def clusters(tmp_path):
    redis.Redis.from_url(REDIS).ping()
    running = Clusters(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def due_complaints(resident, agent, customer_service):
    """`due_complaints(n)`: n classified level II complaints, filed and classified
    FILED_AGO before now (real time: the clusters' clock), whose first response is overdue."""
    leader = TeamLeaderFactory(username="cs-leader", team=customer_service)
    customer_service.leader = leader
    customer_service.save()
    category = CategoryFactory(code="two-clusters", default_level=Level.II)

    def make(count: int) -> dict[str, int]:
        with clock.at(timezone.now() - FILED_AGO):
            template = ComplaintFactory(resident=resident)
            services.complaint_accept(complaint_id=template.pk, actor=agent)
            services.complaint_classify(
                complaint_id=template.pk, actor=agent, category=category, level=Level.II
            )
        template = Complaint.objects.get(pk=template.pk)
        values = {
            field.attname: getattr(template, field.attname)
            for field in Complaint._meta.concrete_fields
            if not field.primary_key
        }
        Complaint.objects.bulk_create(Complaint(**values) for _ in range(count - 1))
        assert Complaint.objects.filter(sla_next_at__lte=timezone.now()).count() == count
        return {"leader": leader.pk, "owner": agent.pk}

    return make


def assert_swept_once(count: int, people: dict) -> None:
    """Every complaint swept exactly once: one breach each, the leader and the owner told
    once each, nothing still due."""
    assert Breach.objects.count() == count
    per_complaint = Breach.objects.values("complaint").annotate(n=Count("pk"))
    assert {row["n"] for row in per_complaint} == {1}
    notices = Notification.objects.filter(kind="sla_breach")
    assert notices.count() == 2 * count
    assert notices.filter(recipient_id=people["leader"]).count() == count
    assert notices.filter(recipient_id=people["owner"]).count() == count
    assert notices.values("complaint").distinct().count() == count
    assert not Complaint.objects.filter(sla_next_at__lte=timezone.now()).exists()


def sweep_events(*logs: str) -> tuple[int, int]:
    """(sweep tasks created from the schedule, sweep tasks a worker started) in the
    clusters' logs; the first message is in the site's language, the second in English."""
    lines = [line for log in logs for line in log.splitlines() if "[SLA sweep]" in line]
    started = [line for line in lines if re.search(r"processing \S+ '" + SWEEP, line)]
    return len(lines) - len(started), len(started)


def test_two_clusters_sweep_each_complaint_once(clusters, due_complaints):
    """1,000 overdue complaints (two chunks); two clusters start together, and the test
    holds the sweep's schedule row until both clusters' schedulers are waiting for it,
    so they claim the same due run at the same moment: one sweep task is created and run,
    1,000 breaches and 2,000 notifications, none twice."""
    count = 2 * CHUNK_SIZE
    people = due_complaints(count)
    call_command("install_schedules", verbosity=0)
    db = connection.settings_dict
    holder = psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
    )
    try:
        holder.execute("SELECT id FROM django_q_schedule WHERE func = %s FOR UPDATE", (SWEEP,))
        clusters.start("a")
        clusters.start("b")
        poll(
            lambda: clusters.waiting_on_locks() == {"a", "b"},
            timeout=WAIT,
            every=0.25,
            what="both schedulers to claim the due sweep",
        )
    finally:
        holder.rollback()
        holder.close()

    task = poll(
        lambda: Task.objects.filter(func=SWEEP).first(), timeout=60, what="the sweep's result"
    )
    assert task.success, task.result
    assert task.result["complaints"] == count
    assert_swept_once(count, people)
    poll(lambda: not clusters.waiting_on_locks(), timeout=10, what="the schedulers to finish")
    assert Task.objects.filter(func=SWEEP).count() == 1
    assert sweep_events(clusters.log("a"), clusters.log("b")) == (1, 1)
    assert Schedule.objects.get(func=SWEEP).next_run > timezone.now()


def test_a_cluster_killed_mid_sweep_loses_nothing(clusters, due_complaints):
    """3,000 overdue complaints (six chunks); two clusters run; once the database shows
    one cluster inside a chunk with some chunks already committed, that cluster is killed
    with SIGKILL. Its open chunk is rolled back: each complaint is either fully done
    (breach, both notifications, next check moved on) or untouched. The other cluster's
    next sweep (its schedule brought forward instead of waiting out the minute) does the
    rest: 3,000 breaches and 6,000 notifications, none lost, none twice."""
    count = 6 * CHUNK_SIZE
    people = due_complaints(count)
    call_command("install_schedules", verbosity=0)
    clusters.start("a")
    clusters.start("b")

    def mid_sweep() -> str | None:
        sweeper = clusters.sweeping()
        if sweeper and 0 < Breach.objects.count() < count - CHUNK_SIZE:
            return sweeper
        return None

    killed = poll(mid_sweep, timeout=WAIT, every=0.05, what="a sweep in progress")
    clusters.kill(killed)
    survivor = ({"a", "b"} - {killed}).pop()
    poll(lambda: clusters.backends(killed) == 0, timeout=10, what="the killed connections")

    done = Breach.objects.count()
    assert 0 < done < count, done
    swept = Complaint.objects.filter(sla_next_at__gt=timezone.now())
    assert swept.count() == done
    assert Breach.objects.filter(complaint__in=swept).count() == done
    assert Notification.objects.filter(kind="sla_breach").count() == 2 * done
    assert not Task.objects.filter(func=SWEEP).exists()

    Schedule.objects.filter(func=SWEEP).update(next_run=timezone.now())
    task = poll(
        lambda: Task.objects.filter(func=SWEEP).first(), timeout=WAIT, what="the next sweep"
    )
    assert task.success, task.result
    assert task.result["complaints"] == count - done
    assert_swept_once(count, people)
    assert clusters.processes[survivor].poll() is None
    assert sweep_events(clusters.log("a"), clusters.log("b")) == (2, 2)
