"""The other scheduled jobs: ownership guard, auto-confirm, survey dispatch and the
revisit queue. Each is called directly with the clock frozen at the moment of interest."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from factories import (
    AgentFactory,
    CategoryFactory,
    ComplaintFactory,
    PropertyFactory,
    ResidentFactory,
    UnitFactory,
)
from helpers import assert_history

from complaints.exceptions import WrongState
from complaints.models import Level, Notification, State, Survey, Transition
from complaints.portal import display
from complaints.reasons import SystemReason, reason_text, system_reason
from complaints.services import complaint_accept, survey_submit
from complaints.tasks import auto_confirm, ownership_guard, revisit_queue, survey_dispatch

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


# --- Ownership guard ---------------------------------------------------------------------


def test_unaccepted_complaint_is_escalated_after_two_hours_once(
    travel, resident, service_leader, notified
):
    """A new complaint nobody accepted is not escalated at 1 h 59 min; at 2 h the
    customer-service team leader is told ("unaccepted"), and only once."""
    travel(T0)
    complaint = ComplaintFactory(resident=resident, description="Bin room not cleaned")

    travel(T0 + 2 * HOUR - MINUTE)
    assert ownership_guard() == 0
    travel(T0 + 2 * HOUR)
    assert ownership_guard() == 1
    travel(T0 + 3 * HOUR)
    ownership_guard()

    assert notified(complaint=complaint) == [("unaccepted", service_leader.pk)]


def test_suspected_emergency_is_escalated_after_fifteen_minutes(
    travel, resident, service_leader, notified
):
    """A suspected emergency ("电梯困人") waits at most 15 minutes for acceptance."""
    travel(T0)
    complaint = ComplaintFactory(resident=resident, description="3号楼电梯困人")
    assert complaint.suspected_emergency

    travel(T0 + 14 * MINUTE)
    ownership_guard()
    assert notified(complaint=complaint, kind="unaccepted") == []

    travel(T0 + 15 * MINUTE)
    ownership_guard()
    ownership_guard()
    assert notified(complaint=complaint, kind="unaccepted") == [("unaccepted", service_leader.pk)]


def test_a_suggestion_waits_for_its_own_first_response_window(
    travel, resident, service_leader, notified
):
    """A complaint filed under a level III category is promised contact within 24 hours:
    the portal's promise and its "Response by" say the same, and the guard does not
    escalate it at 2 hours but at 24 (the stored provisional deadline, one value)."""
    travel(T0)
    suggestion = CategoryFactory(default_level=Level.III)
    complaint = ComplaintFactory(
        resident=resident, category=suggestion, description="Could we have a book swap shelf?"
    )

    assert complaint.first_response_due == T0 + 24 * HOUR
    assert "We will respond within 24 hours." in display.promise_sentences(complaint)
    assert display.next_step(complaint) == "Response by " + display.when_words(T0 + 24 * HOUR)
    travel(T0 + 2 * HOUR)
    assert ownership_guard() == 0
    travel(T0 + 24 * HOUR)
    assert ownership_guard() == 1
    assert notified(complaint=complaint) == [("unaccepted", service_leader.pk)]


def test_accepted_complaint_is_not_escalated(travel, resident, agent, service_leader):
    """A complaint accepted in time is never reported as unaccepted."""
    travel(T0)
    complaint = ComplaintFactory(resident=resident)
    complaint_accept(complaint_id=complaint.pk, actor=agent)

    travel(T0 + 5 * HOUR)
    ownership_guard()

    assert not Notification.objects.filter(kind="unaccepted").exists()


def test_inactive_owner_is_flagged_to_the_project_manager_once(
    travel, file_complaint, agent, project_manager, notified
):
    """When the owner's account is deactivated, the property's project manager is told
    once ("inactive_owner"), however often the guard runs."""
    complaint = file_complaint(T0)
    agent.is_active = False
    agent.save()

    travel(T0 + HOUR)
    ownership_guard()
    ownership_guard()

    assert notified(complaint=complaint, kind="inactive_owner") == [
        ("inactive_owner", project_manager.pk)
    ]


def test_a_property_with_nobody_to_tell_does_not_hold_up_the_others(
    travel,
    resident,
    file_complaint,
    agent,
    service_leader,
    project_manager,
    notified,
    monkeypatch,
):
    """Riverside Plaza has no customer-service leader and no project manager: its
    unaccepted complaints and those of its inactive owner are older than Lakeside's and
    more than a chunk, yet Lakeside's are still escalated."""
    monkeypatch.setattr("complaints.tasks.CHUNK_SIZE", 2)
    riverside = PropertyFactory(name="Riverside Plaza")
    neighbour = ResidentFactory(unit=UnitFactory(building__property=riverside))
    outsider = AgentFactory(properties=[riverside])
    travel(T0 - HOUR)
    for _ in range(2):
        ComplaintFactory(resident=neighbour)
        stranded = ComplaintFactory(resident=neighbour)
        complaint_accept(complaint_id=stranded.pk, actor=outsider)
    outsider.is_active = False
    outsider.save()
    unaccepted = ComplaintFactory(resident=resident)
    orphaned = file_complaint(T0)
    agent.is_active = False
    agent.save()

    travel(T0 + 3 * HOUR)
    assert ownership_guard() == 2

    assert notified(complaint=unaccepted) == [("unaccepted", service_leader.pk)]
    assert notified(complaint=orphaned, kind="inactive_owner") == [
        ("inactive_owner", project_manager.pk)
    ]


# --- Auto-confirm ------------------------------------------------------------------------


def test_auto_confirm_closes_after_72_hours(travel, walk, system_user):
    """A handled complaint the resident did not confirm stays handled at 71 h 59 min and
    is closed at 72 h by the system user, with the automatic confirmation as reason in
    the reader's language (history row too); the revisit falls due 48 h later."""
    travel(T0)
    complaint = walk(State.HANDLED)

    travel(T0 + 72 * HOUR - MINUTE)
    assert auto_confirm() == 0
    complaint.refresh_from_db()
    assert complaint.state == State.HANDLED

    closed_at = travel(T0 + 72 * HOUR)
    assert auto_confirm() == 1
    assert auto_confirm() == 0

    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
    assert complaint.close_reason == system_reason(SystemReason.AUTO_CONFIRMED)
    with translation.override("zh-hans"):
        assert reason_text(complaint.close_reason) == "确认期内未答复，系统自动确认"
    assert complaint.closed_at == closed_at
    assert complaint.revisit_due_at == closed_at + 48 * HOUR
    assert_history(
        complaint,
        transition=Transition.CLOSE,
        user=system_user,
        reason="Confirmed automatically: no answer within the confirmation window",
    )


# --- Survey and revisit ------------------------------------------------------------------


@pytest.fixture
def closed(travel, walk):
    """A complaint the resident confirmed (closed) at T0."""
    travel(T0)
    return walk(State.CLOSED)


def test_normal_close_is_due_for_revisit_after_48_hours(closed):
    """Closing sets revisit_due_at = closed_at + 48 h."""
    assert closed.closed_at == T0
    assert closed.revisit_due_at == T0 + 48 * HOUR


def test_survey_is_sent_once_an_hour_after_close(travel, closed, resident, notified):
    """Not before the 1 h default delay (SPEC §3: within 24 h of closing); at 1 h one
    Survey row (cycle 0) and one "survey" notification for the resident; a second run
    sends nothing more."""
    travel(T0 + HOUR - MINUTE)
    assert survey_dispatch() == 0

    sent_at = travel(T0 + HOUR)
    assert survey_dispatch() == 1
    assert survey_dispatch() == 0

    survey = Survey.objects.get()
    assert (survey.complaint_id, survey.cycle, survey.sent_at) == (closed.pk, 0, sent_at)
    assert notified(complaint=closed, kind="survey") == [("survey", resident.user_id)]


def test_low_satisfaction_puts_the_complaint_on_the_revisit_queue_at_once(
    travel, closed, resident, agent, service_leader, notified
):
    """A mean score below 80 (80, 80, 79) sets revisit_due_at to now, and the revisit
    queue tells customer service (leader and owner) at once, only once."""
    travel(T0 + 24 * HOUR)
    survey_dispatch()
    submitted_at = travel(T0 + 25 * HOUR)

    survey_submit(complaint_id=closed.pk, actor=resident.user, solved=80, speed=80, attitude=79)

    closed.refresh_from_db()
    assert closed.revisit_due_at == submitted_at
    assert revisit_queue() == 1
    assert revisit_queue() == 0
    assert notified(complaint=closed, kind="revisit_due") == sorted(
        [("revisit_due", service_leader.pk), ("revisit_due", agent.pk)]
    )


def test_satisfied_resident_keeps_the_48_hour_revisit(
    travel, closed, resident, agent, service_leader, notified
):
    """A mean of exactly 80 keeps revisit_due_at at close + 48 h: nothing is queued at
    47 h 59 min, customer service is told at 48 h."""
    travel(T0 + 25 * HOUR)
    survey_submit(complaint_id=closed.pk, actor=resident.user, solved=80, speed=80, attitude=80)
    closed.refresh_from_db()
    assert closed.revisit_due_at == T0 + 48 * HOUR

    travel(T0 + 48 * HOUR - MINUTE)
    assert revisit_queue() == 0
    travel(T0 + 48 * HOUR)
    assert revisit_queue() == 1
    assert notified(complaint=closed, kind="revisit_due") == sorted(
        [("revisit_due", service_leader.pk), ("revisit_due", agent.pk)]
    )


def test_second_survey_submission_is_refused(travel, closed, resident):
    """The resident rates a closing once: a second submission raises WrongState and the
    first scores stay."""
    travel(T0 + 25 * HOUR)
    survey_submit(complaint_id=closed.pk, actor=resident.user, solved=90, speed=90, attitude=90)

    with pytest.raises(WrongState):
        survey_submit(complaint_id=closed.pk, actor=resident.user, solved=10, speed=10, attitude=10)

    survey = Survey.objects.get()
    assert (survey.solved, survey.speed, survey.attitude) == (90, 90, 90)
