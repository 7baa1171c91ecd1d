"""The holds list in the admin: every hold of the user's properties, for the monthly
review of why clocks were stopped."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from complaints.models import Hold
from complaints.services import complaint_hold


def holds_url() -> str:
    return reverse("admin:complaints_hold_changelist")


def test_holds_are_listed_with_reason_and_duration(client, held, supervisor):
    """A hold the owner started shows in the list for staff of the property, with its
    reason; nobody can add or edit holds there."""
    client.force_login(supervisor)

    response = client.get(holds_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Waiting for parts" in page and "Pump on order" in page and "still on hold" in page
    assert client.get(reverse("admin:complaints_hold_add")).status_code == 403


def test_holds_of_another_property_are_not_listed(client, now, walk, agent, other_agent):
    """Staff of another property see an empty list."""
    complaint = walk("dispatched")
    complaint_hold(
        complaint_id=complaint.pk,
        actor=agent,
        reason=Hold.Reason.ACCESS,
        resume_at=timezone.now() + timedelta(hours=5),
        note="Owner abroad",
    )
    client.force_login(other_agent)

    response = client.get(holds_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert "Owner abroad" not in page and complaint.reference not in page
