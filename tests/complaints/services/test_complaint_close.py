"""complaint_close: the resident confirms, the job auto-confirms, or the owner closes with
a reason."""

import pytest
from django.utils import translation
from factories import ComplaintFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, InvalidInput, NotAllowed, WrongState
from complaints.models import Channel, State, Transition
from complaints.reasons import reason_text
from complaints.services import complaint_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def handled(now, walk):
    return walk(State.HANDLED)


def test_resident_confirms_the_fix(now, handled, resident, agent):
    """The resident's confirmation closes a handled complaint with closed_at and a default
    reason, keeps the owner, and records "close" by the resident."""
    complaint_close(complaint_id=handled.pk, actor=resident.user)

    handled.refresh_from_db()
    assert handled.state == State.CLOSED
    assert handled.closed_at == now
    assert reason_text(handled.close_reason) == "Confirmed by the resident"
    with translation.override("zh-hans"):
        assert reason_text(handled.close_reason) == "住户已确认"
    assert handled.owner == agent
    assert_history(
        handled, transition=Transition.CLOSE, user=resident.user, reason="Confirmed by the resident"
    )


def test_owner_closes_with_a_reason(now, handled, agent):
    """The owner may close without the resident when giving a reason."""
    complaint_close(complaint_id=handled.pk, actor=agent, reason="Resident unreachable")

    handled.refresh_from_db()
    assert handled.state == State.CLOSED
    assert handled.close_reason == "Resident unreachable"
    assert_history(handled, transition=Transition.CLOSE, user=agent, reason="Resident unreachable")


def test_owner_closing_without_a_reason_is_refused(now, handled, agent):
    """Closing without the resident needs a reason (InvalidInput on "reason")."""
    before = snapshot(handled)

    with pytest.raises(InvalidInput) as excinfo:
        complaint_close(complaint_id=handled.pk, actor=agent, reason="  ")

    assert excinfo.value.field == "reason"
    assert snapshot(handled) == before


def test_system_user_auto_confirms(now, handled, system_user):
    """After the confirmation window the job closes it as the system actor."""
    complaint_close(complaint_id=handled.pk, actor=system_user)

    handled.refresh_from_db()
    assert handled.state == State.CLOSED
    assert_history(handled, transition=Transition.CLOSE, user=system_user)


def test_agent_who_is_not_the_owner_is_refused(now, handled, agent2):
    """Another agent cannot close someone else's complaint, even with a reason."""
    before = snapshot(handled)

    with pytest.raises(NotAllowed):
        complaint_close(complaint_id=handled.pk, actor=agent2, reason="Looks fixed")

    assert snapshot(handled) == before


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_roles_without_close_permission_are_refused(request, now, handled, role):
    """The handler cannot close their own work, nor can a supervisor (NotAllowed)."""
    with pytest.raises(NotAllowed):
        complaint_close(
            complaint_id=handled.pk, actor=request.getfixturevalue(role), reason="Fixed"
        )


def test_project_manager_overriding_needs_a_reason(now, handled, project_manager):
    """A project manager closing an agent's complaint without a reason: InvalidInput."""
    with pytest.raises(InvalidInput) as excinfo:
        complaint_close(complaint_id=handled.pk, actor=project_manager)

    assert excinfo.value.field == "reason"


def test_project_manager_overriding_with_a_reason(now, handled, project_manager, agent):
    """With a reason the project manager closes it; the owner stays; reason in history."""
    complaint_close(complaint_id=handled.pk, actor=project_manager, reason="Checked on site")

    handled.refresh_from_db()
    assert handled.state == State.CLOSED
    assert handled.owner == agent
    assert_history(
        handled, transition=Transition.CLOSE, user=project_manager, reason="Checked on site"
    )


@pytest.mark.parametrize("state", [State.DISPATCHED, State.CLOSED, State.REOPENED])
def test_wrong_state_is_refused(now, walk, resident, state):
    """Only a handled complaint can be confirmed: WrongState otherwise."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_close(complaint_id=complaint.pk, actor=resident.user)

    assert snapshot(complaint) == before


def test_another_resident_does_not_find_it(now, handled, resident2):
    """A neighbour cannot confirm somebody else's complaint: it is not found."""
    with pytest.raises(ComplaintNotFound):
        complaint_close(complaint_id=handled.pk, actor=resident2.user)


def test_staff_of_another_property_do_not_find_it(now, handled, other_agent):
    """A complaint outside the actor's properties raises ComplaintNotFound."""
    with pytest.raises(ComplaintNotFound):
        complaint_close(complaint_id=handled.pk, actor=other_agent, reason="x")


def test_resident_confirms_a_complaint_filed_for_them_by_phone(
    now, walk, agent, resident, prop, unit
):
    """The resident named on a phone complaint is the one who confirms it."""
    complaint = ComplaintFactory(actor=agent, resident=resident, unit=unit, channel=Channel.PHONE)
    complaint = walk(State.HANDLED, complaint=complaint)

    complaint_close(complaint_id=complaint.pk, actor=resident.user)

    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED
