"""The demo's job cluster runs the real jobs at the past ticks of their schedules: the
every-minute ones where they have something to do, the monthly one on each 1st."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import clock, tasks
from complaints.demo.cluster import Cluster, tick_at_or_after
from complaints.models import Deadline, MonthlySnapshot, Notification
from complaints.services import complaint_accept, complaint_classify, complaint_create

pytestmark = pytest.mark.django_db

MINUTE, TEN_MINUTES = timedelta(minutes=1), timedelta(minutes=10)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_tick_is_the_first_whole_period_at_or_after_a_moment():
    """Ticks fall on whole minutes (or ten minutes); a moment on a tick is its own tick
    unless a tick strictly after it is asked for."""
    moment = datetime(2025, 3, 10, 9, 31, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert tick_at_or_after(moment, MINUTE) == moment.replace(minute=32, second=0)
    assert tick_at_or_after(moment, TEN_MINUTES) == moment.replace(minute=40, second=0)
    on_tick = moment.replace(minute=40, second=0)
    assert tick_at_or_after(on_tick, TEN_MINUTES) == on_tick
    assert tick_at_or_after(on_tick, TEN_MINUTES, strictly=True) == on_tick + TEN_MINUTES


def test_the_sweep_runs_at_the_ticks_where_a_deadline_is_warned_breached_or_escalated(
    now, resident, unit, agent, category
):
    """A complaint classified three days ago and left alone: the cluster sweeps it at the
    first minute after each deadline's warning, breach and escalation, and the delivery
    job sends what the sweep said at the same tick; nothing runs after `until`, and no
    tick is spent on the hours in between."""
    filed = now - timedelta(days=3, seconds=30)
    with clock.at(filed):
        complaint = complaint_create(actor=resident.user, description="No water", unit=unit)
    with clock.at(filed + timedelta(minutes=5)):
        complaint_accept(complaint_id=complaint.pk, actor=agent)
        complaint_classify(complaint_id=complaint.pk, actor=agent, category=category, level=2)
    complaint.refresh_from_db()

    cluster = Cluster(since=filed + timedelta(minutes=5))
    ticks = []
    while (tick := cluster.run_next(until=now)) is not None:
        ticks.append(tick)

    assert ticks == sorted(ticks) and ticks[-1] <= now
    assert len(ticks) <= 12
    breaches = {breach.deadline: breach for breach in complaint.breaches.all()}
    assert breaches.keys() == {Deadline.FIRST_RESPONSE, Deadline.RESOLVE}
    for deadline, due in (
        (Deadline.FIRST_RESPONSE, complaint.first_response_due),
        (Deadline.RESOLVE, complaint.resolve_due),
    ):
        window = due - complaint.sla_started_at
        assert breaches[deadline].detected_at == tick_at_or_after(due, MINUTE)
        assert breaches[deadline].escalated_to_manager_at == tick_at_or_after(due + window, MINUTE)
    notifications = Notification.objects.filter(complaint=complaint)
    assert notifications.filter(kind="sla_warning").count() == 2
    for created_at, delivered_at in notifications.values_list("created_at", "delivered_at"):
        assert delivered_at == tick_at_or_after(created_at, MINUTE)


def test_the_monthly_job_publishes_each_month_at_one_on_the_first(monkeypatch, resident, unit):
    """From a complaint filed on 10 February the cluster runs the monthly job at 01:00 on
    1 March and 1 April (local time) and at no other tick; each run publishes the month
    before it, at that moment, for the property."""
    filed = datetime(2025, 2, 10, 9, 0, tzinfo=SHANGHAI)
    with clock.at(filed):
        complaint_create(actor=resident.user, description="No water", unit=unit)
    runs = []
    job = tasks.monthly_snapshot
    monkeypatch.setattr(tasks, "monthly_snapshot", lambda *, now: runs.append(now) or job(now=now))

    cluster = Cluster(since=filed)
    while cluster.run_next(until=datetime(2025, 4, 1, 0, 59, tzinfo=SHANGHAI)) is not None:
        pass
    assert runs == [datetime(2025, 3, 1, 1, 0, tzinfo=SHANGHAI)]
    while cluster.run_next(until=datetime(2025, 4, 20, tzinfo=SHANGHAI)) is not None:
        pass

    assert runs == [
        datetime(2025, 3, 1, 1, 0, tzinfo=SHANGHAI),
        datetime(2025, 4, 1, 1, 0, tzinfo=SHANGHAI),
    ]
    published = MonthlySnapshot.objects.filter(property=unit.building.property)
    assert sorted(set(published.values_list("month", "published_at"))) == [
        (date(2025, 2, 1), runs[0]),
        (date(2025, 3, 1), runs[1]),
    ]
    assert published.count() == 4  # the red/black list and the analysis of each
