"""Delivering notifications: e-mail through Django's mail backend for every kind, SMS
through PROPERTYDESK_SMS_BACKEND for urgent kinds only; each notification once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import translation

from complaints.models import Notification
from complaints.notifications import CLAIM_FOR, notification_build, notifications_save
from complaints.tasks import notifications_deliver_task

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


class RecordingSmsBackend:
    """Test SMS backend: records (phone, text) instead of sending."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        self.sent.append((phone, text))


@pytest.fixture
def sms(settings):
    settings.PROPERTYDESK_SMS_BACKEND = f"{__name__}.RecordingSmsBackend"
    RecordingSmsBackend.sent = []
    return RecordingSmsBackend.sent


def _notify(complaint, user, kind: str) -> None:
    notifications_save(
        [
            notification_build(
                recipient_id=user.pk,
                kind=kind,
                event_key=f"{kind}:{complaint.pk}:test",
                now=T0,
                complaint=complaint,
                params={"deadline": "resolve", "due": "2025-03-11 09:30"},
            )
        ]
    )


def test_each_notification_is_emailed_once_and_urgent_ones_also_by_sms(
    travel, file_complaint, service_leader, sms
):
    """A breach (urgent) and a warning (not urgent) for a leader with e-mail and phone:
    two e-mails, one SMS (the breach), both marked delivered; a second run sends
    nothing."""
    complaint = file_complaint(T0)
    Notification.objects.all().delete()
    _notify(complaint, service_leader, "sla_breach")
    _notify(complaint, service_leader, "sla_warning")
    travel(T0)

    assert notifications_deliver_task() == 2
    assert notifications_deliver_task() == 0

    assert sorted(message.to[0] for message in mail.outbox) == ["cs-leader@example.com"] * 2
    assert any(complaint.reference in message.subject for message in mail.outbox)
    assert len(sms) == 1
    phone, text = sms[0]
    assert phone == "13900000001"
    breach = Notification.objects.get(kind="sla_breach")
    with translation.override("zh-hans"):
        assert text == breach.text  # in the site's default language, not the test's English
    assert complaint.reference in text
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()
    assert set(Notification.objects.values_list("delivered_at", flat=True)) == {T0}


def test_resident_without_email_gets_sms_for_urgent_only(travel, file_complaint, resident, sms):
    """A resident with no e-mail address gets no mail; an urgent notice reaches their
    phone, a non-urgent one (survey) does not; both count as delivered."""
    complaint = file_complaint(T0)
    Notification.objects.all().delete()
    assert resident.user.email == ""
    _notify(complaint, resident.user, "emergency")
    _notify(complaint, resident.user, "survey")
    travel(T0)

    assert notifications_deliver_task() == 2

    assert mail.outbox == []
    assert [phone for phone, _text in sms] == [resident.phone]


# --- A slow relay, a killed job ------------------------------------------------------------


class JobKilled(BaseException):
    """What SIGKILL does to a job mid-batch, as far as the rows can tell: it stops
    between two lines, no handler running."""


class RecordingMailBackend(BaseEmailBackend):
    """Records each message with whether a transaction was open while it was sent;
    `kill_at` stops the job as the n-th message is about to go out."""

    sent: list[tuple[str, bool]] = []
    kill_at: int | None = None

    def send_messages(self, messages):
        for message in messages:
            if self.kill_at is not None and len(self.sent) + 1 == self.kill_at:
                raise JobKilled
            self.sent.append((message.subject, connection.in_atomic_block))
        return len(messages)


class RefusingOnceMailBackend(BaseEmailBackend):
    refused = False

    def send_messages(self, messages):
        if not RefusingOnceMailBackend.refused:
            RefusingOnceMailBackend.refused = True
            raise ConnectionRefusedError("relay busy")
        return len(messages)


@pytest.fixture
def relay(settings):
    settings.EMAIL_BACKEND = f"{__name__}.RecordingMailBackend"
    RecordingMailBackend.sent = []
    RecordingMailBackend.kill_at = None
    return RecordingMailBackend


def _five(complaint, user) -> list[int]:
    for number in range(5):
        _notify(complaint, user, "sla_warning")
        Notification.objects.filter(event_key=f"sla_warning:{complaint.pk}:test").update(
            event_key=f"warning-{number}"
        )
    return list(Notification.objects.order_by("created_at", "pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_messages_are_sent_outside_any_transaction(
    travel, file_complaint, service_leader, relay, sms
):
    """While a message goes out, no transaction is open: a slow relay cannot hold the
    database's write lock (SQLite's only one) against residents filing meanwhile."""
    complaint = file_complaint(T0)
    Notification.objects.all().delete()
    _five(complaint, service_leader)
    travel(T0)

    assert notifications_deliver_task() == 5

    assert len(relay.sent) == 5
    assert not any(in_transaction for _subject, in_transaction in relay.sent)


def test_a_job_killed_mid_batch_sends_nothing_twice(
    travel, file_complaint, service_leader, relay, sms
):
    """Killed as the third of five goes out: the first two are marked delivered already,
    the rest stay claimed until the lease ends, then the next job sends them; every
    message goes out once."""
    complaint = file_complaint(T0)
    Notification.objects.all().delete()
    pks = _five(complaint, service_leader)
    travel(T0)
    relay.kill_at = 3

    with pytest.raises(JobKilled):
        notifications_deliver_task()

    delivered = set(
        Notification.objects.filter(delivered_at__isnull=False).values_list("pk", flat=True)
    )
    assert delivered == set(pks[:2])
    relay.kill_at = None
    assert notifications_deliver_task() == 0  # the killed job's claim still holds
    travel(T0 + CLAIM_FOR + timedelta(seconds=1))
    assert notifications_deliver_task() == 3

    assert len(relay.sent) == 5
    assert not Notification.objects.filter(delivered_at__isnull=True).exists()


def test_a_failed_message_is_released_for_the_next_run(
    travel, file_complaint, service_leader, settings, sms
):
    """A relay that refuses one message: the others are delivered, that one is left
    undelivered and unclaimed, and the next run sends it."""
    complaint = file_complaint(T0)
    Notification.objects.all().delete()
    _five(complaint, service_leader)
    travel(T0)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingOnceMailBackend"
    RefusingOnceMailBackend.refused = False

    assert notifications_deliver_task() == 4
    left = Notification.objects.get(delivered_at__isnull=True)
    assert left.claimed_until is None
    assert notifications_deliver_task() == 1
