"""Who may reopen a closed complaint, and until when (issue item 3, SPEC §3 "reopen: by
the resident within 7 days of closing, or by the revisit").

- The resident, up to 7 days after closing.
- The revisit: customer service records the call-back as "not solved"
  (`complaint_revisit(..., solved=False, note=...)`), which reopens the complaint with
  what the resident said as the reason.
- A project manager's override, with a reason, recorded in the history.
Any other reopening (an agent's, without the revisit) is refused with a clear message,
however soon after closing.

The complaint is closed (confirmed by the resident) on Monday 10 March 2025 at 09:30.
"""

from datetime import timedelta

import pytest
from helpers import assert_history, snapshot

from complaints.exceptions import InvalidInput, NotAllowed, ReopenWindowClosed
from complaints.models import Notification, State, Transition
from complaints.services import complaint_reopen, complaint_revisit

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)
WINDOW = timedelta(days=7)


@pytest.fixture
def closed(now, walk):
    complaint = walk(State.CLOSED)
    assert complaint.closed_at == now
    return complaint


def assert_refused_for_staff(error: NotAllowed) -> None:
    """The refusal tells the agent the way that is open to staff: the revisit."""
    assert not isinstance(error, ReopenWindowClosed)
    assert error.message != NotAllowed().message, "the refusal must say why"
    assert "revisit" in error.message.lower(), error.message


@pytest.mark.parametrize(
    "after_closing", [SECOND, WINDOW - SECOND], ids=["1s-after-closing", "7d-minus-1s"]
)
def test_inside_the_window_the_resident_reopens_but_an_agent_may_not(
    now, travel, closed, agent2, resident, after_closing
):
    """One second after closing and one second before the 7 days are up, an agent's
    reopening without the revisit is refused (NotAllowed, naming the revisit) and
    changes nothing; the resident's own reopening at the same moment works."""
    moment = travel(now + after_closing)
    before = snapshot(closed)

    with pytest.raises(NotAllowed) as refused:
        complaint_reopen(complaint_id=closed.pk, actor=agent2, reason="Resident called again")

    assert_refused_for_staff(refused.value)
    assert snapshot(closed) == before

    complaint_reopen(complaint_id=closed.pk, actor=resident.user, reason="Still dripping")

    closed.refresh_from_db()
    assert (closed.state, closed.reopen_count, closed.reopened_at) == (State.REOPENED, 1, moment)
    assert_history(
        closed, transition=Transition.REOPEN, user=resident.user, reason="Still dripping"
    )


def test_past_the_window_only_a_project_managers_override_with_a_reason_reopens(
    now, travel, closed, agent2, resident, project_manager
):
    """Seven days and one second after closing: the resident gets ReopenWindowClosed, an
    agent is refused too (naming the revisit); a project manager without a reason gets
    InvalidInput on "reason"; with one, the complaint is reopened and the override is a
    "reopen" history row carrying the manager and the reason."""
    moment = travel(now + WINDOW + SECOND)
    before = snapshot(closed)

    with pytest.raises(ReopenWindowClosed):
        complaint_reopen(complaint_id=closed.pk, actor=resident.user, reason="Still dripping")
    with pytest.raises(NotAllowed) as refused:
        complaint_reopen(complaint_id=closed.pk, actor=agent2, reason="Resident called again")
    assert_refused_for_staff(refused.value)
    with pytest.raises(InvalidInput) as no_reason:
        complaint_reopen(complaint_id=closed.pk, actor=project_manager, reason="  ")
    assert no_reason.value.field == "reason"
    assert snapshot(closed) == before

    complaint_reopen(
        complaint_id=closed.pk, actor=project_manager, reason="Override: the leak is back"
    )

    closed.refresh_from_db()
    assert (closed.state, closed.reopened_at) == (State.REOPENED, moment)
    assert_history(
        closed,
        transition=Transition.REOPEN,
        user=project_manager,
        reason="Override: the leak is back",
    )


def test_revisit_recorded_as_not_solved_reopens_with_the_reason(
    now, travel, walk, closed, agent, agent2, project_manager
):
    """Seven days and one second after closing, past the resident's window, customer
    service calls back: recorded as "not solved", the revisit reopens the complaint
    (reopen_count 1, reopened now, the note kept) with the resident's words as the
    reason of the "reopen" history row, and the project manager is told to review it.
    Recorded as solved, another complaint is revisited and stays so."""
    solved = walk(State.CLOSED)
    moment = travel(now + WINDOW + SECOND)

    complaint_revisit(
        complaint_id=closed.pk, actor=agent2, solved=False, note="  Still leaking at the joint. "
    )
    complaint_revisit(complaint_id=solved.pk, actor=agent2, solved=True, note="All good.")

    closed.refresh_from_db()
    assert (closed.state, closed.reopen_count, closed.reopened_at) == (State.REOPENED, 1, moment)
    assert closed.revisit_note == "Still leaking at the joint."
    assert_history(
        closed,
        transition=Transition.REOPEN,
        user=agent2,
        reason="Still leaking at the joint.",
    )
    assert set(
        Notification.objects.filter(complaint=closed, kind="reopened").values_list(
            "recipient_id", flat=True
        )
    ) == {project_manager.pk, agent.pk}
    solved.refresh_from_db()
    assert (solved.state, solved.reopen_count) == (State.REVISITED, 0)
