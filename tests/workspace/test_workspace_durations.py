"""Durations in the admin read as words in the reader's language, not as Python's
timedelta ("1 day, 3:20:00", "0:15:00"): a complaint's time on hold, the SLA policies'
and overrides' windows."""

from datetime import timedelta

import pytest
from django.utils import translation
from workspace_helpers import admin_url

from complaints.models import Complaint, Level, PropertySlaOverride, SlaPolicy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "words", "help_text"),
    [("en", "1d 3h", "In the current SLA cycle."), ("zh-hans", "1天3小时", "本轮处理周期内累计。")],
)
def test_time_on_hold_is_in_words(client, held, agent, language, words, help_text):
    Complaint.objects.filter(pk=held.pk).update(held_total=timedelta(days=1, hours=3, minutes=20))
    client.force_login(agent)
    with translation.override(language):
        url = admin_url("complaints_complaint_change", held.pk)

    page = client.get(url).content.decode()

    assert f'<div class="readonly">{words}</div>' in page
    assert help_text in page
    assert "3:20:00" not in page


def test_a_complaint_never_on_hold_shows_no_time(client, complaint, agent, english):
    client.force_login(agent)

    page = client.get(admin_url("complaints_complaint_change", complaint.pk)).content.decode()

    assert '<div class="readonly">0m</div>' in page
    assert "0:00:00" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["15 minutes", "30 minutes", "24 hours", "15 days"]),
        ("zh-hans", ["15 分钟", "30 分钟", "24 小时", "15 天"]),
    ],
)
def test_sla_policies_list_their_windows_in_words(admin_client, language, expected):
    with translation.override(language):
        url = admin_url("complaints_slapolicy_changelist")

    page = admin_client.get(url).content.decode()

    for words in expected:
        assert f">{words}</td>" in page
    assert "0:15:00" not in page and "1 day, 0:00:00" not in page


def test_overrides_list_their_windows_in_words_and_sort_by_them(admin_client, prop, english):
    PropertySlaOverride.objects.create(
        property=prop, level=Level.values[0], first_response=timedelta(minutes=10)
    )
    PropertySlaOverride.objects.create(
        property=prop, level=Level.values[1], first_response=timedelta(hours=3)
    )
    url = admin_url("complaints_propertyslaoverride_changelist")

    page = admin_client.get(url, {"o": "-3"}).content.decode()

    assert page.index(">3 hours</td>") < page.index(">10 minutes</td>")
    assert "0:10:00" not in page


@pytest.mark.parametrize(
    ("language", "words", "help_text"),
    [
        ("en", "15 minutes", "From submission until dispatched."),
        ("zh-hans", "15 分钟", "自提交起至派单止。"),
    ],
)
def test_a_view_only_policy_page_gives_its_windows_in_words(
    client, agent, language, words, help_text
):
    """Agents may only look at the SLA policies: their page is read-only, and a read-only
    field would print the timedelta."""
    policy = SlaPolicy.objects.get(level=Level.values[0])
    client.force_login(agent)
    with translation.override(language):
        url = admin_url("complaints_slapolicy_change", policy.pk)

    page = client.get(url).content.decode()

    assert f'<div class="readonly">{words}</div>' in page
    assert help_text in page
    assert "0:15:00" not in page and "0:30:00" not in page


def test_who_may_change_a_policy_edits_its_windows(admin_client, english):
    policy = SlaPolicy.objects.get(level=Level.values[0])

    page = admin_client.get(admin_url("complaints_slapolicy_change", policy.pk)).content.decode()

    assert 'name="first_response"' in page and 'name="max_hold"' in page


def test_the_history_gives_time_on_hold_in_words(client, held, agent, english):
    held.held_total = timedelta(days=1, hours=3, minutes=20)
    held.save()
    client.force_login(agent)

    page = client.get(admin_url("complaints_complaint_history", held.pk)).content.decode()

    assert "1d 3h" in page
    assert "3:20:00" not in page and "0:00:00" not in page
