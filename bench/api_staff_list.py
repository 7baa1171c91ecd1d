"""Benchmark of the staff list API (issue 14): GET /api/v1/complaints/ page 1 and page
1,000 through its keyset cursor, beside the admin changelist's page 1 and page 1,000
(?p=1000) for the same user; median wall time and SQL queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/api_staff_list.py
    … --total 100000      a smaller database (default 300,000 complaints)
    … --keep / --reuse    keep the database afterwards / measure a kept one again
    … --explain           print PostgreSQL's plan of each page's complaint query

It seeds with the SLA sweep benchmark's seeder (`bench/sla_seed.py`, bulk_create,
services bypassed: one property of 4 buildings and 400 units, 4 teams, 6 agents owning
the complaints, every complaint open: 80 % dispatched to one of the three field teams,
20 % classified, 3 % of them on hold; filed up to two weeks ago), on a database of its
own, propertydesk_bench_api, made and dropped with the reports benchmark's helpers
(`bench/reports.py`) on the server DATABASE_URL names (SQLite: a temporary file). Then
it adds one handler to the engineering team, whose list is that team's complaints only.

Requests go through Django's test client in this process (middleware, session,
authentication, rendering and the database included; no HTTP server), each user logged
in by session, settings propertydesk.settings.dev with DEBUG off. Page 1,000 of the API
is reached by following the `next` links from page 1 (999 requests), then requested
again and again by that link; the admin's by its page number. Each figure is the median
of `--runs` requests after two warm-up requests; the queries are those of one request
(session, user, permissions, scope and the page).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reports as reports_bench

# The reports benchmark's database helpers, on a database of this benchmark's own.
reports_bench.BENCH_DATABASE = "propertydesk_bench_api"
PAGE = 1000
PAGE_SIZE = 50


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed complaints and time the staff list API against the admin changelist."
    )
    parser.add_argument("--total", type=int, default=300_000, help="complaints (300000)")
    parser.add_argument("--runs", type=int, default=11, help="timed requests per figure (11)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="measure a database kept by --keep, seed nothing"
    )
    parser.add_argument("--explain", action="store_true", help="print the plans (PostgreSQL)")
    args = parser.parse_args(argv)
    if args.total < PAGE * PAGE_SIZE * 11 // 10:
        parser.error(f"--total must be at least {PAGE * PAGE_SIZE * 11 // 10} for page {PAGE}")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def seed(args: argparse.Namespace) -> dict:
    from django.utils import timezone
    from sla_seed import Seeder

    return Seeder(
        now=timezone.now(), total=args.total, due=0, seed=args.seed, history="none", log=log
    ).run()


def handler_create():
    """A handler of the engineering team."""
    from django.test.utils import override_settings

    from buildings.models import Property
    from staff.models import Role, Team
    from staff.services import staff_create

    prop = Property.objects.get(name="Bench Garden")
    team = Team.objects.get(property=prop, kind=Team.Kind.ENGINEERING)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return staff_create(
            username="bench-handler",
            password="bench-only-not-a-secret",
            role=Role.HANDLER,
            properties=[prop],
            team=team,
        )


def timed(client, url: str, runs: int) -> dict:
    """Median wall time, median time inside SQL and the queries of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _warm_up in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    walls, sql, queries = [], [], 0
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            walls.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        sql.append(sum(float(query["time"]) for query in captured.captured_queries))
        queries = len(captured.captured_queries)
        last = captured.captured_queries
    return {
        "ms": statistics.median(walls) * 1000,
        "sql_ms": statistics.median(sql) * 1000,
        "queries": queries,
        "slowest": max(last, key=lambda query: float(query["time"]))["sql"],
    }


def api_page_url(client, page: int) -> str:
    """The URL of page `page` of the API list, by following the `next` links."""
    url = "/api/v1/complaints/"
    for _ in range(page - 1):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        url = response.json()["next"]
        assert url, "fewer pages than asked for"
    return url


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(user, *, runs: int, show_plans: bool) -> list[tuple[str, int, dict]]:
    from django.test import Client

    from complaints.selectors import complaint_list_visible_to

    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    visible = complaint_list_visible_to(user).count()
    # A user who sees fewer rows than 1,000 pages is measured on their last page.
    page = min(PAGE, -(-visible // PAGE_SIZE))
    started = time.perf_counter()
    far = api_page_url(client, page)
    log(f"  {user.username}: {visible:,} visible; walked to page {page} in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    cases = [
        ("API", 1, "/api/v1/complaints/"),
        ("API", page, far),
        ("admin", 1, "/en/admin/complaints/complaint/"),
        ("admin", page, f"/en/admin/complaints/complaint/?p={page}"),
    ]
    results = []
    for label, number, url in cases:
        figures = timed(client, url, runs)
        figures["visible"] = visible
        results.append((label, number, figures))
        if show_plans:
            print(f"-- {user.username} {label} page {number}: {figures['slowest'][:160]}")
            print(explain(figures["slowest"]))
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    with reports_bench.BenchDatabase(keep=args.keep, reuse=args.reuse) as database:
        reports_bench.django_setup()
        import django
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection

        from complaints.models import Complaint

        # The test client logs in without a request, which django-axes refuses.
        settings.AXES_ENABLED = False
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        if not args.reuse:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            log(f"migrated in {time.perf_counter() - started:.1f} s; seeding …")
            started = time.perf_counter()
            figures = seed(args)
            handler_create()
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            log(f"seeded in {time.perf_counter() - started:.1f} s: {figures}")
        with connection.cursor() as cursor:
            cursor.execute(
                "SHOW server_version"
                if connection.vendor == "postgresql"
                else "SELECT sqlite_version()"
            )
            server = f"{connection.vendor} {cursor.fetchone()[0]}"
        print(
            f"Staff list benchmark: {server}, Python {sys.version.split()[0]}, "
            f"Django {django.get_version()}, {os.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.2f}; database {database.scheme}"
        )
        print(f"machine speed now: {reports_bench.calibration()} (see bench/reports.py)")
        print(
            f"complaints {Complaint.objects.count():,}; {PAGE_SIZE} a page; median of {args.runs}"
        )
        users = get_user_model().objects.filter(username__in=["bench-agent-1", "bench-handler"])
        print()
        print("| user (visible) | list | page | median ms | SQL ms | queries |")
        print("|---|---|---:|---:|---:|---:|")
        for user in users.order_by("username"):
            for label, page, figures in measure(user, runs=args.runs, show_plans=args.explain):
                print(
                    f"| {user.username} ({figures['visible']:,}) | {label} | {page:,} | "
                    f"{figures['ms']:.1f} | {figures['sql_ms']:.1f} | {figures['queries']} |"
                )
        print(f"load {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
