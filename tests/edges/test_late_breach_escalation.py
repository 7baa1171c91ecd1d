"""A breach met late is escalated like a swept one (issue item 1, SPEC §4).

A deadline met after it passed is a breach however it is found: by the sweep, by the
service that meets it late (between two sweeps), or by the first sweep after the
cluster was down. Each such breach tells the team leader (and the owner) once, at once,
and reaches the project manager one window after the deadline, once.

Level II, filed and dispatched on Monday 10 March 2025 at 10:00: resolve due Tuesday
10:00:00 (a 24 h window), escalated Wednesday 10:00:00; first response due Monday 12:00
(2 h), escalated 14:00.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Breach, State
from complaints.services import complaint_dispatch, complaint_handle
from complaints.tasks import sla_sweep

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 10, 0, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
RESOLVE_DUE = T0 + timedelta(hours=24)
RESOLVE_ESCALATE = RESOLVE_DUE + timedelta(hours=24)
FIRST_RESPONSE_DUE = T0 + timedelta(hours=2)
FIRST_RESPONSE_ESCALATE = FIRST_RESPONSE_DUE + timedelta(hours=2)


def handle(complaint, handler) -> None:
    complaint_handle(complaint_id=complaint.pk, actor=handler, note="Replaced the bulb.")


def test_resolve_met_one_second_late_tells_the_team_leader_at_once_and_only_once(
    travel, walk, agent, handler, team_leader, notified
):
    """Handled one second before its resolve deadline, a complaint is on time: no breach,
    nobody told. Handled one second after it, with no sweep in between, the breach the
    handle service records is told as a swept one is: the team leader and the owner get
    one "sla_breach" each at once, and the next sweep adds no second one."""
    travel(T0)
    on_time = walk(State.DISPATCHED)
    late = walk(State.DISPATCHED)

    travel(RESOLVE_DUE - SECOND)
    handle(on_time, handler)
    travel(RESOLVE_DUE + SECOND)
    handle(late, handler)

    assert not Breach.objects.filter(complaint=on_time).exists()
    assert notified(on_time, "sla_breach") == []
    breach = Breach.objects.get(complaint=late)
    assert (breach.deadline, breach.due_at, breach.detected_at) == (
        "resolve",
        RESOLVE_DUE,
        RESOLVE_DUE + SECOND,
    )
    told = sorted([("sla_breach", team_leader.pk), ("sla_breach", agent.pk)])
    assert notified(late, "sla_breach") == told, "the late breach was recorded but not told"

    travel(RESOLVE_DUE + MINUTE)
    sla_sweep()

    assert notified(late, "sla_breach") == told
    assert Breach.objects.filter(complaint=late).count() == 1


@pytest.mark.parametrize(
    "swept_first", [False, True], ids=["handled-before-any-sweep", "swept-then-handled"]
)
def test_late_breach_reaches_the_project_manager_one_window_later(
    travel, walk, agent, handler, team_leader, project_manager, notified, swept_first
):
    """Handled at 10:00:30, 30 s after its resolve deadline (with or without a sweep at
    10:00:00 in between), the breach is told to the team leader once, and to the project
    manager one window (24 h) after the deadline: not at Wednesday 09:59:59, once at
    10:00:00, which Breach.escalated_to_manager_at records; later sweeps add nothing."""
    travel(T0)
    complaint = walk(State.DISPATCHED)
    if swept_first:
        travel(RESOLVE_DUE)
        sla_sweep()
    travel(RESOLVE_DUE + 30 * SECOND)
    handle(complaint, handler)

    assert notified(complaint, "sla_breach") == sorted(
        [("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]
    )

    travel(RESOLVE_ESCALATE - SECOND)
    sla_sweep()
    assert notified(complaint, "sla_escalation") == []
    assert Breach.objects.get(complaint=complaint).escalated_to_manager_at is None

    travel(RESOLVE_ESCALATE)
    sla_sweep()
    travel(RESOLVE_ESCALATE + MINUTE)
    sla_sweep()

    assert notified(complaint, "sla_escalation") == [("sla_escalation", project_manager.pk)], (
        "a breach met late never reaches the project manager"
    )
    breach = Breach.objects.get(complaint=complaint)
    assert breach.escalated_to_manager_at == RESOLVE_ESCALATE
    assert notified(complaint, "sla_breach") == sorted(
        [("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]
    )


def test_breach_recorded_while_the_cluster_was_down_is_escalated_once_when_it_is_back(
    travel, walk, agent, handler, team_leader, project_manager, notified
):
    """No sweep runs from Monday 10:00 until one second after the escalation time (the
    cluster was down); the handler still marks the complaint handled at 10:00:30 on
    Tuesday. The first sweeps after the outage (two clusters catching up at once, then
    the next minute's) leave exactly one breach (detected by the handle service), one
    "sla_breach" each for the team leader and the owner, and one "sla_escalation" for
    the project manager, escalated at the moment the sweeps came back."""
    travel(T0)
    complaint = walk(State.DISPATCHED)
    travel(RESOLVE_DUE + 30 * SECOND)
    handle(complaint, handler)

    back = travel(RESOLVE_ESCALATE + SECOND)
    sla_sweep(now=back)
    sla_sweep(now=back)
    travel(back + MINUTE)
    sla_sweep()

    breach = Breach.objects.get(complaint=complaint)
    assert (breach.deadline, breach.detected_at) == ("resolve", RESOLVE_DUE + 30 * SECOND)
    assert notified(complaint, "sla_breach") == sorted(
        [("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]
    ), "the breach recorded during the outage was never told"
    assert notified(complaint, "sla_escalation") == [("sla_escalation", project_manager.pk)]
    assert breach.escalated_to_manager_at == back


def test_first_response_met_late_by_dispatch_is_told_and_escalated_like_a_swept_one(
    travel,
    walk,
    agent,
    handler,
    engineering,
    team_leader,
    service_leader,
    project_manager,
    notified,
):
    """The dispatch service meets the first response late too. Dispatched one second
    before the 2 h deadline: no breach, nobody told. Dispatched one second after it: the
    breach is told at once to the owner and a leader (the dispatched team's, which the
    breach row names, or customer service's, which a sweep before the dispatch would
    have told), once, and to the project manager one window later (not at 13:59:59, once
    at 14:00:00)."""
    travel(T0)
    on_time = walk(State.CLASSIFIED)
    late = walk(State.CLASSIFIED)

    travel(FIRST_RESPONSE_DUE - SECOND)
    complaint_dispatch(complaint_id=on_time.pk, actor=agent, team=engineering, assignee=handler)
    travel(FIRST_RESPONSE_DUE + SECOND)
    complaint_dispatch(complaint_id=late.pk, actor=agent, team=engineering, assignee=handler)

    assert not Breach.objects.filter(complaint=on_time).exists()
    assert notified(on_time, "sla_breach") == []
    assert Breach.objects.get(complaint=late).deadline == "first_response"
    told = notified(late, "sla_breach")
    assert told in (
        sorted([("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]),
        sorted([("sla_breach", service_leader.pk), ("sla_breach", agent.pk)]),
    ), f"the late first response was recorded but told to {told}"

    travel(FIRST_RESPONSE_DUE + MINUTE)
    sla_sweep()
    assert notified(late, "sla_breach") == told

    travel(FIRST_RESPONSE_ESCALATE - SECOND)
    sla_sweep()
    assert notified(late, "sla_escalation") == []
    travel(FIRST_RESPONSE_ESCALATE)
    sla_sweep()
    travel(FIRST_RESPONSE_ESCALATE + MINUTE)
    sla_sweep()

    assert notified(late, "sla_escalation") == [("sla_escalation", project_manager.pk)]
    assert notified(on_time, "sla_escalation") == []
    breach = Breach.objects.get(complaint=late)
    assert breach.escalated_to_manager_at == FIRST_RESPONSE_ESCALATE
