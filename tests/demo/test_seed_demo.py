"""`manage.py seed_demo` builds a demo with every state and every role, exactly once, told
at past moments through the services and the scheduled jobs."""

from collections import defaultdict
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints import sla, tasks
from complaints.demo.cluster import WATCHES
from complaints.models import (
    CLOSED_STATES,
    IN_PROGRESS_STATES,
    OWNERLESS_STATES,
    Breach,
    Complaint,
    Deadline,
    Notification,
    Photo,
    RepeatMember,
    State,
    Survey,
    Transition,
)
from complaints.repeats import repeat_members_rebuild
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
    )
    return {model._meta.label: model.objects.count() for model in models}


@pytest.fixture
def job_runs(monkeypatch) -> dict[str, list[datetime]]:
    """The moments each scheduled job was run at while the demo was seeded."""
    runs: dict[str, list[datetime]] = defaultdict(list)
    for name in WATCHES:
        job = getattr(tasks, name)

        def spy(*, now, _job=job, _name=name):
            runs[_name].append(now)
            return _job(now=now)

        monkeypatch.setattr(tasks, name, spy)
    return runs


def test_demo_covers_every_state_and_role_on_a_consistent_timeline():
    """Every lifecycle state has several complaints and every role group a member; each
    complaint's history starts with "create"; everything past `new` (but not withdrawn
    or merged) has an owner; the complaints span the last six weeks, each transition's
    column is the time of its history row, history never runs backwards and nothing is
    in the future; the logins are printed with the admin URL and work."""
    output = seed()
    now = timezone.now()

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
    assert now - timedelta(days=43) < min(created) < now - timedelta(days=28)
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
    assert "http://127.0.0.1:8000/admin/" in output
    assert authenticate(username="agent1", password="demo12345") is not None
    resident = authenticate(username="resident1", password="demo12345")
    assert resident is not None and not resident.is_staff
    system = get_user_model().objects.get(username="propertydesk-system")
    assert not system.has_usable_password()


def test_the_services_and_the_jobs_wrote_everything_at_past_moments(job_runs):
    """No history row was written outside a service: each names its transition and its
    actor. Breaches, escalations, warnings, survey invitations, auto-confirmations and
    deliveries come from the jobs, run at past ticks of their schedules: each breach was
    detected by a sweep (or by the service that met its deadline late), within a minute
    of the deadline or of the change that made it overdue; every notification was made
    at a step or a job run. The demo's overdue complaints carry those breaches, and the
    repeat problems need no rebuild."""
    seed()
    now = timezone.now()

    ran = {name: set(moments) for name, moments in job_runs.items()}
    assert ran.keys() == WATCHES.keys()
    assert all(moment < now for moments in ran.values() for moment in moments)
    minutes = {f.removeprefix("complaints.tasks."): m for _name, f, m in SCHEDULES}
    for name, moments in ran.items():
        every = minutes[name]  # on the ticks of its schedule
        assert all(m.second == m.microsecond == 0 and m.minute % every == 0 for m in moments)

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

    members = set(RepeatMember.objects.values_list("complaint_id", "since"))
    for prop in Property.objects.all():
        repeat_members_rebuild(property_id=prop.pk)
    assert set(RepeatMember.objects.values_list("complaint_id", "since")) == members


def test_second_run_creates_nothing_and_keeps_the_password():
    """`--password` sets every demo login's password; running the command again leaves
    every table as it was, says so, prints the logins (with the links for `--addr`)
    and changes no password."""
    seed("--password", "another-demo-pass")
    before = row_counts()
    assert authenticate(username="pm2", password="another-demo-pass") is not None

    output = seed("--addr", "0.0.0.0:8123")

    assert row_counts() == before
    assert "Demo data already present" in output
    assert "agent1" in output and "http://0.0.0.0:8123/admin/" in output
    assert "(unchanged)" in output
    assert authenticate(username="pm2", password="demo12345") is None
