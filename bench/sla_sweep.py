"""Benchmark of the SLA sweep (issue 3): seed N open complaints of which some are due,
time one `complaints.tasks.sla_sweep(now=...)`, then a second one that must find nothing.

    .venv/bin/python bench/sla_sweep.py --open 200000 --due-ratio 0.01
    .venv/bin/python bench/sla_sweep.py --open 20000 200000   # same due count: compare
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/sla_sweep.py
    # A copy of a database filled by `seed_scale`, swept 8 hours after its newest complaint
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/sla_sweep.py \
        --copy-of pd_scale_1m --hours 8

It never touches dev data. SQLite (the default) runs on a file in a temporary
directory (PROPERTYDESK_DATA_DIR); PostgreSQL on a database named propertydesk_bench,
created and dropped by this script on the server DATABASE_URL names. Settings:
propertydesk.settings.dev with DEBUG off.

Three processes: this one (standard library and psycopg only) prepares and drops the
database and prints the figures; a child migrates and seeds; a fresh child runs the
sweeps, so its peak RSS is the sweep's (plus Django's), not the seeding's.
"""

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "propertydesk_bench"
SETTINGS_MODULE = "propertydesk.settings.dev"
SQLITE_FILE = "propertydesk.sqlite3"  # in PROPERTYDESK_DATA_DIR (settings/base.py)
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
# Issue 3's targets, for PostgreSQL with 200,000 open complaints of which 1 % are due.
TARGET_WALL_S = 2.0
TARGET_MEMORY_MB = 200.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed open complaints and measure the SLA sweep (DATABASE_URL picks the "
        "database; default SQLite in a temporary directory).",
    )
    parser.add_argument(
        "--open",
        type=int,
        nargs="+",
        default=[20_000],
        metavar="N",
        help="open complaints to seed; several sizes run one after another, each on a fresh "
        "database with the same number of due complaints (default 20000)",
    )
    parser.add_argument(
        "--due-ratio",
        type=float,
        default=0.01,
        help="share of due complaints, of the largest --open size (default 0.01)",
    )
    parser.add_argument("--due", type=int, help="number of due complaints (overrides --due-ratio)")
    parser.add_argument(
        "--chunk-size", type=int, help="the sweep's chunk size (default: the task's own)"
    )
    parser.add_argument(
        "--history",
        choices=["none", "due", "full"],
        default="due",
        help="what earlier sweeps left: none; breaches of every complaint and the "
        "notifications of the due ones (default); or every notification too (slow)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--explain", action="store_true", help="show the database's plan for the chunk query"
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="list the first sweep's SQL (shortened)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the benchmark database afterwards"
    )
    parser.add_argument(
        "--copy-of",
        metavar="DATABASE",
        help="PostgreSQL: sweep a copy of this database (filled by `manage.py seed_scale`) "
        "instead of seeding; --open and --due do not apply",
    )
    parser.add_argument(
        "--hours",
        type=float,
        default=8.0,
        help="with --copy-of: sweep this many hours after the newest complaint, as after "
        "an outage of the cluster that long (default 8)",
    )
    parser.add_argument(
        "--no-trace",
        action="store_true",
        help="skip the second, traced run on a copy of the data (no tracemalloc figure)",
    )
    parser.add_argument("--phase", choices=["seed", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.copy_of and args.phase is None:
        if not os.environ.get("DATABASE_URL", "").startswith(POSTGRES_SCHEMES):
            parser.error("--copy-of needs DATABASE_URL on PostgreSQL")
        args.open, args.due, args.history = [1], 0, "none"  # what the children are told
    if any(size < 1 for size in args.open):
        parser.error("--open sizes must be positive")
    if args.due is None:
        args.due = round(max(args.open) * args.due_ratio)
    if not 0 <= args.due <= min(args.open):
        parser.error("the due count must lie between 0 and the smallest --open size")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database --------------------------------------------------------------------------


def _postgres(conninfo: str, *statements: str) -> list:
    """Run the statements; the rows of the last one that returns any."""
    import psycopg

    rows = []
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for statement in statements:
            cursor = connection.execute(statement)
            if cursor.description:
                rows = cursor.fetchall()
    return rows


class BenchDatabase:
    """Databases of the benchmark's own: temporary SQLite files, or propertydesk_bench on
    the PostgreSQL server of DATABASE_URL (and propertydesk_bench_traced, its copy for
    the traced run)."""

    def __init__(self, *, keep: bool) -> None:
        self.keep = keep
        self.url = os.environ.get("DATABASE_URL", "")
        self.scheme = urlsplit(self.url).scheme if self.url else "sqlite"
        if not self.scheme.startswith("sqlite") and self.scheme not in POSTGRES_SCHEMES:
            raise SystemExit(f"DATABASE_URL: {self.scheme!r} is not supported (SQLite, PostgreSQL)")
        self.directories: list[str] = []
        self.databases: list[str] = []

    @property
    def is_postgres(self) -> bool:
        return self.scheme in POSTGRES_SCHEMES

    def _env(self, name: str) -> dict[str, str]:
        directory = tempfile.mkdtemp(prefix="propertydesk-bench-")
        self.directories.append(directory)
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            DEBUG="0",
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            PROPERTYDESK_DATA_DIR=directory,
        )
        env.pop("DATABASE_URL", None)
        if self.is_postgres:
            env["DATABASE_URL"] = urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))
        return env

    def _admin(self, *statements: str, database: str | None = None) -> list:
        parts = urlsplit(self.url)
        name = database or parts.path.lstrip("/") or "postgres"
        if name.startswith(BENCH_DATABASE) and database is None:
            name = "postgres"
        url = urlunsplit(parts._replace(scheme="postgresql", path=f"/{name}"))
        return _postgres(url, *statements)

    def create(self) -> dict[str, str]:
        """A new, empty database."""
        if self.is_postgres:
            self._admin(
                f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
                f"CREATE DATABASE {BENCH_DATABASE}",
            )
            self.databases.append(BENCH_DATABASE)
        self.env = self._env(BENCH_DATABASE)
        return self.env

    def copy_of(self, source: str) -> datetime:
        """Make the benchmark's database a copy of `source` (a database `seed_scale`
        filled; no connection may be open to it); returns the time its newest complaint
        was submitted (the seeding's now)."""
        self._admin(
            f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
            f'CREATE DATABASE {BENCH_DATABASE} TEMPLATE "{source}"',
        )
        self.databases.append(BENCH_DATABASE)
        self.env = self._env(BENCH_DATABASE)
        ((newest,),) = self._admin(
            "SELECT max(created_at) FROM complaints_complaint", database=BENCH_DATABASE
        )
        return newest

    def copy(self) -> dict[str, str]:
        """A copy of the seeded database (no connection may be open to it)."""
        name = f"{BENCH_DATABASE}_traced"
        env = self._env(name)
        if self.is_postgres:
            self._admin(
                f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                f"CREATE DATABASE {name} TEMPLATE {BENCH_DATABASE}",
            )
            self.databases.append(name)
        else:
            source = Path(self.env["PROPERTYDESK_DATA_DIR"]) / SQLITE_FILE
            shutil.copyfile(source, Path(env["PROPERTYDESK_DATA_DIR"]) / SQLITE_FILE)
        return env

    def __enter__(self) -> "BenchDatabase":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.keep:
            log(f"kept: databases {self.databases or '-'}, directories {self.directories}")
            return
        for name in self.databases:
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        for directory in self.directories:
            shutil.rmtree(directory, ignore_errors=True)


def run_phase(
    phase: str, env: dict[str, str], args, *, size: int, now: datetime, extra: tuple = ()
) -> dict:
    handle, report = tempfile.mkstemp(prefix="propertydesk-bench-", suffix=".json")
    os.close(handle)
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        *("--phase", phase, "--open", str(size), "--due", str(args.due)),
        *("--now", now.isoformat(), "--report", report, "--seed", str(args.seed)),
    ]
    if args.chunk_size:
        command += ["--chunk-size", str(args.chunk_size)]
    command += ["--history", args.history]
    for flag in ("explain", "show_queries"):
        if getattr(args, flag):
            command.append("--" + flag.replace("_", "-"))
    command += extra
    try:
        # The children's output is progress: keep stdout for the figures.
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=sys.stderr)
        return json.loads(Path(report).read_text())
    finally:
        os.unlink(report)


# Inside the children -------------------------------------------------------------------


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # The guard that keeps this away from dev data.
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        assert name in (BENCH_DATABASE, f"{BENCH_DATABASE}_traced"), name
    else:
        assert name.startswith(os.environ["PROPERTYDESK_DATA_DIR"]), name
    assert not settings.DEBUG


def write_report(path: str, figures: dict) -> None:
    Path(path).write_text(json.dumps(figures, default=str))


def phase_seed(args) -> None:
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started
    log(f"  migrated in {migrate_s:.1f} s")

    from sla_seed import Seeder

    now = datetime.fromisoformat(args.now)
    started = time.perf_counter()
    figures = Seeder(
        now=now,
        total=args.open[0],
        due=args.due,
        seed=args.seed,
        history=args.history,
        log=log,
    ).run()
    seed_s = time.perf_counter() - started

    # What a running system has: table statistics (autovacuum) and a checkpointed WAL.
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    maintenance_s = time.perf_counter() - started
    write_report(
        args.report,
        {
            "migrate_s": migrate_s,
            "seed_s": seed_s,
            "maintenance_s": maintenance_s,
            "seeded": figures,
        },
    )


def rss_now_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def rss_peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def query_kind(sql: str) -> str:
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    table = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE)
    return f"{verb} {table.group(1)}" if table else verb


def query_seconds(queries: list[dict]) -> dict[str, float]:
    seconds: Counter[str] = Counter()
    for query in queries:
        seconds[query_kind(query["sql"])] += float(query["time"])
    return {kind: round(value, 3) for kind, value in seconds.items()}


class _ChunkQuery(Exception):
    pass


def chunk_query_plan(sweep, *, now: datetime, **kwargs) -> str:
    """The database's plan for the sweep's own first chunk query: the sweep is started,
    stopped at that query (its transaction rolls back), and the query explained with its
    parameters (EXPLAIN ANALYZE on PostgreSQL)."""
    from django.db import connection, transaction

    from complaints.models import Complaint

    seen = {}

    def stop_there(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("SELECT") and Complaint._meta.db_table in sql:
            seen.update(sql=sql, params=params)
            raise _ChunkQuery
        return execute(sql, params, many, context)

    with connection.execute_wrapper(stop_there), contextlib.suppress(_ChunkQuery):
        sweep(now=now, **kwargs)
    if not seen:
        return "(the sweep ran no query on complaints)"
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(prefix + seen["sql"], seen["params"])
        rows = cursor.fetchall()
    return "\n".join(" ".join(str(column) for column in row) for row in rows)


def phase_measure(args) -> None:
    """Two sweeps at the same `now`. Traced (tracemalloc) only with --trace, because
    tracing slows allocation-heavy Python several times: times come from the untraced run."""
    django_setup()
    import django
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints import tasks
    from complaints.models import IN_PROGRESS_STATES, Breach, Complaint, Hold, Notification

    now = datetime.fromisoformat(args.now)
    chunk_size = args.chunk_size or tasks.CHUNK_SIZE
    watched = Complaint.objects.filter(state__in=IN_PROGRESS_STATES)

    def due_count() -> int:
        return watched.filter(sla_next_at__lte=now).count()

    def table_counts() -> dict[str, int]:
        return {
            "breaches": Breach.objects.count(),
            "escalated": Breach.objects.filter(escalated_to_manager_at__isnull=False).count(),
            "notifications": Notification.objects.count(),
            "open_holds": Hold.objects.filter(ended_at__isnull=True).count(),
        }

    connection.ensure_connection()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    kwargs = {"chunk_size": args.chunk_size} if args.chunk_size else {}
    plan = None
    if args.explain and not args.trace:
        plan = chunk_query_plan(tasks.sla_sweep, now=now, **kwargs)

    environment = {
        "database": server,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "now": now.isoformat(),
        "open": watched.count(),
        "due": due_count(),
        "chunk_size": chunk_size,
    }
    runs = []
    for name in ("first", "second"):
        before = table_counts()
        gc.collect()
        rss_before = rss_now_mb()
        if args.trace:
            tracemalloc.start()
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = tasks.sla_sweep(now=now, **kwargs)
            wall_s = time.perf_counter() - started
            cpu_s = time.process_time() - cpu_started
        python_peak = None
        if args.trace:
            python_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        after = table_counts()
        queries = captured.captured_queries
        runs.append(
            {
                "sweep": name,
                "wall_s": wall_s,
                "cpu_s": cpu_s,
                "queries": len(queries),
                "chunks": math.ceil(result["complaints"] / chunk_size),
                "query_kinds": dict(Counter(query_kind(query["sql"]) for query in queries)),
                "query_seconds": query_seconds(queries),
                "sql_time_s": sum(float(query["time"]) for query in queries),
                "python_peak_mb": python_peak,
                "rss_before_mb": rss_before,
                "rss_peak_mb": rss_peak_mb(),
                "result": result,
                "created": {key: after[key] - before[key] for key in after},
                "due_left": due_count(),
            }
        )
        if name == "first" and args.show_queries and not args.trace:
            for query in queries:
                log(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:160]}")
    write_report(args.report, {"environment": environment, "runs": runs, "plan": plan})


# The figures ---------------------------------------------------------------------------


def _row(label: str, values: list) -> str:
    return f"{label:<36}" + "".join(f"{value:>18}" for value in values)


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_table(results: list[dict]) -> None:
    environment = results[0]["environment"]
    print(
        f"SLA sweep benchmark: {environment['database']}, Python {environment['python']}, "
        f"Django {environment['django']}, {environment['cpus']} CPUs, "
        f"chunk {environment['chunk_size']}, now {environment['now']}"
    )
    first = [result["runs"][0] for result in results]
    second = [result["runs"][1] for result in results]
    traced = [(result.get("traced") or [None])[0] for result in results]
    rows = [
        ("open complaints", [f"{r['environment']['open']:,}" for r in results]),
        ("due (sla_next_at <= now)", [f"{r['environment']['due']:,}" for r in results]),
        ("seeding or copying (s)", [f"{r['seed']['seed_s']:.1f}" for r in results]),
        ("  earlier breaches / notifications", [_history(r["seed"]["seeded"]) for r in results]),
        ("first sweep", []),
        ("  wall time (s)", [f"{run['wall_s']:.2f}" for run in first]),
        ("  CPU time of this process (s)", [f"{run['cpu_s']:.2f}" for run in first]),
        ("  time spent in SQL calls (s)", [f"{run['sql_time_s']:.2f}" for run in first]),
        ("  SQL queries", [run["queries"] for run in first]),
        ("  chunks", [run["chunks"] for run in first]),
        ("  RSS before (MB)", [f"{run['rss_before_mb']:.0f}" for run in first]),
        ("  RSS peak, ru_maxrss (MB)", [f"{run['rss_peak_mb']:.0f}" for run in first]),
        ("  Python peak, tracemalloc (MB)", [_mb(run and run["python_peak_mb"]) for run in traced]),
        (
            "  wall time when traced (s)",
            ["-" if not run else f"{run['wall_s']:.2f}" for run in traced],
        ),
        ("  complaints processed", [run["result"]["complaints"] for run in first]),
        ("  holds resumed", [run["result"]["resumed"] for run in first]),
        ("  breaches created", [run["created"]["breaches"] for run in first]),
        ("  breaches escalated", [run["created"]["escalated"] for run in first]),
        ("  notifications created", [run["created"]["notifications"] for run in first]),
        ("  still due afterwards", [run["due_left"] for run in first]),
        ("second sweep", []),
        ("  wall time (s)", [f"{run['wall_s']:.3f}" for run in second]),
        ("  SQL queries", [run["queries"] for run in second]),
        ("  complaints processed", [run["result"]["complaints"] for run in second]),
        (
            "  breaches / notifications created",
            [f"{run['created']['breaches']} / {run['created']['notifications']}" for run in second],
        ),
        ("load average at start", [f"{r['environment']['load_average']:.2f}" for r in results]),
    ]
    for label, values in rows:
        print(_row(label, values))
    print("first sweep's queries (statements, seconds):")
    for result in results:
        run = result["runs"][0]
        seconds = run.get("query_seconds", {})
        kinds = ", ".join(
            f"{kind} ×{count} {seconds.get(kind, 0):.2f}"
            for kind, count in sorted(run["query_kinds"].items())
        )
        print(f"  {result['environment']['open']:,} open: {kinds}")
    for line in verdicts(results):
        print(line)
    for result in results:
        if result.get("plan"):
            print(f"plan of the chunk query, {result['environment']['open']:,} open:")
            print("  " + result["plan"].replace("\n", "\n  "))


def _history(seeded: dict) -> str:
    return f"{seeded.get('breaches', 0):,} / {seeded.get('notifications', 0):,}"


def verdicts(results: list[dict]) -> list[str]:
    lines = []
    counts = [result["runs"][0]["queries"] for result in results]
    sizes = [f"{result['environment']['open']:,}" for result in results]
    dues = {result["environment"]["due"] for result in results}
    if len(results) > 1 and len(dues) == 1:
        lines.append(
            f"query count independent of the open total: {'yes' if len(set(counts)) == 1 else 'NO'}"
            f" ({' vs '.join(map(str, counts))} queries at {' and '.join(sizes)} open, "
            f"{dues.pop():,} due each)"
        )
    for result in results:
        environment, run = result["environment"], result["runs"][0]
        if not environment["database"].startswith("postgresql") or environment["open"] < 200_000:
            continue
        wall = "met" if run["wall_s"] < TARGET_WALL_S else "MISSED"
        memory = "met" if run["rss_peak_mb"] < TARGET_MEMORY_MB else "MISSED"
        lines.append(
            f"targets at {environment['open']:,} open, {environment['due']:,} due: "
            f"wall {run['wall_s']:.2f} s < {TARGET_WALL_S:g} s {wall}; "
            f"RSS {run['rss_peak_mb']:.0f} MB < {TARGET_MEMORY_MB:g} MB {memory}"
        )
    clean = all(
        run["result"]["complaints"] == 0
        and run["created"]["breaches"] == 0
        and run["created"]["notifications"] == 0
        for run in (result["runs"][1] for result in results)
    )
    lines.append(f"second sweep found nothing and created nothing: {'yes' if clean else 'NO'}")
    return lines


def measure(databases: BenchDatabase, args, *, size: int, now: datetime) -> dict:
    """The sweeps on the prepared database and, unless --no-trace, again traced on a copy
    made before them."""
    copy = None if args.no_trace else databases.copy()
    log("  measuring the sweep")
    measured = run_phase("measure", databases.env, args, size=size, now=now)
    if copy is not None:
        log("  measuring it again, traced, on a copy of the data")
        traced = run_phase("measure", copy, args, size=size, now=now, extra=("--trace",))
        measured["traced"] = traced["runs"]
    return measured


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.phase == "seed":
        return phase_seed(args)
    if args.phase == "measure":
        return phase_measure(args)

    # Ended from outside: still drop the databases (the context manager's exit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    now = datetime.now(UTC).replace(microsecond=0)
    results = []
    if args.copy_of:
        with BenchDatabase(keep=args.keep) as databases:
            started = time.perf_counter()
            newest = databases.copy_of(args.copy_of)
            now = (newest + timedelta(hours=args.hours)).astimezone(UTC)
            copied = {"seed_s": time.perf_counter() - started, "seeded": {}}
            log(f"copied {args.copy_of} in {copied['seed_s']:.1f} s; sweeping at {now}")
            results.append({"seed": copied, **measure(databases, args, size=1, now=now)})
    else:
        for size in args.open:
            with BenchDatabase(keep=args.keep) as databases:
                log(f"{size:,} open complaints, {args.due:,} due, now {now.isoformat()}")
                seed = run_phase("seed", databases.create(), args, size=size, now=now)
                log(f"  seeded in {seed['seed_s']:.1f} s")
                results.append({"seed": seed, **measure(databases, args, size=size, now=now)})
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    else:
        print_table(results)


if __name__ == "__main__":
    main()
