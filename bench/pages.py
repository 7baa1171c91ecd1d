"""Benchmark of every staff page and the resident portal at N complaints (issue 15):
median and p95 wall time, queries, time in SQL and the slowest query, as the superuser,
a project manager and a handler, on a database seeded by `manage.py seed_scale`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pd_scale_1m \
        .venv/bin/python bench/pages.py --json /tmp/pages-1m.json --baseline /tmp/pages-30k.json
    … --runs 7          timed requests per page (default 7)
    … --explain         print EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query
    … --only changelist pages whose name contains this

It only reads (the change page and lists; no action is posted), so any seeded database
will do. Requests go through Django's test client in this process (middleware, session,
permissions, templates, the database; no HTTP server), each user logged in by session,
settings propertydesk.settings.dev with DEBUG off. `--baseline` is an earlier run's
`--json` (e.g. at 30,000 complaints): each figure is then printed with its ratio to it.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "/en/admin/complaints/complaint/"
ROLES = ("admin", "manager1", "handler1")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time every staff page at N complaints.")
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page (7)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--baseline", type=Path, help="an earlier --json, for the ratios")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "propertydesk.settings.dev")
    os.environ.setdefault("DEBUG", "0")
    import django

    django.setup()
    from django.conf import settings

    assert not settings.DEBUG
    # The test client logs in without a request, which django-axes refuses.
    settings.AXES_ENABLED = False
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


def timed(client, url: str, runs: int) -> dict:
    """Wall times of `runs` requests after one warm-up, and the queries of the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    walls = []
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            walls.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda query: float(query["time"]))
    walls.sort()
    return {
        "url": url,
        "median_ms": statistics.median(walls) * 1000,
        "p95_ms": walls[max(0, round(0.95 * len(walls)) - 1)] * 1000,
        "queries": len(queries),
        "sql_ms": sum(float(query["time"]) for query in queries) * 1000,
        "slowest_ms": float(slowest["time"]) * 1000,
        "slowest": slowest["sql"],
    }


def staff_pages(user) -> list[tuple[str, str]]:
    """(name, URL) of every staff page measured: the index, the changelist, each queue,
    search by reference and by phone suffix, every sortable column both ways, a change
    page, and the staff API's first page."""
    from complaints.admin.complaint import ComplaintAdmin
    from complaints.selectors import Queue, complaint_list_visible_to

    visible = complaint_list_visible_to(user)
    newest = visible.order_by("-pk").values_list("pk", "contact_phone").first()
    pages = [
        ("index", "/en/admin/"),
        ("changelist", ADMIN),
        *((f"queue {queue.value}", f"{ADMIN}?queue={queue.value}") for queue in Queue),
        ("search reference", f"{ADMIN}?q=TS{newest[0]:08d}"),
        ("search phone suffix", f"{ADMIN}?q={newest[1][-4:]}"),
    ]
    sortable = [
        index
        for index, name in enumerate(ComplaintAdmin.list_display)
        if name in ComplaintAdmin.sortable_by
    ]
    for index in sortable:
        name = ComplaintAdmin.list_display[index]
        pages += [
            (f"sort {name}", f"{ADMIN}?o={index + 1}"),
            (f"sort -{name}", f"{ADMIN}?o=-{index + 1}"),
        ]
    pages += [
        ("change page", f"{ADMIN}{newest[0]}/change/"),
        ("API list page 1", "/api/v1/complaints/"),
    ]
    return pages


def resident_pages(user) -> list[tuple[str, str]]:
    from complaints.selectors import complaint_list_for_resident

    newest = complaint_list_for_resident(user).order_by("-pk").values_list("pk", flat=True)[0]
    return [
        ("portal list", "/en/portal/complaints/"),
        ("portal detail", f"/en/portal/complaints/{newest}/"),
    ]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            return "\n".join(str(row) for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure(args: argparse.Namespace) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    results = {}
    from complaints.models import Complaint

    # The resident of the newest complaint filed by one.
    resident = (
        Complaint.objects.filter(resident__isnull=False)
        .order_by("-pk")
        .values_list("resident__user__username", flat=True)[0]
    )
    users = get_user_model().objects.in_bulk([*ROLES, resident], field_name="username")
    for username in (*ROLES, resident):
        user = users[username]
        client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        pages = resident_pages(user) if username == resident else staff_pages(user)
        for name, url in pages:
            if args.only not in name:
                continue
            figures = timed(client, url, args.runs)
            results[f"{username} | {name}"] = figures
            log(
                f"  {username:>9} {name:<28} {figures['median_ms']:8.1f} ms "
                f"{figures['queries']:3} q"
            )
            if args.explain:
                figures["plan"] = explain(figures["slowest"])
    return results


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    django_setup()
    import django
    from django.db import connection

    from complaints.models import Complaint

    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW server_version"
            if connection.vendor == "postgresql"
            else "SELECT sqlite_version()"
        )
        server = f"{connection.vendor} {cursor.fetchone()[0]}"
    total = Complaint.objects.count()
    baseline = json.loads(args.baseline.read_text())["pages"] if args.baseline else {}
    started_load = os.getloadavg()[0]
    results = measure(args)
    print(
        f"Pages at {total:,} complaints: {server}, Python {sys.version.split()[0]}, "
        f"Django {django.get_version()}, {os.cpu_count()} CPUs, load {started_load:.2f} → "
        f"{os.getloadavg()[0]:.2f}; median and p95 of {args.runs}"
    )
    print()
    print("| user | page | median ms | p95 ms | queries | SQL ms | slowest query ms | × baseline |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for key, figures in results.items():
        user, name = key.split(" | ")
        base = baseline.get(key)
        ratio = f"{figures['median_ms'] / base['median_ms']:.2f}" if base else "—"
        print(
            f"| {user} | {name} | {figures['median_ms']:.1f} | {figures['p95_ms']:.1f} | "
            f"{figures['queries']} | {figures['sql_ms']:.1f} | {figures['slowest_ms']:.1f} | "
            f"{ratio} |"
        )
    if args.explain:
        for key, figures in results.items():
            print(
                f"\n### {key}: {figures['slowest_ms']:.1f} ms\n\n```\n{figures['slowest']}\n\n"
                f"{figures['plan']}\n```"
            )
    if args.json:
        args.json.write_text(
            json.dumps({"total": total, "server": server, "pages": results}, indent=1)
        )


if __name__ == "__main__":
    main()
