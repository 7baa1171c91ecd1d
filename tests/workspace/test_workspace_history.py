"""A complaint's history page reads like the change page: local times without
microseconds, the display names of states, levels, transitions, people and teams, "—"
for an empty value, and headers in the reader's language."""

import re

import pytest
from django.utils import translation
from workspace_helpers import admin_url

from complaints.models import State

pytestmark = pytest.mark.django_db


def history_page(client, complaint, language: str = "en") -> str:
    with translation.override(language):
        url = admin_url("complaints_complaint_history", complaint.pk)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def history_table(page: str) -> str:
    start = page.index('id="change-history"')
    return page[start : page.index("</table>", start)]


def test_history_shows_names_local_times_and_dashes(client, in_state, agent, now):
    complaint = in_state(State.DISPATCHED)
    client.force_login(agent)

    table = history_table(history_page(client, complaint))

    assert "Dispatched" in table
    assert "Classify" in table or "Classified" in table
    assert "Na Li" in table  # the agent by name, not "agent"
    assert ">agent<" not in table
    assert "Engineering" in table
    assert "pk=None" not in table
    assert "None" not in table
    assert "—" in table
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", table), "microseconds shown"
    assert "+00:00" not in table
    assert now.strftime("%Y-%m-%d %H:%M") in table  # Asia/Shanghai, as the change page
    assert ">dispatched<" not in table and ">new<" not in table


def test_history_headers_and_values_are_in_chinese(client, in_state, agent):
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    table = history_table(history_page(client, complaint, "zh-hans"))

    for header in ("操作人", "变更内容", "状态"):
        assert header in table
    assert "Changes" not in table and "CHANGES" not in table
    assert "已分类" in table or "分类" in table
