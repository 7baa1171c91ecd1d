"""Benchmark of the supervisor reports (issue 6): both reports of one month, the
red/black list and the monthly analysis, over 1,000,000 complaints of which 80,000 were
closed in that month; wall time and query count. Target on PostgreSQL: under 1.5 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports.py
    .venv/bin/python bench/reports.py --total 100000 --in-month 8000     # SQLite, smaller
    … --keep            keep the database afterwards; --reuse: measure a kept one again
    … --explain         print PostgreSQL's plans (EXPLAIN ANALYZE) of the report queries

It never touches dev data: PostgreSQL runs on a database of its own,
propertydesk_bench_reports, created and dropped by this script on the server DATABASE_URL
names; SQLite on a file in a temporary directory. Settings: propertydesk.settings.dev
with DEBUG off.

The data, seeded with COPY on PostgreSQL (services and history bypassed on purpose), is
one property (the worst case: every complaint in the report's property) with 20
buildings of 200 units, 5 teams and 20 owners, the seeded categories and levels
I/II/III at 5/75/20 %:

- `--in-month` complaints closed in the report month (October 2026) and `--open`
  complaints filed in it and still open (half of them due in the month);
- the rest closed in the 12 months before, evenly; ids follow the filing time;
- 12 % of the complaints with one breach, 3 % with two; 4 % reopened once;
- a submitted survey for 60 % of the closed complaints, an unanswered one for 5 %;
- the repeat problems recounted by `complaints.repeats.repeat_members_rebuild`, as the
  services would have kept them.

Measured, each run three times (the best and the median printed):
1. cold: no month published yet, so the 12-month satisfaction trend is counted live;
2. steady: the 11 months before published (as the monthly job leaves them), so the trend
   reads those snapshots and only the month itself is counted;
3. the write side of the repeat problems: what `repeat_members_refresh` costs a filing
   (median and 95th percentile over 200 complaints each on units and common areas).
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "propertydesk_bench_reports"
SETTINGS_MODULE = "propertydesk.settings.dev"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
MONTH = date(2026, 10, 1)
TARGET_WALL_S = 1.5
RUNS = 3
BUILDINGS, UNITS_PER_BUILDING, OWNERS = 20, 200, 20
LEVEL_WEIGHTS = {1: 5, 2: 75, 3: 20}
RESOLVE = {1: timedelta(hours=2), 2: timedelta(hours=24), 3: timedelta(days=7)}
FIRST_RESPONSE = {1: timedelta(minutes=15), 2: timedelta(hours=2), 3: timedelta(hours=24)}
BATCH = 20_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed complaints and time both supervisor reports of one month "
        "(DATABASE_URL picks the server; default SQLite in a temporary directory)."
    )
    parser.add_argument("--total", type=int, default=1_000_000, help="complaints in all")
    parser.add_argument(
        "--in-month", type=int, default=80_000, help="closed in the report month (80000)"
    )
    parser.add_argument(
        "--open", type=int, default=20_000, help="filed in the month and still open (20000)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by --keep, seed nothing"
    )
    parser.add_argument("--explain", action="store_true", help="print the plans (PostgreSQL)")
    parser.add_argument(
        "--only",
        choices=["cold", "steady"],
        help="measure one case only (with --reuse, "
        "steady keeps the months a kept database has published)",
    )
    args = parser.parse_args(argv)
    if args.in_month + args.open > args.total:
        parser.error("--in-month plus --open must not exceed --total")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database --------------------------------------------------------------------------


class BenchDatabase:
    """propertydesk_bench_reports on the DATABASE_URL server, or a temporary SQLite file."""

    def __init__(self, *, keep: bool, reuse: bool) -> None:
        self.keep, self.reuse = keep or reuse, reuse
        self.url = os.environ.get("DATABASE_URL", "")
        self.scheme = urlsplit(self.url).scheme if self.url else "sqlite"
        if not self.scheme.startswith("sqlite") and self.scheme not in POSTGRES_SCHEMES:
            raise SystemExit(f"DATABASE_URL: {self.scheme!r} is not supported (SQLite, PostgreSQL)")
        if reuse and not self.is_postgres:
            raise SystemExit("--reuse needs PostgreSQL (the SQLite file is temporary)")

    @property
    def is_postgres(self) -> bool:
        return self.scheme in POSTGRES_SCHEMES

    def __enter__(self) -> "BenchDatabase":
        self.directory = tempfile.mkdtemp(prefix="propertydesk-bench-reports-")
        os.environ.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            DEBUG="0",
            LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            PROPERTYDESK_DATA_DIR=self.directory,
        )
        os.environ.pop("DATABASE_URL", None)
        if self.is_postgres:
            parts = urlsplit(self.url)
            admin_name = parts.path.lstrip("/") or "postgres"
            if admin_name == BENCH_DATABASE:
                admin_name = "postgres"
            self.admin = urlunsplit(parts._replace(scheme="postgresql", path=f"/{admin_name}"))
            if not self.reuse:
                self._drop()
                self._run(f"CREATE DATABASE {BENCH_DATABASE}")
            os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
        return self

    def _run(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(statement)

    def _drop(self) -> None:
        self._run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")

    def __exit__(self, *exc_info) -> None:
        from django.db import connections

        connections.close_all()
        if self.keep:
            if self.is_postgres:
                log(f"kept the database {BENCH_DATABASE}")
        elif self.is_postgres:
            self._drop()
        shutil.rmtree(self.directory, ignore_errors=True)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    # The guard that keeps this away from dev data.
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "postgresql":
        assert name == BENCH_DATABASE, name
    else:
        assert name.startswith(os.environ["PROPERTYDESK_DATA_DIR"]), name
    assert not settings.DEBUG


# Seeding ---------------------------------------------------------------------------------


class Seeder:
    def __init__(self, args: argparse.Namespace) -> None:
        from django.utils import timezone

        self.args = args
        self.rng = random.Random(args.seed)
        self.zone = timezone.get_default_timezone()
        self.figures: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        from complaints.repeats import repeat_members_rebuild

        self._reference_data()
        self._complaints()
        # What the services keep as complaints are filed, for the rows written around them.
        started = time.perf_counter()
        self.figures["repeat_members"] = repeat_members_rebuild()
        self.figures["repeat_rebuild_s"] = round(time.perf_counter() - started, 1)
        return self.figures

    def _reference_data(self) -> None:
        from django.test.utils import override_settings

        from buildings.models import Building, Property, Unit
        from complaints.models import Category
        from staff.models import Role, Team
        from staff.services import staff_create

        self.property = Property.objects.create(
            name="Bench Garden", kind=Property.Kind.RESIDENTIAL, city="Shanghai"
        )
        buildings = Building.objects.bulk_create(
            Building(property=self.property, name=f"Building {n}") for n in range(1, BUILDINGS + 1)
        )
        units = Unit.objects.bulk_create(
            Unit(building=building, floor=1 + n // 10, number=f"{n:04d}")
            for building in buildings
            for n in range(UNITS_PER_BUILDING)
        )
        self.units = [(unit.building_id, unit.pk) for unit in units]
        self.building_ids = [building.pk for building in buildings]
        kinds = list(Team.Kind)
        teams = Team.objects.bulk_create(
            Team(property=self.property, name=kind.label, kind=kind) for kind in kinds
        )
        self.team_ids = [team.pk for team in teams]
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            self.owner_ids = [
                staff_create(
                    username=f"bench-agent-{n}",
                    password="bench-only-not-a-secret",
                    role=Role.AGENT,
                    properties=[self.property],
                    team=teams[3],
                ).pk
                for n in range(OWNERS)
            ]
            staff_create(
                username="bench-supervisor",
                password="bench-only-not-a-secret",
                role=Role.SUPERVISOR,
                properties=[self.property],
            )
        self.category_ids = list(
            Category.objects.filter(parent__isnull=False).values_list("pk", flat=True)
        ) + list(
            Category.objects.filter(parent__isnull=True, children__isnull=True).values_list(
                "pk", flat=True
            )
        )

    def _moment(self, month: date, *, until: datetime | None = None) -> datetime:
        """A random moment of a (local) month, before `until` if given."""
        start = datetime(month.year, month.month, 1, tzinfo=self.zone)
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        end = datetime(following.year, following.month, 1, tzinfo=self.zone)
        if until is not None:
            end = min(end, until)
        return start + (end - start) * self.rng.random()

    def _complaints(self) -> None:
        from complaints.demo.scale import rows_write, sequences_reset
        from complaints.models import Breach, Complaint, Survey
        from complaints.reports import month_add

        args = self.args
        previous = args.total - args.in_month - args.open
        months = [month_add(MONTH, -back) for back in range(12, 0, -1)]
        plan = [("closed", MONTH)] * args.in_month + [("open", MONTH)] * args.open
        plan += [("closed", months[index * 12 // previous]) for index in range(previous)]
        now = datetime(2026, 11, 1, 1, 0, tzinfo=self.zone)
        breach_fields = [f.attname for f in Breach._meta.concrete_fields if f.name != "id"]
        survey_fields = [f.attname for f in Survey._meta.concrete_fields if f.name != "id"]
        complaints, breaches, surveys = [], [], []
        counts = {"complaints": 0, "breaches": 0, "surveys": 0, "in_month": 0, "open": 0}
        rng = self.rng
        # First the moments of every complaint, then ids in filing order, as in real life.
        moments = []
        for status, month in plan:
            if status == "closed":
                closed = self._moment(month)
                handled = closed - timedelta(hours=rng.uniform(0.5, 72))
                created = handled - timedelta(hours=rng.lognormvariate(2.5, 1.0))
            else:
                created = self._moment(month, until=now)
                handled = closed = None
            moments.append((created, handled, closed, status, month))
        moments.sort(key=lambda moment: moment[0])
        for pk, (created, handled, closed, status, month) in enumerate(moments, start=1):
            level = rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]
            building_id, unit_id = rng.choice(self.units)
            if rng.random() < 0.15:
                unit_id = None
            owner_id = rng.choice(self.owner_ids)
            team_id = rng.choice(self.team_ids[:4])
            reopened = rng.random() < 0.04
            if status == "closed":
                state = "revisited" if rng.random() < 0.1 else "closed"
                handling = handled - created
            else:
                state = "dispatched"
                handling = timedelta(hours=1)
            if status == "open" and rng.random() < 0.5:
                # due in the month: a deadline up to ten days after filing, before the end
                resolve_due = created + (now - created) * rng.random()
            else:
                resolve_due = created + RESOLVE[level]
            row = {
                "id": pk,
                "channel": rng.choice(["web", "phone", "app", "walk_in"]),
                "property_id": self.property.pk,
                "building_id": building_id,
                "unit_id": unit_id,
                "location_text": "",
                "description": "Benchmark complaint",
                "resident_id": None,
                "contact_name": "",
                "contact_phone": "",
                "preferred_contact_time": "",
                "created_by_id": owner_id,
                "state": state,
                "category_id": rng.choice(self.category_ids),
                "level": level,
                "owner_id": owner_id,
                "team_id": team_id,
                "assignee_id": None,
                "resolution_note": "",
                "close_reason": "",
                "revisit_note": "",
                "merged_into_id": None,
                "reopen_count": int(reopened),
                "suspected_emergency": False,
                "sla_started_at": created,
                "first_response_due": created + FIRST_RESPONSE[level],
                "on_site_due": created + timedelta(minutes=30) if level == 1 else None,
                "resolve_due": resolve_due,
                "on_site_at": None,
                "held_since": None,
                "held_until": None,
                "held_total": timedelta(),
                "sla_next_at": None,
                "revisit_due_at": None,
                "next_due_at": resolve_due if status == "open" else None,
                "created_at": created,
                "accepted_at": created + timedelta(minutes=5),
                "classified_at": created + timedelta(minutes=6),
                "dispatched_at": created + timedelta(minutes=10),
                "handled_at": handled,
                "closed_at": closed,
                "revisited_at": closed + timedelta(days=2) if state == "revisited" else None,
                "reopened_at": created + handling / 2 if reopened else None,
                "withdrawn_at": None,
                "merged_at": None,
                "updated_at": closed or created,
            }
            complaints.append(row)
            draw = rng.random()
            late = (
                []
                if draw >= 0.15
                else ["resolve"]
                if draw >= 0.03
                else ["first_response", "resolve"]
            )
            for deadline in late:
                due = row["first_response_due"] if deadline == "first_response" else resolve_due
                breaches.append(
                    (pk, deadline, int(reopened), level, due, due + timedelta(minutes=1),
                     owner_id, team_id, None, None)
                )  # fmt: skip
            if closed is not None:
                draw = rng.random()
                if draw < 0.65:
                    answered = draw < 0.6
                    sent = closed + timedelta(days=1)
                    scores = [rng.randint(55, 100) for _ in range(3)] if answered else [None] * 3
                    surveys.append(
                        (pk, int(reopened), sent, sent + timedelta(hours=3) if answered else None,
                         *scores, "")
                    )  # fmt: skip
            counts["in_month"] += status == "closed" and month == MONTH
            counts["open"] += status == "open"
            if len(complaints) >= BATCH:
                rows_write(Complaint, complaints)
                counts["complaints"] += len(complaints)
                complaints = []
                log(f"  {counts['complaints']:,} complaints")
        rows_write(Complaint, complaints)
        counts["complaints"] += len(complaints)
        rows_write(Breach, [dict(zip(breach_fields, row, strict=True)) for row in breaches])
        rows_write(Survey, [dict(zip(survey_fields, row, strict=True)) for row in surveys])
        counts["breaches"], counts["surveys"] = len(breaches), len(surveys)
        sequences_reset(Complaint)
        self.figures = counts


# Measuring -------------------------------------------------------------------------------


def measure(property_id: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.reports import analysis_compute, red_black_compute

    runs = []
    for _run in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            red_black = red_black_compute(property_id=property_id, month=MONTH)
            middle = time.perf_counter()
            analysis = analysis_compute(property_id=property_id, month=MONTH)
            wall = time.perf_counter() - started
        runs.append(
            {
                "wall_s": wall,
                "red_black_s": middle - started,
                "analysis_s": wall - (middle - started),
                "queries": len(captured.captured_queries),
                "sql": [(float(q["time"]), q["sql"]) for q in captured.captured_queries],
            }
        )
    best = min(runs, key=lambda run: run["wall_s"])
    return {
        "best": best,
        "median_s": statistics.median(run["wall_s"] for run in runs),
        "closed": red_black["summary"]["closed"],
        "received": analysis["summary"]["received"],
        "repeats": red_black["summary"]["repeats"],
        "talks": len(red_black["talks"]),
    }


def measure_refresh(samples: int = 200) -> str:
    """The write side of the repeat problems: `repeat_members_refresh` as the services
    call it after filing, for complaints of the report month drawn at random (on a unit,
    and on a common area, whose group is the whole building's), each in a transaction
    that is rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from complaints.models import Complaint
    from complaints.repeats import repeat_members_refresh

    start, end = (datetime(MONTH.year, MONTH.month, day, tzinfo=UTC) for day in (1, 28))
    rng = random.Random(7)
    lines = []
    for label, common in (("unit", False), ("common area", True)):
        ids = list(
            Complaint.objects.filter(
                created_at__gte=start, created_at__lt=end, unit__isnull=common
            ).values_list("pk", flat=True)[:50_000]
        )
        times, queries = [], 0
        for pk in rng.sample(ids, min(samples, len(ids))):
            complaint = Complaint.objects.get(pk=pk)
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                repeat_members_refresh(complaint, before=None)
                times.append(time.perf_counter() - started)
                transaction.set_rollback(True)
            queries = max(queries, len(captured.captured_queries))
        times.sort()
        lines.append(
            f"{label}: median {statistics.median(times) * 1000:.1f} ms, "
            f"95th percentile {times[int(len(times) * 0.95)] * 1000:.1f} ms, "
            f"at most {queries} queries"
        )
    return "; ".join(lines)


def explain(property_id: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from complaints.reports import analysis_compute, red_black_compute

    with CaptureQueriesContext(connection) as captured:
        red_black_compute(property_id=property_id, month=MONTH)
        analysis_compute(property_id=property_id, month=MONTH)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if float(query["time"]) < 0.02:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            print(f"-- {float(query['time']) * 1000:.0f} ms: {query['sql'][:200]}")
            print("\n".join(row[0] for row in cursor.fetchall()))
            print()


def calibration() -> str:
    """How fast this machine is right now, to compare figures between machines and
    loads: the database counting 10 million generated rows (one process) and Python
    summing 3 million squares."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT count(*) FROM generate_series(1, 10000000)")
            cursor.fetchone()
            cursor.execute("RESET max_parallel_workers_per_gather")
            database = f"database {time.perf_counter() - started:.2f} s"
        else:
            database = "database -"
    started = time.perf_counter()
    sum(number * number for number in range(3_000_000))
    return f"{database}, Python {time.perf_counter() - started:.2f} s"


def print_run(label: str, result: dict) -> None:
    best = result["best"]
    print(
        f"{label}: best {best['wall_s']:.3f} s (red/black {best['red_black_s']:.3f} s + "
        f"analysis {best['analysis_s']:.3f} s), median of {RUNS} {result['median_s']:.3f} s, "
        f"{best['queries']} queries"
    )
    for seconds, sql in sorted(best["sql"], reverse=True)[:6]:
        print(f"    {seconds * 1000:8.1f} ms  {sql[:110]}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with BenchDatabase(keep=args.keep, reuse=args.reuse) as database:
        django_setup()
        import django
        from django.core.management import call_command
        from django.db import connection

        from buildings.models import Property
        from complaints.models import Complaint, MonthlySnapshot
        from complaints.reports import month_add, snapshots_publish

        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            log(f"migrated in {time.perf_counter() - started:.1f} s; seeding …")
            started = time.perf_counter()
            figures = Seeder(args).run()
            seed_s = time.perf_counter() - started
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("VACUUM ANALYZE")
            log(f"seeded in {seed_s:.1f} s: {figures}")
        property_id = Property.objects.get(name="Bench Garden").pk
        with connection.cursor() as cursor:
            cursor.execute(
                "SHOW server_version"
                if connection.vendor == "postgresql"
                else "SELECT sqlite_version()"
            )
            server = f"{connection.vendor} {cursor.fetchone()[0]}"
        print(
            f"Supervisor reports benchmark: {server}, Python {sys.version.split()[0]}, "
            f"Django {django.get_version()}, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.2f}"
        )
        print(f"machine speed now: {calibration()} (see calibration())")
        print(
            f"complaints {Complaint.objects.count():,}; report month {MONTH:%Y-%m}; "
            f"database {database.scheme}"
        )
        results = []
        if args.only != "steady":
            MonthlySnapshot.objects.all().delete()
            cold = measure(property_id)
            print(
                f"month: {cold['closed']:,} closed, {cold['received']:,} received, "
                f"{cold['repeats']:,} in repeat problems, {cold['talks']} teams flagged"
            )
            print_run("cold, nothing published (trend counted live)", cold)
            results.append(("cold", cold))
        if args.only != "cold":
            started = time.perf_counter()
            for offset in range(11, 0, -1):
                snapshots_publish(
                    month=month_add(MONTH, -offset), now=datetime(2026, 11, 1, tzinfo=UTC)
                )
            log(f"published the 11 months before in {time.perf_counter() - started:.1f} s")
            steady = measure(property_id)
            print_run("steady, the 11 months before published", steady)
            results.append(("steady", steady))
        print(f"repeat refresh after one filing: {measure_refresh()}")
        if args.explain and connection.vendor == "postgresql":
            explain(property_id)
        for label, result in results:
            verdict = "met" if result["best"]["wall_s"] < TARGET_WALL_S else "MISSED"
            print(f"target {TARGET_WALL_S} s, {label}: {verdict}")


if __name__ == "__main__":
    main()
