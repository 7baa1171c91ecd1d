"""`manage.py seed_demo` builds a demo with every state and every role, exactly once, told
at past moments through the services and the scheduled jobs: a year of complaints, each
past month published by the monthly job, and the last weeks' work in every state.

The demo is seeded once for the module (`demo`); each test rolls back what it changes."""

import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints import sla, tasks
from complaints.demo.cluster import CALENDAR_JOBS, WATCHES
from complaints.demo.people import NEIGHBOURS, RESIDENTS
from complaints.demo.year import MONTHS
from complaints.models import (
    CLOSED_STATES,
    IN_PROGRESS_STATES,
    OWNERLESS_STATES,
    Breach,
    Complaint,
    Deadline,
    Level,
    MonthlySnapshot,
    Notification,
    Photo,
    RepeatMember,
    State,
    Survey,
    Transition,
)
from complaints.repeats import repeat_members_rebuild
from complaints.reports import month_add, month_bounds, month_of, report_for
from complaints.schedules import SCHEDULES
from staff.models import Role, StaffProfile, Team
from staff.selectors import system_user

pytestmark = pytest.mark.django_db

# The column each transition stamps, to compare with its history row.
STAMPED = {
    "create": "created_at",
    "accept": "accepted_at",
    "classify": "classified_at",
    "dispatch": "dispatched_at",
    "handle": "handled_at",
    "close": "closed_at",
    "revisit": "revisited_at",
    "reopen": "reopened_at",
    "withdraw": "withdrawn_at",
    "merge": "merged_at",
    "on_site": "on_site_at",
}
KINDS = (MonthlySnapshot.Kind.RED_BLACK, MonthlySnapshot.Kind.ANALYSIS)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (
        Property,
        Building,
        Unit,
        Team,
        StaffProfile,
        Resident,
        Residency,
        get_user_model(),
        Complaint,
        Complaint.history.model,
        Photo,
        Notification,
        Survey,
        RepeatMember,
        Breach,
        MonthlySnapshot,
    )
    return {model._meta.label: model.objects.count() for model in models}


@dataclass(frozen=True)
class Seeded:
    output: str
    runs: dict[str, set[datetime]]  # the moments each scheduled job was run at
    now: datetime  # when seeding ended
    seconds: float


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, pytestconfig, tmp_path_factory) -> Iterator[Seeded]:
    """The demo as `make demo` seeds it (default password), once for the module's tests
    and rolled back after them, with the moments each job ran at. The seeding time is
    printed, not asserted."""
    runs: dict[str, list[datetime]] = defaultdict(list)
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        with pytest.MonkeyPatch.context() as patch:
            for name in (*WATCHES, *CALENDAR_JOBS):
                job = getattr(tasks, name)

                def spy(*, now, _job=job, _name=name):
                    runs[_name].append(now)
                    return _job(now=now)

                patch.setattr(tasks, name, spy)
            started = time.monotonic()
            output = seed()
            seconds = time.monotonic() - started
        capture = pytestconfig.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\nseed_demo: {Complaint.objects.count()} complaints in {seconds:.1f} s")
        yield Seeded(
            output=output,
            runs={name: set(moments) for name, moments in runs.items()},
            now=timezone.now(),
            seconds=seconds,
        )
        transaction.set_rollback(True)


def year_months(now: datetime) -> list[date]:
    """The MONTHS calendar months before the one `now` falls in, oldest first."""
    return [month_add(month_of(now), -back) for back in range(MONTHS, 0, -1)]


def publishing_tick(month: date) -> datetime:
    """When the monthly job publishes `month`: 01:00 on the 1st after it (local)."""
    return month_bounds(month)[1] + timedelta(hours=1)


def test_demo_covers_every_state_and_role_on_a_consistent_timeline(demo):
    """Every lifecycle state has several complaints and every role group a member; each
    complaint's history starts with "create"; everything past `new` (but not withdrawn
    or merged) has an owner; the complaints span the twelve months before this one and
    this one so far, the open ones all filed in the last two weeks; each transition's
    column is the time of its history row, history never runs backwards and nothing is
    in the future; repairs (but emergencies) and call-backs are done in the day; the
    logins are printed with the admin URL and work."""
    output, now = demo.output, demo.now

    per_state = dict(Complaint.objects.values_list("state").annotate(n=Count("pk")).order_by())
    assert {state: per_state.get(state, 0) >= 2 for state in State.values} == dict.fromkeys(
        State.values, True
    )
    for role in Role.values:
        assert Group.objects.get(name=role).user_set.exists(), role
    assert Property.objects.values("kind").distinct().count() == 2
    assert not Complaint.objects.exclude(state__in=OWNERLESS_STATES).filter(owner=None).exists()
    assert not Complaint.objects.filter(state=State.MERGED, merged_into=None).exists()

    created = list(Complaint.objects.values_list("created_at", flat=True))
    assert month_of(min(created)) == year_months(now)[0]
    assert max(created) < now
    open_filed = Complaint.objects.filter(state__in=IN_PROGRESS_STATES).values_list(
        "created_at", flat=True
    )
    assert open_filed and min(open_filed) > now - timedelta(days=14)
    for complaint in Complaint.objects.all():
        rows = list(complaint.history.order_by("history_id"))
        assert rows[0].transition == Transition.CREATE, complaint.reference
        dates = [row.history_date for row in rows]
        assert dates == sorted(dates), complaint.reference
        assert dates[-1] <= now
        assert rows[-1].state == complaint.state
        dispatched_cycles: set[int] = set()
        for row in rows:
            column = STAMPED.get(row.transition)
            if row.transition == Transition.DISPATCH:
                if row.reopen_count in dispatched_cycles:
                    continue  # sent on to another team: the cycle's first dispatch time stays
                dispatched_cycles.add(row.reopen_count)
            if column:
                assert getattr(row, column) == row.history_date, (complaint.reference, column)
        for column in STAMPED.values():
            assert (getattr(complaint, column) or now) <= now
    day_work = Complaint.history.filter(transition__in=[Transition.HANDLE, Transition.REVISIT])
    for row in day_work.exclude(transition=Transition.HANDLE, level=Level.I):
        assert 8 <= timezone.localtime(row.history_date).hour < 20, (row.id, row.transition)
    for photo in Photo.objects.select_related("complaint"):
        assert photo.complaint.created_at <= photo.created_at <= now
    for notification in Notification.objects.all():
        assert notification.created_at <= (notification.delivered_at or now) <= now
        assert notification.created_at < (notification.read_at or now) <= now
    # the repeat problems of the demo's filing times, for the reports
    assert RepeatMember.objects.count() >= 3
    late = Breach.objects.filter(complaint__state__in=CLOSED_STATES)
    assert late.filter(deadline=Deadline.RESOLVE).count() >= 3
    assert Breach.objects.filter(complaint__state=State.CLASSIFIED).exists()
    assert Breach.objects.filter(escalated_to_manager_at__isnull=False).exists()
    assert Notification.objects.filter(kind="sla_escalation").exists()
    assert Notification.objects.filter(kind="sla_warning").exists()
    assert Survey.objects.filter(submitted_at__isnull=False).count() >= 5
    assert Complaint.objects.filter(reopen_count__gt=0).count() >= 4

    for username in ("agent1", "agent2", "handler1", "handler2", "leader1", "pm1", "pm2"):
        assert username in output
    assert "supervisor" in output and "resident1" in output and "demo12345" in output
    assert NEIGHBOURS[0].username in output and NEIGHBOURS[-1].username in output
    assert "http://127.0.0.1:8000/admin/" in output
    assert f"of {MONTHS} months" in output
    assert authenticate(username="agent1", password="demo12345") is not None
    resident = authenticate(username="resident1", password="demo12345")
    assert resident is not None and not resident.is_staff
    neighbour = authenticate(username=NEIGHBOURS[-1].username, password="demo12345")
    assert neighbour is not None and neighbour.resident.units.exists()
    system = get_user_model().objects.get(username="propertydesk-system")
    assert not system.has_usable_password()


def test_the_services_and_the_jobs_wrote_everything_at_past_moments(demo):
    """No history row was written outside a service: each names its transition and its
    actor. Breaches, escalations, warnings, survey invitations, auto-confirmations,
    deliveries and the published months come from the jobs, run at past ticks of their
    schedules: each breach was detected by a sweep (or by the service that met its
    deadline late), within a minute of the deadline or of the change that made it
    overdue; every notification was made at a step or a job run. The demo's overdue
    complaints carry those breaches, and the repeat problems need no rebuild."""
    now = demo.now
    ran = demo.runs
    assert ran.keys() == {*WATCHES, *CALENDAR_JOBS}
    assert all(moment < now for moments in ran.values() for moment in moments)
    schedules = {f.removeprefix("complaints.tasks."): every for _name, f, every in SCHEDULES}
    for name in WATCHES:
        every = schedules[name]  # on the ticks of its schedule
        assert all(m.second == m.microsecond == 0 and m.minute % every == 0 for m in ran[name])
    assert schedules["monthly_snapshot"] == "0 1 1 * *"
    assert ran["monthly_snapshot"] == {
        publishing_tick(month) for month in year_months(now) if publishing_tick(month) < now
    }

    history = Complaint.history.model.objects
    assert not history.filter(transition="").exists()
    assert not history.filter(history_user__isnull=True).exists()
    stepped: dict[int, list[datetime]] = defaultdict(list)
    for complaint_id, moment in history.order_by("history_date").values_list("id", "history_date"):
        stepped[complaint_id].append(moment)
    all_steps = {moment for moments in stepped.values() for moment in moments}

    breaches = list(Breach.objects.all())
    assert breaches
    for breach in breaches:
        steps = stepped[breach.complaint_id]
        assert breach.detected_at in ran["sla_sweep"] or breach.detected_at in steps
        changed = max(moment for moment in steps if moment <= breach.detected_at)
        assert breach.due_at <= breach.detected_at
        assert breach.detected_at - max(breach.due_at, changed) <= timedelta(minutes=1)
        if breach.escalated_to_manager_at:
            assert breach.escalated_to_manager_at in ran["sla_sweep"]
    assert Breach.objects.filter(detected_at__in=ran["sla_sweep"]).count() >= 10

    last_sweep = max(ran["sla_sweep"])
    overdue = 0
    for complaint in Complaint.objects.filter(state__in=IN_PROGRESS_STATES):
        for times in sla.open_deadlines(complaint):
            if times.due_at <= last_sweep:
                overdue += 1
                breach = complaint.breaches.get(
                    deadline=times.deadline, cycle=complaint.reopen_count
                )
                assert breach.detected_at < now
    assert overdue >= 3

    job_moments = set().union(*ran.values())
    for kind, created_at, delivered_at in Notification.objects.values_list(
        "kind", "created_at", "delivered_at"
    ):
        assert created_at in job_moments or created_at in all_steps, kind
        if delivered_at is not None:
            assert delivered_at in ran["notifications_deliver_task"]
    assert Notification.objects.filter(delivered_at__isnull=False).count() >= 100
    assert Notification.objects.filter(read_at__isnull=False).exists()
    assert Notification.objects.filter(read_at__isnull=True).exists()
    for sent_at in Survey.objects.values_list("sent_at", flat=True):
        assert sent_at in ran["survey_dispatch"]
    auto_closed = history.filter(transition=Transition.CLOSE, history_user=system_user())
    assert auto_closed.exists()
    assert set(auto_closed.values_list("history_date", flat=True)) <= ran["auto_confirm"]
    for photo in Photo.objects.all():
        assert photo.created_at in stepped[photo.complaint_id]
    published = set(MonthlySnapshot.objects.values_list("published_at", flat=True))
    assert published and published <= ran["monthly_snapshot"]

    members = set(RepeatMember.objects.values_list("complaint_id", "since"))
    for prop in Property.objects.all():
        repeat_members_rebuild(property_id=prop.pk)
    assert set(RepeatMember.objects.values_list("complaint_id", "since")) == members


def test_second_run_creates_nothing_and_keeps_the_password(demo):
    """Running the command again leaves every table as it was, says so, prints the
    logins (with the links for `--addr`) and changes no password, not even to the one
    given."""
    before = row_counts()

    output = seed("--password", "another-demo-pass", "--addr", "0.0.0.0:8123")

    assert row_counts() == before
    assert "Demo data already present" in output
    assert "agent1" in output and "http://0.0.0.0:8123/admin/" in output
    assert "(unchanged)" in output
    assert authenticate(username="pm2", password="another-demo-pass") is None
    assert authenticate(username="pm2", password="demo12345") is not None


# --- The year ------------------------------------------------------------------------


def test_every_month_of_the_year_has_complaints_of_both_properties(demo):
    """Each of the twelve months before this one has complaints filed at both
    properties, of several kinds, by named residents and neighbours; leaks come with
    the summer rains, not in the winter."""
    months = year_months(demo.now)
    filed: dict[date, Counter] = defaultdict(Counter)
    kinds: dict[date, set[str]] = defaultdict(set)
    leaks: Counter = Counter()
    rows = Complaint.objects.values_list(
        "created_at", "property__name", "category__code", "resident__user__username"
    )
    named = {spec.username for spec in RESIDENTS}
    filers: dict[str, set[date]] = defaultdict(set)
    for created_at, prop, category, username in rows:
        month = month_of(created_at)
        filed[month][prop] += 1
        kinds[month].add(category)
        if category == "leak":
            leaks[month.month] += 1
        if username:
            filers["named" if username in named else "neighbour"].add(month)

    for month in months:
        assert len(filed[month]) == 2, month
        assert min(filed[month].values()) >= 3, (month, filed[month])
        assert sum(filed[month].values()) >= 9, (month, filed[month])
        assert len(kinds[month]) >= 5, month
    assert sum(leaks[m] for m in (6, 7, 8)) > sum(leaks[m] for m in (12, 1, 2)) + 2
    assert len(filers["named"] & set(months)) >= MONTHS // 2
    assert filers["neighbour"] >= set(months)


def test_each_past_month_is_published_by_the_monthly_job(demo):
    """Both reports of both properties are published for every month of the year whose
    1st 01:00 has passed (last month included once this month's has), at that moment,
    and for no other month; a supervisor opening last month's red/black list sees the
    final, published report."""
    months = [m for m in year_months(demo.now) if publishing_tick(m) < demo.now]
    assert len(months) >= MONTHS - 1
    snapshots = list(MonthlySnapshot.objects.all())
    assert {(s.month, s.kind, s.property_id) for s in snapshots} == {
        (month, kind.value, prop)
        for month in months
        for kind in KINDS
        for prop in Property.objects.values_list("pk", flat=True)
    }
    for snapshot in snapshots:
        assert snapshot.published_at == publishing_tick(snapshot.month)
        assert snapshot.data["month"] == f"{snapshot.month:%Y-%m}"
    last_month = month_add(month_of(demo.now), -1)
    if publishing_tick(last_month) < demo.now:
        assert last_month in months

    latest = months[-1]
    prop = Property.objects.get(name="翠湖花园")
    data, snapshot = report_for(kind=KINDS[0], property_id=prop.pk, month=latest)
    assert snapshot is not None and data == snapshot.data
    client = Client()
    client.force_login(get_user_model().objects.get(username="supervisor"))
    page = client.get(
        "/en/admin/complaints/monthlysnapshot/red-black/",
        {"month": f"{latest:%Y-%m}", "property": prop.pk},
    )
    assert page.status_code == 200
    assert 'class="pd-report-status pd-final"' in page.text
    listed = client.get("/en/admin/complaints/monthlysnapshot/")
    assert listed.status_code == 200 and f"{months[0]:%Y-%m}" in listed.text


def test_the_red_black_list_changes_from_month_to_month(demo):
    """In each property's published red/black lists the teams at the top and at the
    bottom change over the year, more than one team is on the black list at some time,
    and a late complaint is counted in several months."""
    for prop in Property.objects.all():
        lists = [
            s.data
            for s in MonthlySnapshot.objects.filter(
                property=prop, kind=MonthlySnapshot.Kind.RED_BLACK
            ).order_by("month")
        ]
        marks = []
        for data in lists:
            ranked = [team for team in data["teams"] if team["rank"] is not None]
            assert ranked, (prop.name, data["month"])
            marks.append(
                (
                    frozenset(t["name"] for t in ranked if t["mark"] == "red"),
                    frozenset(t["name"] for t in ranked if t["mark"] == "black"),
                )
            )
        tops = {data["teams"][0]["name"] for data in lists}
        blacks = set().union(*(black for _red, black in marks))
        assert len(set(marks)) >= 6, (prop.name, marks)
        assert len(tops) >= 2, (prop.name, tops)
        assert len(blacks) >= 2, (prop.name, blacks)
        late = [data for data in lists if data["summary"]["on_time_rate"] < 1]
        assert len(late) >= len(lists) // 4, prop.name


def test_satisfaction_varies_across_the_year(demo):
    """The satisfaction trend of each property's latest published analysis covers the
    twelve months, the months before it as published, and residents' ratings in nearly
    every month, rising and falling by several points."""
    for prop in Property.objects.all():
        analysis = (
            MonthlySnapshot.objects.filter(property=prop, kind=MonthlySnapshot.Kind.ANALYSIS)
            .order_by("-month")
            .first()
        )
        trend = analysis.data["trend"]
        assert [item["month"] for item in trend] == [
            f"{month_add(analysis.month, back):%Y-%m}" for back in range(1 - MONTHS, 1)
        ]
        year = {f"{m:%Y-%m}" for m in year_months(demo.now)}
        assert all(item["published"] for item in trend[:-1] if item["month"] in year)
        means = [item["mean_satisfaction"] for item in trend if item["surveys"]]
        assert len(means) >= MONTHS - 2, (prop.name, trend)
        assert max(means) - min(means) >= 5, (prop.name, means)
