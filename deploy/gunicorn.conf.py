"""gunicorn's settings for PropertyDesk (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py
propertydesk.wsgi`. Each can be overridden on the command line or by GUNICORN_CMD_ARGS."""

import gc
import multiprocessing
import os
from pathlib import Path

# Behind the reverse proxy on the same host; it terminates TLS and sets X-Forwarded-Proto.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: requests are short and the database is the bottleneck, not waiting.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
timeout = 60
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows for good.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# Whose X-Forwarded-* headers gunicorn trusts: the proxy on this host.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# systemd's signals manage it (deploy/systemd); the control socket's default path in the
# home directory would be shared by every gunicorn of that user.
control_socket_disable = True
# Each worker imports the application itself: a reload (SIGHUP) then loads new code.
preload_app = False


def _metrics_dir() -> Path | None:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return Path(path) if path else None


def on_starting(server) -> None:
    """prometheus_client's multiprocess mode: every worker writes its figures to files in
    PROMETHEUS_MULTIPROC_DIR and /metrics adds them up; files of a previous run would
    count twice."""
    directory = _metrics_dir()
    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()


def child_exit(server, worker) -> None:
    if _metrics_dir() is not None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker) -> None:
    """What the worker has loaded (Django, the models, the admin) lives as long as the
    worker: frozen, the collector no longer walks it. Walked, it was a 90 ms full
    collection every few dozen requests of a complaint's page (bench/README.md)."""
    gc.freeze()
