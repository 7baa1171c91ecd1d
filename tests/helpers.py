"""Assertions shared by the service tests."""

from complaints.models import Complaint
from complaints.reasons import reason_text


def assert_history(complaint: Complaint, *, transition: str, user, reason: str = ""):
    """The newest history row records this transition, actor and reason (as the reader
    reads it); return it."""
    latest = complaint.history.latest()
    assert latest.transition == transition
    assert latest.history_user == user
    assert reason_text(latest.history_change_reason or "") == reason
    return latest


def snapshot(complaint: Complaint) -> tuple:
    """What a refused action must leave untouched: the saved row and its history."""
    fresh = Complaint.objects.get(pk=complaint.pk)
    return (
        fresh.state,
        fresh.owner_id,
        fresh.team_id,
        fresh.assignee_id,
        fresh.category_id,
        fresh.merged_into_id,
        fresh.history.count(),
    )
