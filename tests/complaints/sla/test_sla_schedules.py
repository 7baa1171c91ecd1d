"""Schedules are declared in code, installed idempotently by `install_schedules`, and
run by django-q2's scheduler (synchronously under the test settings)."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule, Task
from django_q.scheduler import scheduler

from complaints.models import Breach, Level
from complaints.schedules import SCHEDULES

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


def _install() -> str:
    out = StringIO()
    call_command("install_schedules", stdout=out)
    return out.getvalue()


def _rows() -> dict[str, tuple]:
    return {
        row.name: (row.func, row.schedule_type, row.minutes, row.cron, row.repeats, row.next_run)
        for row in Schedule.objects.all()
    }


def test_install_creates_one_schedule_per_job(travel):
    """One Schedule row per declared job, repeating forever; the SLA sweep, ownership
    guard and delivery run every minute; every function named exists."""
    travel(T0)
    output = _install()

    rows = {row.name: row for row in Schedule.objects.all()}
    assert set(rows) == {name for name, _func, _every in SCHEDULES}
    assert Schedule.objects.count() == len(SCHEDULES)
    assert all(f"scheduled: {name}" in output for name in rows)
    for name in ("SLA sweep", "Ownership guard", "Deliver notifications"):
        assert (rows[name].schedule_type, rows[name].minutes) == (Schedule.MINUTES, 1)
    assert rows["SLA sweep"].func == "complaints.tasks.sla_sweep"
    assert all(row.repeats == -1 for row in rows.values())
    for row in rows.values():
        assert callable(import_string(row.func)), row.func


def test_monthly_red_black_list_runs_on_the_first_at_one(travel):
    """The monthly red/black snapshot is scheduled by cron on the 1st at 01:00, first
    on the next 1st of the month."""
    travel(T0)
    _install()

    monthly = Schedule.objects.get(name="Monthly red/black list and analysis")
    assert (monthly.schedule_type, monthly.cron) == (Schedule.CRON, "0 1 1 * *")
    assert monthly.next_run == datetime(2025, 4, 1, 1, 0, tzinfo=SHANGHAI)


def test_photo_files_of_failed_requests_are_swept_daily_at_half_past_three(travel):
    travel(T0)
    _install()

    daily = Schedule.objects.get(name="Photo files of failed requests")
    assert (daily.schedule_type, daily.cron) == (Schedule.CRON, "30 3 * * *")
    assert daily.func == "complaints.photos.photo_orphans_delete"
    assert daily.next_run == datetime(2025, 3, 11, 3, 30, tzinfo=SHANGHAI)


def test_install_twice_keeps_rows_and_next_runs(travel):
    """Installing again an hour later (a redeploy) creates no duplicates and leaves every
    schedule's next_run as it was; a schedule edited by hand is put back by name."""
    travel(T0)
    _install()
    before = _rows()
    Schedule.objects.filter(name="SLA sweep").update(minutes=5, func="complaints.tasks.nothing")

    travel(T0 + timedelta(hours=1))
    _install()

    assert Schedule.objects.count() == len(SCHEDULES)
    assert _rows() == before


def test_scheduler_runs_a_due_schedule(travel, file_complaint, service_leader):
    """With the schedules installed and a minute passed, one scheduler pass runs the SLA
    sweep (sync mode): the overdue complaint gets its breach, the task is recorded as a
    success and the schedule's next run moves into the future."""
    complaint = file_complaint(T0 - timedelta(hours=3), level=Level.II)
    travel(T0)
    _install()

    now = travel(T0 + timedelta(minutes=1))
    scheduler()

    assert list(Breach.objects.values_list("complaint_id", "deadline")) == [
        (complaint.pk, "first_response")
    ]
    sweep = Schedule.objects.get(name="SLA sweep")
    assert sweep.next_run > now
    task = Task.objects.get(id=sweep.task)
    assert task.success, task.result
    assert task.func == "complaints.tasks.sla_sweep"
