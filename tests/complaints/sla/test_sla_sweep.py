"""The SLA sweep: a warning at 80 % of a window, a breach when a deadline passes (team
leader told at once), escalation to the project manager one window later; idempotent
and set-based."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Breach, Complaint, Level, Notification, State
from complaints.services import (
    complaint_classify,
    complaint_dispatch,
    complaint_handle,
    complaint_mark_on_site,
    complaint_reopen,
)
from complaints.tasks import sla_sweep

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def dispatched(file_complaint):
    """Level II, dispatched to engineering at T0: resolve window 24 h, warned at
    T0+19.2 h, due T0+24 h, escalated T0+48 h."""
    return file_complaint(T0, level=Level.II, to=State.DISPATCHED)


def test_owner_is_warned_once_at_80_percent(
    travel, dispatched, agent, team_leader, project_manager, notified
):
    """Nothing happens before 80 % of the resolve window; at T0+19 h 12 min the owner
    gets one "sla_warning"; a later sweep before the deadline adds nothing."""
    warn_at = T0 + timedelta(hours=19, minutes=12)
    assert dispatched.sla_next_at == warn_at

    travel(warn_at - MINUTE)
    sla_sweep()
    assert notified(complaint=dispatched) == []

    travel(warn_at)
    sla_sweep()
    travel(warn_at + 30 * MINUTE)
    Complaint.objects.filter(pk=dispatched.pk).update(sla_next_at=warn_at)  # force a revisit
    sla_sweep(now=warn_at + 30 * MINUTE)

    assert notified(complaint=dispatched) == [("sla_warning", agent.pk)]
    warning = Notification.objects.get(kind="sla_warning")
    assert warning.params["deadline"] == "resolve"
    assert warning.created_at == warn_at
    assert not Breach.objects.exists()


def test_breach_is_recorded_once_and_the_team_leader_told(
    travel, dispatched, agent, engineering, team_leader, notified
):
    """At the resolve deadline the sweep records one Breach (which deadline, when due,
    when detected, the owner and team of that moment) and tells the team leader (and
    the owner); a second sweep records and notifies nothing more."""
    due = T0 + 24 * HOUR
    travel(due + 30 * MINUTE)
    sla_sweep()
    travel(due + 31 * MINUTE)
    Complaint.objects.filter(pk=dispatched.pk).update(sla_next_at=due)  # force a revisit
    sla_sweep()

    breach = Breach.objects.get()
    assert breach.complaint == dispatched
    assert breach.deadline == "resolve"
    assert breach.cycle == 0
    assert breach.level == Level.II
    assert breach.due_at == due
    assert breach.detected_at == due + 30 * MINUTE
    assert breach.owner == agent
    assert breach.team == engineering
    assert breach.escalated_to_manager_at is None
    assert notified(kind="sla_breach") == sorted(
        [("sla_breach", team_leader.pk), ("sla_breach", agent.pk)]
    )


def test_breach_escalates_to_the_project_manager_one_window_later(
    travel, dispatched, team_leader, project_manager, notified
):
    """Still open 24 h after the 24 h deadline, the breach goes to the project manager
    ("sla_escalation", once) and Breach.escalated_to_manager_at is set; nothing before."""
    travel(T0 + 24 * HOUR)
    sla_sweep()
    travel(T0 + 48 * HOUR - MINUTE)
    sla_sweep(now=T0 + 48 * HOUR - MINUTE)
    assert notified(kind="sla_escalation") == []

    escalate_at = travel(T0 + 48 * HOUR)
    sla_sweep()
    Complaint.objects.filter(pk=dispatched.pk).update(sla_next_at=escalate_at)
    travel(T0 + 49 * HOUR)
    sla_sweep()

    assert notified(kind="sla_escalation") == [("sla_escalation", project_manager.pk)]
    breach = Breach.objects.get()
    assert breach.escalated_to_manager_at == escalate_at
    dispatched.refresh_from_db()
    assert dispatched.sla_next_at is None


def test_first_response_breach_before_dispatch_goes_to_customer_service(
    travel, file_complaint, agent, service_leader, notified
):
    """A classified level II complaint nobody dispatched within 2 h is breached on
    "first_response" with no team; the customer-service leader is told."""
    complaint = file_complaint(T0, level=Level.II)

    travel(T0 + 2 * HOUR)
    sla_sweep()

    breach = Breach.objects.get()
    assert (breach.deadline, breach.due_at, breach.team) == ("first_response", T0 + 2 * HOUR, None)
    assert notified(complaint=complaint, kind="sla_breach") == sorted(
        [("sla_breach", service_leader.pk), ("sla_breach", agent.pk)]
    )


def test_sweep_run_twice_at_every_step_records_and_notifies_once(
    travel, file_complaint, agent, service_leader, team_leader, project_manager
):
    """Walking a level I complaint through all its moments with two sweeps at each
    (forcing the second to revisit it) leaves exactly one breach per deadline and one
    notification per recipient and event."""
    complaint = file_complaint(T0, level=Level.I)
    moments = sorted({T0 + timedelta(minutes=m) for m in (12, 15, 24, 30, 60, 96, 120, 240)})
    for moment in moments:
        travel(moment)
        sla_sweep()
        Complaint.objects.filter(pk=complaint.pk).update(sla_next_at=moment)
        sla_sweep()

    assert sorted(Breach.objects.values_list("deadline", flat=True)) == [
        "first_response",
        "on_site",
        "resolve",
    ]
    assert Breach.objects.filter(escalated_to_manager_at__isnull=False).count() == 3
    rows = list(Notification.objects.values_list("recipient_id", "event_key"))
    assert len(rows) == len(set(rows))
    kinds = sorted(Notification.objects.values_list("kind", "recipient_id"))
    assert kinds == sorted(
        [("level_one", project_manager.pk)]
        + [("sla_warning", agent.pk)] * 3
        + [("sla_breach", service_leader.pk), ("sla_breach", agent.pk)] * 3
        + [("sla_escalation", project_manager.pk)] * 3
    )


def test_level_one_classify_alerts_the_project_manager_at_once(
    file_complaint, project_manager, notified
):
    """Classifying a complaint as level I alerts the project manager immediately
    ("level_one"), without waiting for any sweep."""
    complaint = file_complaint(T0, level=Level.I)

    assert notified(complaint=complaint, kind="level_one") == [("level_one", project_manager.pk)]


def test_arrival_on_site_meets_level_one_on_site_deadline(
    travel, file_complaint, handler, service_leader, team_leader
):
    """A level I complaint dispatched at once, with the handler on site after 20 min,
    meets its first-response and on-site deadlines: at 30 min nothing is breached; only
    the 2 h resolve deadline is still watched."""
    complaint = file_complaint(T0, level=Level.I, to=State.DISPATCHED)
    travel(T0 + 20 * MINUTE)
    complaint_mark_on_site(complaint_id=complaint.pk, actor=handler)

    for minutes in (24, 30, 60):
        travel(T0 + minutes * MINUTE)
        sla_sweep()

    assert not Breach.objects.exists()
    complaint.refresh_from_db()
    assert complaint.on_site_at == T0 + 20 * MINUTE
    assert complaint.sla_next_at == T0 + 96 * MINUTE


def test_reopened_cycle_is_breached_separately(travel, dispatched, resident, handler):
    """A complaint breached in its first cycle (resolve), handled and reopened (the
    resident says "not fixed"), gets a new breach numbered cycle 1 when the fresh
    first-response window passes too."""
    travel(T0 + 24 * HOUR)
    sla_sweep()
    travel(T0 + 25 * HOUR)
    complaint_handle(complaint_id=dispatched.pk, actor=handler, note="Replaced the bulb.")
    reopened_at = travel(T0 + 26 * HOUR)
    complaint_reopen(complaint_id=dispatched.pk, actor=resident.user, reason="Still dark.")

    travel(reopened_at + 2 * HOUR)
    sla_sweep()

    assert sorted(Breach.objects.values_list("deadline", "cycle", "due_at")) == [
        ("first_response", 1, reopened_at + 2 * HOUR),
        ("resolve", 0, T0 + 24 * HOUR),
    ]


def test_deadline_met_late_before_the_sweep_is_still_a_breach(
    travel, file_complaint, agent, engineering
):
    """Dispatched 30 s after its first-response deadline, between two sweeps (they run
    once a minute), a complaint still missed that deadline: the next sweep records the
    breach."""
    complaint = file_complaint(T0, level=Level.II)
    travel(T0 + 2 * HOUR + timedelta(seconds=30))
    complaint_dispatch(
        complaint_id=complaint.pk,
        actor=agent,
        team=engineering,
    )

    travel(T0 + 2 * HOUR + MINUTE)
    sla_sweep()

    assert list(Breach.objects.values_list("deadline", flat=True)) == ["first_response"]


def test_resolve_deadline_met_late_before_the_sweep_is_still_a_breach(travel, dispatched, handler):
    """Handled 30 s after its 24 h resolve deadline, between two sweeps, a complaint
    still missed that deadline: the next sweep records the resolve breach."""
    travel(T0 + 24 * HOUR + timedelta(seconds=30))
    complaint_handle(complaint_id=dispatched.pk, actor=handler, note="Replaced the bulb.")

    travel(T0 + 24 * HOUR + MINUTE)
    sla_sweep()

    assert list(Breach.objects.values_list("deadline", flat=True)) == ["resolve"]


def test_deadline_already_past_when_classified_is_breached_at_the_next_sweep(
    travel, file_complaint, agent, category_for_level
):
    """Accepted at once but classified only 3 h after submission, a level II complaint
    has already missed its 2 h first-response deadline: the next sweep (a minute later)
    records the breach, not an hour later at the escalation time."""
    complaint = file_complaint(T0, to=State.ACCEPTED)
    travel(T0 + 3 * HOUR)
    complaint_classify(
        complaint_id=complaint.pk, actor=agent, category=category_for_level[Level.II]
    )

    travel(T0 + 3 * HOUR + MINUTE)
    sla_sweep()

    breach = Breach.objects.get()
    assert (breach.deadline, breach.detected_at) == ("first_response", T0 + 3 * HOUR + MINUTE)
    assert breach.escalated_to_manager_at is None


def test_sweep_reads_only_complaints_whose_next_check_has_come(
    travel, file_complaint, clone_complaints
):
    """A complaint whose sla_next_at is still in the future is not looked at, even if
    one of its deadlines passed: no breach, sla_next_at unchanged."""
    due = file_complaint(T0, level=Level.II)
    [not_due] = clone_complaints(due, 1, sla_next_at=T0 + 100 * HOUR)

    travel(T0 + 3 * HOUR)
    totals = sla_sweep()

    assert totals["complaints"] == 1
    assert list(Breach.objects.values_list("complaint_id", flat=True)) == [due.pk]
    not_due.refresh_from_db()
    assert not_due.sla_next_at == T0 + 100 * HOUR


def test_sweep_query_count_does_not_grow_with_open_complaints(
    travel, file_complaint, clone_complaints, service_leader, project_manager
):
    """With five complaints due for a warning, the sweep makes the same number of
    queries whether 10 or 200 other open complaints are not due yet."""
    template = file_complaint(T0, level=Level.II)
    due = clone_complaints(template, 5)
    due_ids = [c.pk for c in due]
    later = T0 + 30 * 24 * HOUR
    Complaint.objects.filter(pk=template.pk).update(sla_next_at=later)
    clone_complaints(template, 9, sla_next_at=later)
    warn_at = travel(T0 + timedelta(hours=1, minutes=36))

    def sweep_queries() -> int:
        Complaint.objects.filter(pk__in=due_ids).update(sla_next_at=warn_at)
        Notification.objects.filter(kind="sla_warning").delete()
        with CaptureQueriesContext(connection) as queries:
            totals = sla_sweep()
        assert totals["complaints"] == 5
        assert Notification.objects.filter(kind="sla_warning").count() == 5
        return len(queries)

    with_10 = sweep_queries()
    clone_complaints(template, 190, sla_next_at=later)
    with_200 = sweep_queries()

    assert with_10 == with_200
    assert with_10 <= 12


def test_sweep_chunks_a_large_batch(travel, file_complaint, clone_complaints, service_leader):
    """With a chunk size of 3, seven due complaints are all processed (in three chunks)."""
    template = file_complaint(T0, level=Level.II)
    clone_complaints(template, 6)

    travel(T0 + 2 * HOUR)
    totals = sla_sweep(chunk_size=3)

    assert totals["complaints"] == 7
    assert Breach.objects.count() == 7
