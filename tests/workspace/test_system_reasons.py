"""What the system writes itself (a resident's confirmation, the job's automatic one,
a merge at intake, a hold) is stored as a code and read in the reader's language on
the history page, the change page and the resident's timeline; notification kinds
are named, not coded; Django's length message speaks to a person; dates cannot be
misread."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from workspace_helpers import admin_url

from complaints.models import Notification, State
from complaints.services import complaint_close
from complaints.tasks import auto_confirm

pytestmark = pytest.mark.django_db

WORDS = {
    "en": ("Confirmed by the resident", "Confirmed automatically"),
    "zh-hans": ("住户已确认", "系统自动确认"),
}


def page(client, name: str, pk: int, language: str) -> str:
    with translation.override(language):
        url = admin_url(name, pk)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_residents_confirmation_reads_in_the_readers_language(
    client, in_state, resident, agent, language
):
    complaint = in_state(State.HANDLED)
    with translation.override("zh-hans" if language == "en" else "en"):
        complaint_close(complaint_id=complaint.pk, actor=resident.user)
    client.force_login(agent)
    confirmed, _automatic = WORDS[language]
    other, _ = WORDS["zh-hans" if language == "en" else "en"]

    for name in ("complaints_complaint_history", "complaints_complaint_change"):
        content = page(client, name, complaint.pk, language)
        assert confirmed in content, name
        assert other not in content, name
        assert "system:" not in content, name


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_jobs_confirmation_reads_in_the_residents_language_on_the_timeline(
    in_state, resident, language, time_machine, now
):
    complaint = in_state(State.HANDLED)
    time_machine.move_to(now + timedelta(hours=73), tick=False)
    assert auto_confirm() == 1
    client = Client()
    client.force_login(resident.user)
    with translation.override(language):
        url = reverse("portal:complaint_detail", args=[complaint.pk])
    content = client.get(url).content.decode()

    closed = {"en": "Closed automatically", "zh-hans": "已自动关闭"}[language]
    assert closed in content
    assert "system:" not in content
    assert "auto-confirmed" not in content


def test_notification_kinds_are_named_in_the_filter(client, agent, in_state):
    complaint = in_state(State.NEW)
    Notification.objects.create(
        recipient=agent,
        kind=Notification.Kind.SLA_BREACH,
        event_key="x",
        complaint=complaint,
        created_at=complaint.created_at,
    )
    client.force_login(agent)
    with translation.override("zh-hans"):
        url = reverse("admin:complaints_notification_changelist")
    content = client.get(url).content.decode()

    assert "已超时" in content
    assert "sla_breach" not in content.replace("kind__exact=sla_breach", "")


def test_a_too_long_description_is_told_in_plain_chinese(resident, unit):
    client = Client()
    client.force_login(resident.user)
    with translation.override("zh-hans"):
        url = reverse("portal:complaint_new")
    response = client.post(
        url, {"place": f"unit:{unit.pk}", "description": "漏" * 2001, "location_text": "厨房"}
    )

    content = response.content.decode()
    assert "最多 2000 个字，现在有 2001 个字" in content
    assert "变量" not in content
    assert "漏" * 2001 in content  # the text is kept


def test_english_portal_dates_are_unambiguous(resident, in_state):
    complaint = in_state(State.ACCEPTED)
    client = Client()
    client.force_login(resident.user)
    content = client.get(reverse("portal:complaint_detail", args=[complaint.pk])).content.decode()

    local = complaint.created_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y-%m-%d %H:%M") in content
    assert "a.m." not in content and "p.m." not in content
    assert local.strftime("%m/%d/%Y") not in content
