"""The demo's job cluster runs the real jobs at the past ticks of their schedules where
they have something to do."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints import clock
from complaints.demo.cluster import Cluster, tick_at_or_after
from complaints.models import Deadline, Notification
from complaints.services import complaint_accept, complaint_classify, complaint_create

pytestmark = pytest.mark.django_db

MINUTE, TEN_MINUTES = timedelta(minutes=1), timedelta(minutes=10)


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
