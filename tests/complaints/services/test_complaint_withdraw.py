"""complaint_withdraw: the resident who filed it withdraws it before anyone accepts it."""

import pytest
from factories import ComplaintFactory
from helpers import assert_history, snapshot

from complaints.exceptions import ComplaintNotFound, NotAllowed, WrongState
from complaints.models import Channel, State, Transition
from complaints.services import complaint_withdraw

pytestmark = pytest.mark.django_db


def test_resident_withdraws_before_acceptance(now, complaint, resident):
    """A new complaint is withdrawn by its resident: withdrawn_at set, no owner, and a
    "withdraw" row with the reason."""
    complaint_withdraw(complaint_id=complaint.pk, actor=resident.user, reason=" Fixed it myself ")

    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN
    assert complaint.withdrawn_at == now
    assert complaint.owner is None
    assert_history(
        complaint, transition=Transition.WITHDRAW, user=resident.user, reason="Fixed it myself"
    )


@pytest.mark.parametrize("state", [State.ACCEPTED, State.CLASSIFIED, State.WITHDRAWN])
def test_resident_cannot_withdraw_after_acceptance(now, walk, resident, state):
    """Once someone accepted it (or it is already withdrawn), withdraw is a WrongState."""
    complaint = walk(state)
    before = snapshot(complaint)

    with pytest.raises(WrongState):
        complaint_withdraw(complaint_id=complaint.pk, actor=resident.user)

    assert snapshot(complaint) == before


@pytest.mark.parametrize("role", ["agent", "project_manager"])
def test_staff_cannot_withdraw_for_the_resident(request, now, complaint, role):
    """Withdrawing is the resident's decision: staff are refused (NotAllowed)."""
    before = snapshot(complaint)

    with pytest.raises(NotAllowed):
        complaint_withdraw(complaint_id=complaint.pk, actor=request.getfixturevalue(role))

    assert snapshot(complaint) == before


def test_another_resident_does_not_find_it(now, complaint, resident2):
    """A neighbour cannot withdraw somebody else's complaint: it is not found."""
    with pytest.raises(ComplaintNotFound):
        complaint_withdraw(complaint_id=complaint.pk, actor=resident2.user)


def test_resident_withdraws_a_complaint_filed_for_them_by_phone(now, agent, resident, unit):
    """The resident named on a phone complaint may withdraw it."""
    complaint = ComplaintFactory(actor=agent, resident=resident, unit=unit, channel=Channel.PHONE)

    complaint_withdraw(complaint_id=complaint.pk, actor=resident.user)

    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN


def test_complaint_without_a_resident_cannot_be_withdrawn(now, agent, prop):
    """A walk-in complaint with no resident on file has nobody who may withdraw it."""
    complaint = ComplaintFactory(actor=agent, resident=None, property=prop, channel=Channel.WALK_IN)

    with pytest.raises(NotAllowed):
        complaint_withdraw(complaint_id=complaint.pk, actor=agent)
