"""The domain clock: a story told at past moments through the real services is dated by
those moments, in the complaint, its history and what the jobs derive from it."""

from datetime import timedelta

import pytest

from complaints import clock
from complaints.models import State, Transition
from complaints.services import complaint_accept, complaint_classify, complaint_create
from complaints.tasks import sla_sweep

pytestmark = pytest.mark.django_db


def test_a_complaint_filed_and_accepted_in_the_past_carries_those_moments(
    now, resident, unit, agent
):
    filed = now - timedelta(days=3)
    with clock.at(filed):
        complaint = complaint_create(actor=resident.user, description="Tap drips", unit=unit)
    with clock.at(filed + timedelta(minutes=20)):
        complaint_accept(complaint_id=complaint.pk, actor=agent)

    complaint.refresh_from_db()
    assert complaint.created_at == filed
    assert complaint.accepted_at == filed + timedelta(minutes=20)
    assert complaint.photos.count() == 0
    rows = list(complaint.history.order_by("history_id").values_list("transition", "history_date"))
    assert rows == [
        (Transition.CREATE, filed),
        (Transition.ACCEPT, filed + timedelta(minutes=20)),
    ]
    assert complaint.state == State.ACCEPTED


def test_outside_a_block_the_clock_is_the_real_time_again(now):
    with clock.at(now - timedelta(days=1)):
        assert clock.now() == now - timedelta(days=1)
    assert clock.now() == now
    assert not clock.is_set()


def test_the_clock_refuses_a_naive_moment():
    with pytest.raises(ValueError), clock.at(clock.now().replace(tzinfo=None)):
        pass


def test_the_sweep_run_at_a_past_moment_breaches_what_was_due_then(
    now, resident, unit, agent, category
):
    filed = now - timedelta(days=30)
    with clock.at(filed):
        complaint = complaint_create(actor=resident.user, description="No water", unit=unit)
    with clock.at(filed + timedelta(minutes=5)):
        complaint_accept(complaint_id=complaint.pk, actor=agent)
        complaint_classify(complaint_id=complaint.pk, actor=agent, category=category, level=2)
    swept = filed + timedelta(days=20)
    sla_sweep(now=swept)

    breaches = list(complaint.breaches.all())
    assert breaches
    assert {breach.detected_at for breach in breaches} == {swept}
    assert all(filed < breach.due_at < swept for breach in breaches)
