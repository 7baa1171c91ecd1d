"""Assertions shared by the service tests."""

from django.db import connection

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


def transactions_open_while_photos_processed(monkeypatch) -> list[bool]:
    """Whether a transaction was open each time a photo was processed, filled as the
    photos are processed. Tests using it need `django_db(transaction=True)`: otherwise
    the test's own transaction is open throughout."""
    from complaints.services import photos

    seen: list[bool] = []
    process = photos.photo_process

    def spy(upload):
        seen.append(connection.in_atomic_block)
        return process(upload)

    monkeypatch.setattr(photos, "photo_process", spy)
    return seen
