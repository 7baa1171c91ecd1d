"""The deployment of docs/deploy.md, run as written: backups restore to the same rows and
photos (deploy/backup.sh, deploy/restore.sh), and the Procfile's web command (gunicorn
with deploy/gunicorn.conf.py and the production settings) serves /health/, /metrics
summed over its workers, and sends people to HTTPS unless the proxy says they came by it."""

import os
import shlex
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_q.models import Schedule
from factories import ComplaintFactory
from prometheus_client.parser import text_string_to_metric_families

from complaints.health import SWEEP
from complaints.models import Complaint, Photo, State

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SECRET = "deploy-test-only-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL"


def libpq_env(database: str, data_dir: Path) -> dict[str, str]:
    """The environment docs/deploy.md gives the scripts: libpq's own variables."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
        "PGDATABASE": database,
        "PROPERTYDESK_DATA_DIR": str(data_dir),
    }
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def sequences(cursor) -> dict[str, int | None]:
    cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    return dict(cursor.fetchall())


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_backup_restores_every_row_and_photo(walk, photo_category, tmp_path, media_root):
    """Complaints in several states, with history, notifications and photos: the backup
    restored into a new database has every table's row count and every sequence's
    position (a new row takes the next id, never one in use), Django finds no
    migration to apply, and the photo files come back byte for byte."""
    walk(State.CLOSED)
    walk(State.HANDLED, category=photo_category)
    walk(State.REOPENED)
    ComplaintFactory()
    assert Photo.objects.exists() and Complaint.history.exists()
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored_{uuid.uuid4().hex[:8]}"
    backup = tmp_path / "backup"
    try:
        subprocess.run([DEPLOY / "backup.sh", backup], env=libpq_env(source, tmp_path), check=True)
        subprocess.run(
            [DEPLOY / "restore.sh", backup],
            env=libpq_env(restored, tmp_path / "restored"),
            check=True,
        )

        with connection.cursor() as cursor:
            expected, expected_ids = row_counts(cursor), sequences(cursor)
        assert expected["complaints_complaint"] == 4
        assert expected["complaints_photo"] >= 1
        assert expected["complaints_historicalcomplaint"] > 4
        db = connection.settings_dict
        with (
            psycopg.connect(
                host=db["HOST"] or "127.0.0.1",
                port=db["PORT"] or 5432,
                user=db["USER"],
                password=db["PASSWORD"] or None,
                dbname=restored,
            ) as other,
            other.cursor() as cursor,
        ):
            assert row_counts(cursor) == expected
            assert sequences(cursor) == expected_ids
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "propertydesk.settings.prod",
                "SECRET_KEY": SECRET,
                "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
                f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{restored}",
            },
            capture_output=True,
            text=True,
        )
        assert check.returncode == 0, check.stdout + check.stderr
        assert files(tmp_path / "restored" / "media") == files(media_root)
        assert files(media_root)
    finally:
        subprocess.run(
            ["dropdb", "--if-exists", restored], env=libpq_env(restored, tmp_path), check=True
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def procfile_command(name: str) -> str:
    for line in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines():
        key, _, command = line.partition(":")
        if key.strip() == name:
            return command.strip()
    raise LookupError(name)


@pytest.fixture
def web(tmp_path):
    """The Procfile's `web` process with two workers on a free port, in its own session."""
    port = free_port()
    db = connection.settings_dict
    data = tmp_path / "data"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "propertydesk.settings.prod",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@"
        f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "PROPERTYDESK_DATA_DIR": str(data),
        "ALLOWED_HOSTS": "127.0.0.1",
        "METRICS_TOKEN": "deploy-test-token",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    env.pop("Q_REDIS_URL", None)
    env.pop("CACHE_URL", None)
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115 (the server writes it)
    server = subprocess.Popen(
        shlex.split(procfile_command("web")),
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"{base}/metrics", timeout=30)
            break
        except requests.ConnectionError:
            assert server.poll() is None, (tmp_path / "web.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.25)
    yield base
    server.terminate()
    server.wait(timeout=40)


def test_the_procfile_web_process_serves_the_site(web, db):
    """Plain HTTP: /health/ answers 200 (the sweep scheduled ahead), /metrics only with
    its token and, after 20 requests over two workers, counts all 20; a page for people
    redirects to HTTPS, and is served with HSTS when the proxy forwards it as HTTPS."""
    call_command("install_schedules", verbosity=0)
    Schedule.objects.filter(func=SWEEP).update(next_run=timezone.now() + timedelta(minutes=1))

    health = requests.get(f"{web}/health/", params={"format": "json"}, timeout=10)
    assert health.status_code == 200, health.text
    assert set(health.json().values()) == {"OK"}

    assert requests.get(f"{web}/metrics", timeout=10).status_code == 401
    token = {"Authorization": "Bearer deploy-test-token"}
    for _ in range(20):
        assert requests.get(f"{web}/metrics", headers=token, timeout=10).status_code == 200
    scrape = requests.get(f"{web}/metrics", headers=token, timeout=10).text
    families = {f.name: f for f in text_string_to_metric_families(scrape)}
    counted = families["django_http_requests_before_middlewares"].samples
    # The fixture's probe, /health/, the refusal, the 20 and this one, whichever worker
    # served each.
    assert sum(s.value for s in counted if s.name.endswith("_total")) == 24
    assert "propertydesk_sla_sweep_lag_seconds" in families

    # The load balancer's check, over plain HTTP too, still 200 with the sweep late.
    Schedule.objects.filter(func=SWEEP).update(next_run=timezone.now() - timedelta(minutes=7))
    assert requests.get(f"{web}/health/", timeout=10).status_code == 500
    assert requests.get(f"{web}/health/web/", timeout=10).status_code == 200

    admin = requests.get(f"{web}/admin/login/", allow_redirects=False, timeout=10)
    assert admin.status_code == 301
    assert admin.headers["Location"].startswith("https://")
    behind_proxy = requests.get(
        f"{web}/admin/login/", headers={"X-Forwarded-Proto": "https"}, timeout=10
    )
    assert behind_proxy.status_code == 200
    assert behind_proxy.headers["Strict-Transport-Security"].startswith("max-age=31536000")
