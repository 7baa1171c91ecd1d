"""Delivering notifications: e-mail through Django's mail backend for every kind, SMS
through PROPERTYDESK_SMS_BACKEND for urgent kinds only; each notification once."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import translation

from complaints.models import Notification
from complaints.notifications import notification_build, notifications_save
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
