"""The load test (issue 15): PropertyDesk served by gunicorn on PostgreSQL with its job
cluster running, driven by locust (bench/load/locustfile.py) through the real login
forms, beside django-helpdesk (/work/shared/anchors/helpdesk) served the same way.

    .venv/bin/python bench/load/run.py                      # 60 s per run, 1/8/32 users
    .venv/bin/python bench/load/run.py --run-time 20 --users 1 8 --no-helpdesk
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load/run.py
    .venv/bin/python bench/load/run.py --sqlite --users 8       # the embedded default

Steps: a database of its own (propertydesk_load, dropped afterwards unless --keep) on
the DATABASE_URL server; migrate, install the schedules, seed (`seed_scale --complaints
N` where the command exists, else `seed_demo`), collectstatic; gunicorn (--workers sync
workers on 127.0.0.1, deploy/gunicorn.conf.py's settings otherwise) and `manage.py
qcluster` with production settings (propertydesk.settings.prod, from environment
variables only); then locust headless,
each run bounded by --run-time and --max-requests:

- staff at each user count (agent, handler, project manager in turn),
- residents at each user count,
- both mixed (one staff user for three residents) at the largest user count,
- the filing wave: --wave users filing at once, --wave-filings complaints in all, each
  with one 12-megapixel photo; the complaints and photos are counted before and after.

With --sqlite, PropertyDesk runs on the embedded default instead: a SQLite file in the
work directory and the job queue in it (django-q2's ORM broker), helpdesk not at all.

Then helpdesk: its virtualenv (its setup.sh, plus gunicorn at our version), a database
anchor_helpdesk_load seeded with `seed_tickets N` (N = PropertyDesk's complaints),
gunicorn with the same options, staff runs at each user count. The output lists every
request type's requests/s, p95 and failures per run, and the staff figures beside
helpdesk's with the ratio.
"""

import argparse
import contextlib
import csv
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
BIN = PYTHON.parent
HELPDESK = Path("/work/shared/anchors/helpdesk")
HELPDESK_VENV = Path(os.environ.get("TMPDIR") or "/tmp") / "anchor-helpdesk" / "venv"
DATABASE = "propertydesk_load"
HELPDESK_DATABASE = "anchor_helpdesk_load"
HELPDESK_PASSWORD = "anchor-pass"
DEMO_PASSWORD = "demo12345"  # seed_demo's DEFAULT_PASSWORD
HELPDESK_STAFF = ("admin", "alice", "bruno")
PORT, HELPDESK_PORT = 8781, 8782
FILINGS_PER_RESIDENT = 8  # as in locustfile.py
FILE_REQUEST = "portal: file a complaint (POST, 12 MP photo)"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Load test PropertyDesk beside helpdesk.")
    parser.add_argument("--users", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--run-time", type=int, default=60, help="seconds per run (60)")
    parser.add_argument(
        "--max-requests", type=int, default=20_000, help="requests per run at most (20000)"
    )
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="each user waits up to S seconds between tasks (0: throughput, the server's own)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (4)")
    parser.add_argument("--complaints", type=int, default=30_000, help="seed_scale size")
    parser.add_argument("--wave", type=int, default=32, help="residents filing at once (32)")
    parser.add_argument("--wave-filings", type=int, default=320, help="complaints filed (320)")
    parser.add_argument("--no-helpdesk", action="store_true", help="PropertyDesk only")
    parser.add_argument(
        "--sqlite",
        action="store_true",
        help="PropertyDesk on SQLite with the ORM job broker (implies --no-helpdesk)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# Databases ---------------------------------------------------------------------------------


def server_url() -> str:
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if urlsplit(url).scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("the load test runs on PostgreSQL: DATABASE_URL=postgres://…")
    return url


def database_url(name: str) -> str:
    return urlunsplit(urlsplit(server_url())._replace(path=f"/{name}"))


def admin_sql(statement: str) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(server_url())._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


def recreate(name: str) -> None:
    admin_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {name}")


def counts(url: str, sql: str) -> tuple:
    """One row of `sql` on the PostgreSQL database `url` or, for a path, the SQLite file."""
    if not urlsplit(url).scheme:
        import sqlite3

        with contextlib.closing(sqlite3.connect(url)) as connection:
            return connection.execute(sql).fetchone()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute(sql).fetchone()


# Processes ---------------------------------------------------------------------------------


class Services:
    """Processes started by this script, each in its own process group, stopped by id."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[subprocess.Popen] = []

    def start(self, name: str, command: list, **kwargs) -> subprocess.Popen:
        out = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.started.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.started.clear()


def run(command: list, **kwargs) -> str:
    result = subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)
    return result.stdout


def wait_until_up(port: int, path: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the server answers `path` (any status: it is up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}); see its log")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
        finally:
            connection.close()
    raise SystemExit(f"127.0.0.1:{port} did not answer in {timeout:.0f} s")


def gunicorn(python: Path, app: str, port: int, workers: int, config: Path | None = None) -> list:
    """Both servers with the same options; PropertyDesk's also with the settings it is
    deployed with (`config`: deploy/gunicorn.conf.py), these options overriding them."""
    return [
        str(python), "-m", "gunicorn", app,
        *(["--config", str(config)] if config else []),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--timeout", "120",
        "--max-requests", "0",
    ]  # fmt: skip


# PropertyDesk ------------------------------------------------------------------------------


def propertydesk_env(data_dir: Path, *, sqlite: bool) -> dict:
    """Production settings as a deployment behind a TLS proxy has them: the proxy sets
    X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), so nothing is weakened. Without
    DATABASE_URL the settings take the SQLite file in PROPERTYDESK_DATA_DIR."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {
        **env,
        **({} if sqlite else {"DATABASE_URL": database_url(DATABASE)}),
        "DJANGO_SETTINGS_MODULE": "propertydesk.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PROPERTYDESK_DATA_DIR": str(data_dir),
        "CACHE_URL": os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/11"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def seed(manage: list, env: dict, complaints: int) -> tuple[str, str, tuple[str, ...]]:
    """Seed with seed_scale where it exists, else seed_demo; returns the seeding's name,
    its password and the staff logins (agent, handler, project manager)."""
    commands = run([*manage, "help", "--commands"], env=env).split()
    if "seed_scale" in commands:
        log(f"seed_scale --complaints {complaints}")
        run([*manage, "seed_scale", "--complaints", str(complaints)], env=env)
        return "seed_scale", "scale-pass-2026", ("agent1", "handler1", "manager1")
    log("seed_scale is not there: seed_demo")
    run([*manage, "seed_demo"], env=env)
    return "seed_demo", DEMO_PASSWORD, ("agent1", "handler1", "pm1")


RESIDENTS_AT_MOST = 1000


def resident_logins(manage: list, env: dict) -> list[str]:
    """Residents' usernames (one home or more), in a stable order: at most
    RESIDENTS_AT_MOST, enough for every run's filers, since the list travels to locust in
    an environment variable (seed_scale's 25,000 exceed what exec() takes)."""
    code = (
        "import json; from buildings.models import Resident; "
        "print(json.dumps(list(Resident.objects.filter(user__is_active=True, "
        "residencies__isnull=False).order_by('user_id').distinct()"
        f".values_list('user__username', flat=True)[:{RESIDENTS_AT_MOST}])))"
    )
    return json.loads(run([*manage, "shell", "-c", code], env=env).strip().splitlines()[-1])


# Locust ------------------------------------------------------------------------------------


def locust(
    host: str, classes: list[str], users: int, seconds: int, env: dict, csv_prefix: Path
) -> dict[str, dict]:
    """One headless run; returns the stats rows by request name (and "Aggregated")."""
    command = [
        str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", host, "-u", str(users), "-r", str(users),
        "--run-time", f"{seconds}s", "--stop-timeout", "30",
        "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING",
        *classes,
    ]  # fmt: skip
    logins = Path(f"{csv_prefix}_logins.json")
    env = {**env, "LOAD_LOGIN_STATS": str(logins)}
    started = time.monotonic()
    subprocess.run(command, env=env, check=False, capture_output=True)
    elapsed = time.monotonic() - started
    rows = {}
    with open(f"{csv_prefix}_stats.csv", newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Request Count"] == "0" and row["Name"] != "Aggregated":
                continue  # a login done before the statistics started again
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50_ms": float(row["50%"]) if row["50%"] not in ("", "N/A") else 0.0,
                "p95_ms": float(row["95%"]) if row["95%"] not in ("", "N/A") else 0.0,
            }
    failures_file = Path(f"{csv_prefix}_failures.csv")
    failures = list(csv.DictReader(failures_file.open())) if failures_file.exists() else []
    rows["Aggregated"]["wall_s"] = round(elapsed, 1)
    rows["Aggregated"]["ramp_up_logins"] = json.loads(logins.read_text()) if logins.exists() else {}
    rows["Aggregated"]["load_average"] = load_average()
    rows["Aggregated"]["failure_samples"] = [
        f"{f['Name']}: {f['Error']} ×{f['Occurrences']}" for f in failures[:5]
    ]
    # An exception in a task (a page without the form or link it should have) is no
    # failed request to locust; it is one here.
    exceptions_file = Path(f"{csv_prefix}_exceptions.csv")
    exceptions = list(csv.DictReader(exceptions_file.open())) if exceptions_file.exists() else []
    rows["Aggregated"]["exceptions"] = sum(int(e["Count"]) for e in exceptions)
    rows["Aggregated"]["failure_samples"] += [
        f"exception: {e['Message']} ×{e['Count']}" for e in exceptions[:5]
    ]
    return rows


def print_run(title: str, rows: dict[str, dict]) -> None:
    total = rows["Aggregated"]
    failures = total["failures"] + sum(r["failures"] for r in total["ramp_up_logins"].values())
    print(
        f"\n{title}: {total['requests']} requests after the ramp-up, in {total['wall_s']} s "
        f"with it, {total['rps']:.1f}/s, failures {failures}, exceptions {total['exceptions']}, "
        f"load average {total['load_average']}"
    )
    print(f"  {'request':<48}{'count':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'fail':>6}")
    for name, row in sorted(rows.items()):
        if name == "Aggregated":
            continue
        print(
            f"  {name:<48}{row['requests']:>7}{row['rps']:>8.1f}"
            f"{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['failures']:>6}"
        )
    for name, row in sorted(total["ramp_up_logins"].items()):
        print(
            f"  {name + ' [ramp-up]':<48}{row['requests']:>7}{'':>8}"
            f"{row['p50_ms']:>8.0f}{row['p95_ms']:>8.0f}{row['failures']:>6}"
        )
    for sample in total["failure_samples"]:
        print(f"  failure: {sample}")


# The whole test ----------------------------------------------------------------------------


def share_filers(residents: list[str], args) -> tuple[dict[str, list[str]], list[str]]:
    """Hand out the residents who may file, each to one run only (10 filings per hour):
    the wave gets what it needs, the other resident runs the rest by their user counts."""
    runs = {f"residents, {u} users": u for u in args.users}
    runs[f"mixed, {max(args.users)} users"] = max(args.users)
    needed = max(args.wave, -(-args.wave_filings // FILINGS_PER_RESIDENT))
    wave = min(needed, len(residents) - len(runs))
    rest, wave_filers = residents[: len(residents) - wave], residents[len(residents) - wave :]
    total = sum(runs.values())
    shares, start = {}, 0
    for title, users in runs.items():
        size = max(1, len(rest) * users // total)
        shares[title], start = rest[start : start + size], start + size
    return shares, wave_filers


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # SIGTERM (timeout, kill) stops the servers too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="propertydesk-load-"))
    services = Services(work)
    results: dict = {"runs": {}, "cores": os.cpu_count()}
    log(f"work directory {work} (server logs, locust CSV)")
    sys.path.insert(0, str(ROOT / "bench"))
    from photos import phone_photo

    photo = work / "IMG_0001.JPG"
    photo.write_bytes(phone_photo())
    db_url = str(work / "data" / "propertydesk.sqlite3") if args.sqlite else database_url(DATABASE)
    try:
        if not args.sqlite:
            recreate(DATABASE)
        env = propertydesk_env(work / "data", sqlite=args.sqlite)
        manage = [str(PYTHON), str(ROOT / "manage.py")]
        log("migrate, install_schedules")
        run([*manage, "migrate", "-v0"], env=env)
        run([*manage, "install_schedules"], env=env)
        seeding, password, staff = seed(manage, env, args.complaints)
        run([*manage, "collectstatic", "--noinput", "-v0"], env=env)
        residents = resident_logins(manage, env)
        (complaints,) = counts(db_url, "SELECT count(*) FROM complaints_complaint")
        results.update(
            database="sqlite" if args.sqlite else "postgresql",
            seeding=seeding,
            complaints=complaints,
            residents=len(residents),
        )
        log(f"{seeding}: {complaints} complaints, {len(residents)} residents")
        filers, wave_filers = share_filers(residents, args)

        services.start("qcluster", [*manage, "qcluster"], env=env, cwd=ROOT)
        server = services.start(
            "gunicorn",
            gunicorn(
                PYTHON, "propertydesk.wsgi", PORT, args.workers, ROOT / "deploy/gunicorn.conf.py"
            ),
            env=env,
            cwd=ROOT,
        )
        host = f"http://127.0.0.1:{PORT}"
        wait_until_up(PORT, "/portal/login/", server)

        def driver_env(filers: list[str], **extra) -> dict:
            return {
                **os.environ,
                "LOAD_PASSWORD": password,
                "LOAD_STAFF": ",".join(staff),
                "LOAD_RESIDENTS": ",".join(residents),
                "LOAD_FILERS": ",".join(filers),
                "LOAD_PHOTO": str(photo),
                "LOAD_MAX_REQUESTS": str(args.max_requests),
                "LOAD_THINK": str(args.think),
                "LOAD_PROXY_HTTPS": "1",
                **extra,
            }

        plan = [(f"staff, {u} users", ["AdminStaff"], u) for u in args.users]
        plan += [(f"residents, {u} users", ["PortalResident"], u) for u in args.users]
        top = max(args.users)
        plan.append((f"mixed, {top} users", ["PortalResident", "AdminStaff"], top))
        for title, classes, users in plan:
            log(f"propertydesk {title} (load average {load_average()})")
            rows = locust(
                host,
                classes,
                users,
                args.run_time,
                driver_env(filers.get(title, [])),
                work / f"pd_{title.replace(' ', '_').replace(',', '')}",
            )
            results["runs"][f"propertydesk {title}"] = rows
            print_run(f"propertydesk {title}", rows)

        wave_filings = min(args.wave_filings, len(wave_filers) * FILINGS_PER_RESIDENT)
        title = f"propertydesk filing wave, {args.wave} residents at once, {wave_filings} filings"
        sql = (
            "SELECT (SELECT count(*) FROM complaints_complaint),"
            " (SELECT count(*) FROM complaints_photo)"
        )
        before = counts(db_url, sql)
        log(f"{title} (load average {load_average()})")
        rows = locust(
            host,
            ["FilingResident"],
            args.wave,
            max(args.run_time, 300),
            driver_env(wave_filers, LOAD_FILINGS=str(wave_filings)),
            work / "pd_filing_wave",
        )
        filed = rows.get(FILE_REQUEST, {"requests": 0, "failures": 0})
        after = counts(db_url, sql)
        files = sum(1 for _ in (work / "data" / "media").rglob("*.jpg"))
        wave = {
            "filed_ok": filed["requests"] - filed["failures"],
            "complaints_added": after[0] - before[0],
            "photos_added": after[1] - before[1],
            "photos_in_database": after[1],
            "photo_files_on_disk": files,
        }
        rows["Aggregated"]["wave"] = wave
        results["runs"][title] = rows
        print_run(title, rows)
        print(
            f"  answered 302 (filed): {wave['filed_ok']}; complaints added "
            f"{wave['complaints_added']}, photos added {wave['photos_added']}; "
            f"{after[1]} photos in the database, {files} files on disk (image + thumbnail each)"
        )
        services.stop_all()

        if not (args.no_helpdesk or args.sqlite):
            helpdesk(args, work, services, complaints, results)
    finally:
        services.stop_all()
        if not args.keep:
            if not args.sqlite:
                admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
                admin_sql(f"DROP DATABASE IF EXISTS {HELPDESK_DATABASE} WITH (FORCE)")
            shutil.rmtree(work / "data", ignore_errors=True)
    comparison(args, results)
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))


def helpdesk(args, work: Path, services: Services, tickets: int, results: dict) -> None:
    python = HELPDESK_VENV / "bin" / "python"
    if not python.exists():
        log("helpdesk: setup.sh")
        run([str(HELPDESK / "setup.sh")])
    version = run([str(PYTHON), "-c", "import gunicorn; print(gunicorn.__version__)"]).strip()
    run([str(python), "-m", "pip", "install", "-q", f"gunicorn=={version}"])
    recreate(HELPDESK_DATABASE)
    env = {**os.environ, "DATABASE_URL": database_url(HELPDESK_DATABASE)}
    manage = [str(python), str(HELPDESK / "manage.py")]
    log(f"helpdesk: migrate, seed_tickets {tickets}")
    run([*manage, "migrate", "-v0"], env=env)
    run([*manage, "seed_tickets", str(tickets), "--password", HELPDESK_PASSWORD], env=env)
    env["DJANGO_SETTINGS_MODULE"] = "anchor.settings"
    server = services.start(
        "helpdesk-gunicorn",
        gunicorn(python, "django.core.wsgi:get_wsgi_application()", HELPDESK_PORT, args.workers),
        env=env,
        cwd=HELPDESK,
    )
    host = f"http://127.0.0.1:{HELPDESK_PORT}"
    wait_until_up(HELPDESK_PORT, "/helpdesk/login/", server)
    driver = {
        **os.environ,
        "LOAD_PASSWORD": HELPDESK_PASSWORD,
        "LOAD_STAFF": ",".join(HELPDESK_STAFF),
        "LOAD_MAX_REQUESTS": str(args.max_requests),
        "LOAD_THINK": str(args.think),
    }
    for users in args.users:
        title = f"helpdesk staff, {users} users"
        log(f"{title} (load average {load_average()})")
        rows = locust(host, ["HelpdeskStaff"], users, args.run_time, driver, work / f"hd_{users}")
        results["runs"][title] = rows
        print_run(title, rows)
    services.stop_all()


def comparison(args, results: dict) -> None:
    """Staff runs, PropertyDesk beside helpdesk: list views per second (PropertyDesk's
    changelist and queues, each one page; helpdesk's ticket list, a page and its JSON),
    detail views per second, every request; p95 of the list page (changelist; ticket
    list JSON, the slower half of helpdesk's list), of the detail page, of all."""
    runs = results["runs"]
    rows = [
        ("list views", ["staff: complaint changelist", "staff: queue"], ["helpdesk: ticket list"]),
        ("list rows", ["staff: complaint changelist"], ["helpdesk: ticket list data (JSON)"]),
        ("detail views", ["staff: change page"], ["helpdesk: ticket view"]),
        ("all requests", ["Aggregated"], ["Aggregated"]),
    ]
    print(f"\nseeding: {results.get('seeding')}, {results.get('complaints')} complaints")
    print(f"{'staff':<14}{'users':>6}{'PropertyDesk/s':>16}{'p95 ms':>8}{'helpdesk/s':>12}"
          f"{'p95 ms':>8}{'ratio':>8}")  # fmt: skip
    for label, ours, theirs in rows:
        for users in args.users:
            a = runs.get(f"propertydesk staff, {users} users", {})
            b = runs.get(f"helpdesk staff, {users} users", {})
            if not all(name in a for name in ours):
                continue
            rps = sum(a[name]["rps"] for name in ours)
            cells = f"{rps:>16.1f}{a[ours[0]]['p95_ms']:>8.0f}"
            if all(name in b for name in theirs):
                theirs_rps = sum(b[name]["rps"] for name in theirs)
                ratio = f"{rps / theirs_rps:.2f}×" if theirs_rps else "-"
                cells += f"{theirs_rps:>12.1f}{b[theirs[0]]['p95_ms']:>8.0f}{ratio:>8}"
            print(f"{label:<14}{users:>6}{cells}")


if __name__ == "__main__":
    main()
