"""The unread count in the portal header and the notifications page that marks them read."""

from django.urls import reverse
from django.utils import timezone

from complaints.models import Notification
from complaints.notifications import notification_build, notifications_save


def notify(user, complaint, kind="handled", key="k1"):
    notifications_save(
        [
            notification_build(
                recipient_id=user.pk,
                kind=kind,
                event_key=key,
                now=timezone.now(),
                complaint=complaint,
            )
        ]
    )


def test_header_shows_the_unread_count(resident_client, walk):
    """Handling a complaint notifies the resident; the header shows one unread."""
    complaint = walk("handled")
    assert Notification.objects.filter(recipient=complaint.resident.user).count() == 1
    content = resident_client.get(reverse("portal:complaint_list")).content.decode()
    assert '<span class="count" aria-label="1 unread">1</span>' in content


def test_notifications_page_lists_and_marks_read(resident_client, walk):
    """The page shows the text with a link to the complaint and marks it read."""
    complaint = walk("handled")
    response = resident_client.get(reverse("portal:notifications"))
    content = response.content.decode()
    assert (
        f"Your complaint {complaint.reference} has been handled. Please confirm the fix." in content
    )
    assert reverse("portal:complaint_detail", args=[complaint.pk]) in content
    assert 'class="count"' not in content
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    again = resident_client.get(reverse("portal:complaint_list")).content.decode()
    assert 'class="count"' not in again


def test_only_my_notifications(resident_client, resident2):
    """A neighbour's notifications are neither counted nor shown nor marked read."""
    notify(resident2.user, None, kind="survey", key="neighbour")
    content = resident_client.get(reverse("portal:notifications")).content.decode()
    assert "No notifications yet." in content
    assert Notification.objects.get().read_at is None


def test_empty_notifications(resident_client):
    """Without notifications the page says so."""
    content = resident_client.get(reverse("portal:notifications")).content.decode()
    assert "No notifications yet." in content
