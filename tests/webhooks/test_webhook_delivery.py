"""Complaint events reach a property's webhooks as signed POSTs, after the change commits,
and are retried with backoff until answered with a 2xx or given up (SPEC §6)."""

import json
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import ComplaintFactory

from buildings.models import mask_phone
from complaints import services
from complaints.models import Breach, State, WebhookAttempt, WebhookDelivery, WebhookEvent
from complaints.sla.sweep import sla_sweep
from complaints.webhooks import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    breaches_announce,
    deliveries_queue_due,
    delivery_attempt,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def filed(travel, resident):
    travel(T0)
    return ComplaintFactory(resident=resident, description="Water leaking under the sink")


@pytest.fixture
def job(django_capture_on_commit_callbacks):
    """Run the every-minute job as the cluster would: its transaction commits, then the
    tasks it queued run (synchronously under the test settings)."""

    def _run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries_queue_due()

    return _run


def accept(complaint, agent, capture):
    with capture(execute=True):
        services.complaint_accept(complaint_id=complaint.pk, actor=agent)


def test_accepting_delivers_one_signed_request(
    filed, agent, resident, make_hook, receiver, django_capture_on_commit_callbacks
):
    """Accepting a complaint sends one POST, signed with the hook's secret, naming the
    event and the delivery, with the complaint's reference, state and place, the contact
    phone masked and no resident name or full phone anywhere."""
    hook = make_hook([WebhookEvent.ACCEPTED])

    accept(filed, agent, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert request.signature_valid
    assert request.path == "/erp"
    assert request.event == "accepted"
    assert request.delivery == str(delivery.pk)
    assert request.timestamp == str(int(T0.timestamp()))
    payload = request.payload
    assert payload["id"] == str(delivery.pk)
    assert payload["event"] == "accepted"
    assert payload["occurred_at"] == "2025-03-10T09:30:00+08:00"
    complaint = payload["complaint"]
    assert complaint["reference"] == filed.reference
    assert complaint["state"] == State.ACCEPTED
    assert complaint["property"] == "Lakeside Garden"
    assert complaint["building"] == "Building 3"
    assert "1201" in complaint["location"]
    phone = resident.phone
    assert complaint["contact_phone"] == f"{phone[:3]}****{phone[-4:]}"
    body = request.body.decode()
    assert phone not in body
    assert resident.name not in body
    assert "Water leaking" not in body
    assert (delivery.webhook, delivery.status, delivery.attempts) == (
        hook,
        WebhookDelivery.Status.DELIVERED,
        1,
    )
    [attempt] = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")


def test_a_receiver_that_keeps_failing_is_retried_then_given_up(
    filed, agent, make_hook, receiver, travel, django_capture_on_commit_callbacks, job
):
    """A receiver answering 500 gets the same delivery again 1 min, 5 min, 30 min, 2 h and
    6 h after each failure, nothing in between; after the sixth attempt the delivery is
    failed and the job sends it no more. Each attempt is logged with its status."""
    make_hook([WebhookEvent.ACCEPTED])
    receiver.statuses = [500]

    accept(filed, agent, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    moment = T0
    for number, delay in enumerate(RETRY_DELAYS, start=1):
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, number)
        assert delivery.next_attempt_at == moment + delay
        travel(moment + delay - timedelta(seconds=1))
        assert job() == 0
        moment = travel(moment + delay)
        assert job() == 1
        assert len(receiver.requests) == number + 1

    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == MAX_ATTEMPTS == 6
    assert delivery.next_attempt_at is None
    assert (delivery.last_status_code, delivery.last_error) == (
        500,
        "HTTP 500 Internal Server Error",
    )
    attempts = list(delivery.attempt_log.values_list("number", "status_code"))
    assert attempts == [(n, 500) for n in range(1, 7)]
    assert {r.delivery for r in receiver.requests} == {str(delivery.pk)}
    assert len({r.body for r in receiver.requests}) == 1
    assert all(r.signature_valid for r in receiver.requests)

    travel(moment + timedelta(days=2))
    assert job() == 0
    assert len(receiver.requests) == 6


def test_a_receiver_that_recovers_gets_it_on_a_retry(
    filed, agent, make_hook, receiver, travel, django_capture_on_commit_callbacks, job
):
    """500, then 503, then 204: delivered on the third attempt (1 min and 5 min after
    the failures), and never sent again."""
    make_hook([WebhookEvent.ACCEPTED])
    receiver.statuses = [500, 503, 204]

    accept(filed, agent, django_capture_on_commit_callbacks)
    travel(T0 + timedelta(minutes=1))
    job()
    travel(T0 + timedelta(minutes=6))
    job()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.delivered_at == T0 + timedelta(minutes=6)
    assert list(delivery.attempt_log.values_list("status_code", flat=True)) == [500, 503, 204]
    travel(T0 + timedelta(days=1))
    assert job() == 0
    assert [r.delivery for r in receiver.requests] == [str(delivery.pk)] * 3


def test_an_unreachable_receiver_is_logged_and_retried(
    filed, agent, make_hook, receiver, django_capture_on_commit_callbacks
):
    """Nothing listening: the attempt is logged with the connection error and no status,
    and the delivery waits for its retry."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    hook = make_hook([WebhookEvent.ACCEPTED])
    hook.url = f"http://127.0.0.1:{closed_port}/erp"
    hook.save()

    accept(filed, agent, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    [attempt] = delivery.attempt_log.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("ConnectionError")
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1)


def test_nothing_is_sent_when_the_transaction_rolls_back(
    filed, agent, make_hook, receiver, travel, django_capture_on_commit_callbacks, job
):
    """A change that is rolled back leaves no delivery and sends nothing, now or later."""
    from django.db import transaction

    make_hook(WebhookEvent.values)

    class Abort(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abort),
        transaction.atomic(),
    ):
        services.complaint_accept(complaint_id=filed.pk, actor=agent)
        assert WebhookDelivery.objects.count() == 1
        raise Abort

    assert callbacks == []
    assert not WebhookDelivery.objects.exists()
    travel(T0 + timedelta(hours=1))
    assert job() == 0
    assert receiver.requests == []


def test_the_hook_of_another_property_gets_nothing(
    filed, agent, other_prop, make_hook, receiver, django_capture_on_commit_callbacks
):
    """Only the webhooks of the complaint's property hear of it."""
    make_hook(WebhookEvent.values, properties=[other_prop], path="/other")
    make_hook([WebhookEvent.ACCEPTED], path="/erp")

    accept(filed, agent, django_capture_on_commit_callbacks)

    assert [(r.path, r.event) for r in receiver.requests] == [("/erp", "accepted")]
    assert WebhookDelivery.objects.count() == 1


def test_events_not_asked_for_are_not_sent(
    resident, agent, handler, engineering, category, make_hook, receiver, travel,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """A hook that asks for dispatches hears of nothing else: not the filing, the
    acceptance, the classification or the handling; an inactive hook hears nothing."""
    travel(T0)
    make_hook([WebhookEvent.DISPATCHED], path="/erp")
    inactive = make_hook(WebhookEvent.values, path="/inactive")
    inactive.is_active = False
    inactive.save()

    with django_capture_on_commit_callbacks(execute=True):
        complaint = ComplaintFactory(resident=resident)
        services.complaint_accept(complaint_id=complaint.pk, actor=agent)
        services.complaint_classify(complaint_id=complaint.pk, actor=agent, category=category)
        services.complaint_dispatch(
            complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler
        )
        services.complaint_handle(complaint_id=complaint.pk, actor=handler, note="Fixed.")

    assert [(r.path, r.event) for r in receiver.requests] == [("/erp", "dispatched")]
    assert receiver.requests[0].payload["complaint"]["state"] == State.DISPATCHED


def test_a_breach_the_sweep_records_is_sent_once(
    travel, walk, make_hook, receiver, django_capture_on_commit_callbacks
):
    """The sweep's breach of the first-response deadline of a classified complaint goes
    out once, with the deadline; a second sweep and a second announcement of the same
    breach add nothing."""
    travel(T0)
    make_hook([WebhookEvent.BREACHED])
    complaint = walk(State.CLASSIFIED)
    due = complaint.first_response_due

    travel(due + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep()
        sla_sweep()
        breaches_announce(Breach.objects.select_related("complaint"))

    [request] = receiver.requests
    assert request.signature_valid
    assert request.event == "breached"
    breach = request.payload["breach"]
    assert breach == {
        "deadline": "first_response",
        "cycle": 0,
        "due_at": due.astimezone(SHANGHAI).isoformat(),
    }
    assert request.payload["complaint"]["state"] == State.CLASSIFIED
    assert request.payload["complaint"]["level"] == 2
    assert (
        request.payload["occurred_at"]
        == (due + timedelta(minutes=1)).astimezone(SHANGHAI).isoformat()
    )
    assert WebhookDelivery.objects.count() == 1


def test_a_deadline_met_late_sends_the_step_then_the_breach(
    travel, walk, agent, engineering, handler, make_hook, receiver,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Dispatched after the first-response window without a sweep in between: the
    dispatch and the breach it recorded both go out, in that order."""
    travel(T0)
    make_hook([WebhookEvent.DISPATCHED, WebhookEvent.BREACHED])
    complaint = walk(State.CLASSIFIED)
    travel(complaint.first_response_due + timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_dispatch(
            complaint_id=complaint.pk, actor=agent, team=engineering, assignee=handler
        )

    assert [r.event for r in receiver.requests] == ["dispatched", "breached"]
    assert all(r.signature_valid for r in receiver.requests)


def test_a_lost_task_is_redone_by_the_job(filed, agent, make_hook, receiver, travel, job):
    """The task queued after the commit never ran (the cluster went down with it): the
    every-minute job sends the delivery once its queue lease is over."""
    make_hook([WebhookEvent.ACCEPTED])

    services.complaint_accept(complaint_id=filed.pk, actor=agent)  # on_commit never runs
    delivery = WebhookDelivery.objects.get()
    assert receiver.requests == []

    travel(T0 + timedelta(minutes=4))
    assert job() == 0
    travel(T0 + timedelta(minutes=5))
    assert job() == 1

    [request] = receiver.requests
    assert request.delivery == str(delivery.pk) and request.signature_valid
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_a_task_with_a_stale_token_sends_nothing(filed, agent, make_hook, receiver, travel, job):
    """Two tasks for one delivery (queued again after its lease): only the one holding
    the current token sends; the other, and any later duplicate, does nothing."""
    make_hook([WebhookEvent.ACCEPTED])
    services.complaint_accept(complaint_id=filed.pk, actor=agent)
    delivery = WebhookDelivery.objects.get()
    first_token = delivery.queued_until

    travel(T0 + timedelta(minutes=5))
    job()
    assert delivery_attempt(str(delivery.pk), first_token) == "skipped"

    assert len(receiver.requests) == 1
    assert delivery.attempt_log.count() == 1


def test_a_deactivated_hook_gets_no_retry(
    filed, agent, make_hook, receiver, travel, django_capture_on_commit_callbacks, job
):
    """A delivery still pending when its hook is switched off is failed at its next
    attempt, without a request."""
    hook = make_hook([WebhookEvent.ACCEPTED])
    receiver.statuses = [500]
    accept(filed, agent, django_capture_on_commit_callbacks)
    hook.is_active = False
    hook.save()

    travel(T0 + timedelta(minutes=1))
    job()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.last_error == "The webhook was deactivated."
    assert len(receiver.requests) == 1


def test_the_body_is_the_stored_payload(filed, agent, make_hook, receiver, travel, job):
    """What is sent is the payload recorded with the delivery, byte for byte the same on
    every attempt (the signature covers it)."""
    make_hook([WebhookEvent.ACCEPTED])
    services.complaint_accept(complaint_id=filed.pk, actor=agent)
    delivery = WebhookDelivery.objects.get()

    travel(T0 + timedelta(minutes=5))
    job()

    assert json.loads(receiver.requests[0].body) == delivery.payload


@pytest.mark.parametrize("format", ["wecom", "dingtalk"])
def test_a_group_bot_gets_a_short_message_without_the_phone(
    travel, walk, resident, make_hook, receiver, django_capture_on_commit_callbacks, format
):
    """A WeCom or DingTalk group bot gets a markdown message (reference, event, place,
    level, category, in the site's language), signed like any delivery, without the
    contact phone; its 200 answer with errcode 0 delivers it."""
    travel(T0)
    make_hook([WebhookEvent.CLASSIFIED], format=format)
    receiver.statuses = [(200, b'{"errcode":0,"errmsg":"ok"}')]

    with django_capture_on_commit_callbacks(execute=True):
        complaint = walk(State.CLASSIFIED)

    [request] = receiver.requests
    assert request.signature_valid
    message = request.payload
    assert message["msgtype"] == "markdown"
    text = message["markdown"]["content" if format == "wecom" else "text"]
    assert text.startswith(f"**PropertyDesk {complaint.reference}")
    assert "1201" in text
    assert complaint.category.name_zh_hans in text and "Door bell" not in text
    assert "2025-03-10 09:30" in text
    phone = resident.phone
    assert phone not in request.body.decode() and mask_phone(phone) not in text
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_a_group_bot_refusing_in_its_answer_is_retried(
    filed, agent, make_hook, receiver, django_capture_on_commit_callbacks
):
    """WeCom answers 200 with a non-zero errcode when it refuses a message: the attempt
    fails with that code and the delivery waits for its retry."""
    make_hook([WebhookEvent.ACCEPTED], format="wecom")
    receiver.statuses = [(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}')]

    accept(filed, agent, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 200
    assert delivery.last_error == "errcode 93000: invalid webhook url"
    assert delivery.next_attempt_at == T0 + timedelta(minutes=1)
