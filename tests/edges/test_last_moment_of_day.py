"""The whole last working day counts (issue item 4, SPEC §3 level III "written reply in
5 working days"): a reply in the last half-second of the 5th working day is on time, one
at 00:00:00 the next day is late, for the handle service and the sweep alike.

Level III, filed and dispatched on Tuesday 30 September 2025 at 10:00: 1–8 October are
the National Day holiday and Saturday 11 October a make-up workday (调休), so the 5th
working day is Tuesday 14 October.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from factories import CategoryFactory

from complaints.models import Breach, Deadline, State
from complaints.services import complaint_handle
from complaints.tasks import sla_sweep

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILED = datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
LAST_HALF_SECOND = datetime(2025, 10, 14, 23, 59, 59, 500_000, tzinfo=SHANGHAI)
NEXT_DAY = datetime(2025, 10, 15, 0, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture
def suggestion(db):
    return CategoryFactory(code="edge-suggestion", name_en="Suggestion", default_level=3)


@pytest.fixture
def file_suggestion(travel, walk, suggestion):
    """A level III complaint filed, classified and dispatched at FILED (its first
    response is met at once, so only the written-reply deadline is open)."""

    def _file():
        travel(FILED)
        complaint = walk(State.DISPATCHED, category=suggestion)
        assert complaint.level == 3
        return complaint

    return _file


def resolve_breaches(complaint) -> list:
    return list(
        Breach.objects.filter(complaint=complaint, deadline=Deadline.RESOLVE).values_list(
            "due_at", flat=True
        )
    )


def test_reply_in_the_last_half_second_of_the_fifth_working_day_is_on_time(
    travel, file_suggestion, handler
):
    """Replied at 23:59:59.5 on 14 October: no breach. Replied at 00:00:00 on 15 October:
    a resolve breach."""
    on_time = file_suggestion()
    late = file_suggestion()

    travel(LAST_HALF_SECOND)
    complaint_handle(complaint_id=on_time.pk, actor=handler, note="Written reply sent.")
    travel(NEXT_DAY)
    complaint_handle(complaint_id=late.pk, actor=handler, note="Written reply sent.")

    on_time.refresh_from_db()
    assert resolve_breaches(on_time) == [], (
        f"a reply at 23:59:59.5 on the 5th working day is a breach of the deadline stored as "
        f"{on_time.resolve_due.astimezone(SHANGHAI).isoformat()}"
    )
    assert len(resolve_breaches(late)) == 1


def test_sweep_in_the_last_half_second_of_the_fifth_working_day_records_no_breach(
    travel, file_suggestion, team_leader, agent, notified
):
    """Unanswered, the complaint is not overdue at 23:59:59.5 on 14 October: that sweep
    records no breach and tells nobody of one. The sweep at 00:00:00 on 15 October
    records the resolve breach and tells the team leader and the owner."""
    complaint = file_suggestion()

    sla_sweep(now=travel(LAST_HALF_SECOND))

    assert resolve_breaches(complaint) == [], "the last half-second of the day counts as late"
    assert notified(complaint, "sla_breach") == []

    sla_sweep(now=travel(NEXT_DAY))

    breach = Breach.objects.get(complaint=complaint, deadline=Deadline.RESOLVE)
    assert breach.detected_at == NEXT_DAY
    assert notified(complaint, "sla_breach") == sorted(
        [("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]
    )
