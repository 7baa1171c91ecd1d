"""On hold: the owner stops the resolve clock (not for level I, capped per level); it
restarts when the owner resumes or, at the expected time, by the SLA sweep."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import assert_history, snapshot

from complaints.exceptions import InvalidInput, NotAllowed, WrongState
from complaints.models import Breach, Hold, Level, Notification, State, Transition
from complaints.portal.display import timeline
from complaints.services import complaint_hold, complaint_resume
from complaints.tasks import sla_sweep

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)


@pytest.fixture
def level_two(file_complaint):
    """A level II complaint the agent owns, dispatched at T0: resolve due T0 + 24 h."""
    return file_complaint(T0, level=Level.II, to=State.DISPATCHED)


def test_manual_resume_shifts_the_resolve_deadline_by_the_time_held(travel, level_two, agent):
    """On hold from T0+1 h (waiting for parts, until T0+11 h) and resumed by the owner at
    T0+5 h: the resolve deadline moves by the 4 hours held, the first-response deadline
    does not, the Hold row is closed by the owner and both steps are in history."""
    travel(T0 + HOUR)
    hold = complaint_hold(
        complaint_id=level_two.pk,
        actor=agent,
        reason=Hold.Reason.PARTS,
        resume_at=T0 + 11 * HOUR,
        note="Pump ordered",
    )
    level_two.refresh_from_db()
    assert level_two.held_since == T0 + HOUR
    assert level_two.held_until == T0 + 11 * HOUR
    assert_history(
        level_two, transition=Transition.HOLD, user=agent, reason="Waiting for parts Pump ordered"
    )

    travel(T0 + 5 * HOUR)
    complaint_resume(complaint_id=level_two.pk, actor=agent)

    level_two.refresh_from_db()
    hold.refresh_from_db()
    assert level_two.resolve_due == T0 + 24 * HOUR + 4 * HOUR
    assert level_two.first_response_due == T0 + 2 * HOUR
    assert level_two.held_total == 4 * HOUR
    assert level_two.held_since is None and level_two.held_until is None
    assert (hold.ended_at, hold.ended_by) == (T0 + 5 * HOUR, agent)
    assert hold.duration == 4 * HOUR
    assert_history(level_two, transition=Transition.RESUME, user=agent)


def test_sweep_resumes_at_the_expected_time(travel, level_two, agent, system_user):
    """A hold until T0+11 h ends by itself: the sweep at that moment restarts the clock,
    moving the resolve deadline by the 10 hours held; the Hold row is ended by the
    system at the expected resume time."""
    travel(T0 + HOUR)
    hold = complaint_hold(
        complaint_id=level_two.pk,
        actor=agent,
        reason=Hold.Reason.ACCESS,
        resume_at=T0 + 11 * HOUR,
    )
    level_two.refresh_from_db()
    assert level_two.sla_next_at == T0 + 11 * HOUR

    travel(T0 + 11 * HOUR)
    totals = sla_sweep()

    assert totals["resumed"] == 1
    level_two.refresh_from_db()
    hold.refresh_from_db()
    assert level_two.held_since is None and level_two.held_until is None
    assert level_two.held_total == 10 * HOUR
    assert level_two.resolve_due == T0 + 34 * HOUR
    assert level_two.first_response_due == T0 + 2 * HOUR
    assert (hold.ended_at, hold.ended_by) == (T0 + 11 * HOUR, system_user)
    assert level_two.sla_next_at > T0 + 11 * HOUR


def test_sweep_resume_is_recorded_like_a_manual_one(travel, level_two, agent, system_user):
    """The sweep's resume leaves what the owner's resume leaves: a "resume" history row
    by the system at the resume time, holding the new resolve deadline; "Work resumed" on
    the resident's timeline; the owner told once, however often the sweep runs."""
    travel(T0 + HOUR)
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.ACCESS, resume_at=T0 + 11 * HOUR
    )

    travel(T0 + 11 * HOUR)
    sla_sweep()
    travel(T0 + 11 * HOUR + timedelta(minutes=1))
    sla_sweep()

    latest = assert_history(level_two, transition=Transition.RESUME, user=system_user)
    assert latest.history_date == T0 + 11 * HOUR
    assert latest.resolve_due == T0 + 34 * HOUR
    assert latest.held_since is None
    level_two.refresh_from_db()
    assert timeline(level_two)[-1].title == "Work resumed"
    told = Notification.objects.filter(kind="hold_resumed", complaint=level_two)
    assert list(told.values_list("recipient", flat=True)) == [agent.pk]


def test_owner_is_told_when_a_manager_resumes(travel, level_two, agent, project_manager):
    """A project manager who resumes the owner's hold tells the owner; an owner who
    resumes their own is not told."""
    travel(T0 + HOUR)
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + 5 * HOUR
    )
    travel(T0 + 2 * HOUR)
    complaint_resume(complaint_id=level_two.pk, actor=project_manager)
    travel(T0 + 3 * HOUR)
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + 5 * HOUR
    )
    complaint_resume(complaint_id=level_two.pk, actor=agent)

    told = Notification.objects.filter(kind="hold_resumed", complaint=level_two)
    assert list(told.values_list("recipient", flat=True)) == [agent.pk]


def test_no_breach_while_on_hold(travel, level_two, agent):
    """Held from T0+1 h to T0+30 h, the complaint is not breached at its original resolve
    deadline (T0+24 h); after the automatic resume it is due at T0+53 h and breached
    only after that."""
    travel(T0 + HOUR)
    complaint_hold(
        complaint_id=level_two.pk,
        actor=agent,
        reason=Hold.Reason.THIRD_PARTY,
        resume_at=T0 + 30 * HOUR,
    )

    for hours in (24, 25, 30, 52):
        travel(T0 + hours * HOUR)
        sla_sweep()
    assert not Breach.objects.exists()
    level_two.refresh_from_db()
    assert level_two.resolve_due == T0 + 53 * HOUR

    travel(T0 + 53 * HOUR)
    sla_sweep()
    breach = Breach.objects.get()
    assert (breach.deadline, breach.due_at) == ("resolve", T0 + 53 * HOUR)


def test_first_response_clock_keeps_running_on_hold(travel, file_complaint, agent):
    """Holding a classified (not yet dispatched) complaint does not stop its
    first-response clock: it is still breached at T0+2 h."""
    complaint = file_complaint(T0, level=Level.II)
    travel(T0 + 10 * timedelta(minutes=1))
    complaint_hold(
        complaint_id=complaint.pk,
        actor=agent,
        reason=Hold.Reason.ACCESS,
        resume_at=T0 + 10 * HOUR,
    )
    complaint.refresh_from_db()
    assert complaint.first_response_due == T0 + 2 * HOUR

    travel(T0 + 2 * HOUR)
    sla_sweep()

    assert list(Breach.objects.values_list("deadline", flat=True)) == ["first_response"]


def test_level_one_cannot_be_held(travel, file_complaint, agent):
    """Level I complaints cannot be put on hold (InvalidInput); nothing changes."""
    complaint = file_complaint(T0, level=Level.I, to=State.DISPATCHED)
    before = snapshot(complaint)

    with pytest.raises(InvalidInput):
        complaint_hold(
            complaint_id=complaint.pk,
            actor=agent,
            reason=Hold.Reason.PARTS,
            resume_at=T0 + HOUR,
        )

    assert snapshot(complaint) == before
    assert not Hold.objects.exists()
    complaint.refresh_from_db()
    assert complaint.held_since is None


def test_hold_beyond_the_level_cap_is_refused(level_two, agent):
    """Level II may be held 72 h in total: a hold 72 h + 1 min long is refused on
    "resume_at", exactly 72 h is accepted."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_hold(
            complaint_id=level_two.pk,
            actor=agent,
            reason=Hold.Reason.PARTS,
            resume_at=T0 + 72 * HOUR + timedelta(minutes=1),
        )
    assert excinfo.value.field == "resume_at"
    assert not Hold.objects.exists()

    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + 72 * HOUR
    )
    assert Hold.objects.count() == 1


def test_cap_counts_earlier_holds_of_the_cycle(travel, level_two, agent):
    """After 70 h on hold, only 2 more hours are allowed in the same cycle."""
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + 70 * HOUR
    )
    travel(T0 + 70 * HOUR)
    complaint_resume(complaint_id=level_two.pk, actor=agent)

    with pytest.raises(InvalidInput):
        complaint_hold(
            complaint_id=level_two.pk,
            actor=agent,
            reason=Hold.Reason.PARTS,
            resume_at=T0 + 73 * HOUR,
        )
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + 72 * HOUR
    )


@pytest.mark.parametrize("role", ["agent2", "handler", "team_leader"])
def test_only_the_owner_may_hold(request, level_two, role):
    """Staff other than the owner (without override rights) are refused (NotAllowed)."""
    before = snapshot(level_two)

    with pytest.raises(NotAllowed):
        complaint_hold(
            complaint_id=level_two.pk,
            actor=request.getfixturevalue(role),
            reason=Hold.Reason.PARTS,
            resume_at=T0 + HOUR,
        )

    assert snapshot(level_two) == before
    assert not Hold.objects.exists()


def test_hold_while_on_hold_is_refused(level_two, agent):
    """A complaint already on hold cannot be put on hold again (WrongState); the first
    hold stays as it was."""
    complaint_hold(
        complaint_id=level_two.pk, actor=agent, reason=Hold.Reason.PARTS, resume_at=T0 + HOUR
    )

    with pytest.raises(WrongState):
        complaint_hold(
            complaint_id=level_two.pk,
            actor=agent,
            reason=Hold.Reason.ACCESS,
            resume_at=T0 + 2 * HOUR,
        )

    hold = Hold.objects.get()
    assert (hold.reason, hold.expected_resume_at) == (Hold.Reason.PARTS, T0 + HOUR)


def test_resume_of_a_complaint_not_on_hold_is_refused(level_two, agent):
    """Resuming a running complaint raises WrongState."""
    with pytest.raises(WrongState):
        complaint_resume(complaint_id=level_two.pk, actor=agent)
