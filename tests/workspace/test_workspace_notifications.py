"""In-app notifications in the admin: the header counts the user's unread ones, the list
shows only the user's own, and "Mark as read" marks only those."""

import re
from datetime import timedelta

import pytest
from workspace_helpers import admin_url, messages

from complaints.models import Notification, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(now, in_state, agent, agent2):
    """The agent has two unread notices and one read; agent2 has one unread."""
    complaint = in_state(State.CLASSIFIED)

    def notice(user, key, *, read=False, kind="revisit_due"):
        return Notification.objects.create(
            recipient=user,
            kind=kind,
            event_key=key,
            complaint=complaint,
            params={"reference": complaint.reference, "summary": "Tap"},
            created_at=now - timedelta(minutes=len(key)),
            read_at=now if read else None,
        )

    return {
        "unread1": notice(agent, "a"),
        "unread2": notice(agent, "bb", kind="reopened"),
        "read": notice(agent, "ccc", read=True),
        "other": notice(agent2, "dddd"),
        "complaint": complaint,
    }


def header_count(response) -> int:
    match = re.search(
        r'class="pd-notifications">\s*(\d+) unread notifications?</a>', response.content.decode()
    )
    assert match is not None
    return int(match.group(1))


def test_header_counts_the_users_unread_notifications(client, notices, agent, agent2):
    """Every admin page's header says how many unread notifications the user has."""
    client.force_login(agent)
    assert header_count(client.get(admin_url("index"))) == 2
    assert header_count(client.get(admin_url("complaints_complaint_changelist"))) == 2

    client.force_login(agent2)
    assert header_count(client.get(admin_url("index"))) == 1


def test_header_link_opens_the_unread_notifications(client, notices, agent):
    """The header links to the notification list filtered to unread ones."""
    client.force_login(agent)
    content = client.get(admin_url("index")).content.decode()
    link = re.search(r'<a href="([^"]+)" class="pd-notifications">', content).group(1)

    response = client.get(link.replace("&amp;", "&"))

    assert response.status_code == 200
    assert set(response.context["cl"].result_list) == {notices["unread1"], notices["unread2"]}


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor"])
def test_notification_list_shows_only_the_users_own(request, client, notices, role):
    """The notification changelist lists the user's own notifications only, whatever
    their role; other people's (and a handler's, who has none here) are not there."""
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get(admin_url("complaints_notification_changelist"))

    assert response.status_code == 200
    listed = set(response.context["cl"].result_list)
    assert listed == set(Notification.objects.filter(recipient=user))
    assert notices["other"] not in listed


def test_notification_list_shows_the_text_and_the_complaint(client, notices, agent):
    """Each row shows the notification's text and links to its complaint."""
    client.force_login(agent)
    complaint = notices["complaint"]

    content = client.get(admin_url("complaints_notification_changelist")).content.decode()

    assert f"{complaint.reference} is due for a revisit call." in content
    assert f"{complaint.reference} was reopened: Tap" in content
    assert f'href="{admin_url("complaints_complaint_change", complaint.pk)}"' in content


def test_another_users_notification_is_not_shown_by_url(client, notices, agent):
    """Opening someone else's notification by URL does not show it."""
    client.force_login(agent)

    response = client.get(
        admin_url("complaints_notification_change", notices["other"].pk), follow=True
    )

    assert response.redirect_chain == [(admin_url("index"), 302)]


def test_mark_read_marks_only_the_users_own(client, now, notices, agent):
    """ "Mark as read" on the selected rows sets read_at on the user's own unread
    notifications; another user's id slipped into the POST is ignored; the header count
    drops to zero."""
    client.force_login(agent)
    selected = [notices[name].pk for name in ("unread1", "unread2", "read", "other")]

    response = client.post(
        admin_url("complaints_notification_changelist"),
        {"action": "mark_read", "_selected_action": selected, "index": 0},
        follow=True,
    )

    assert messages(response) == [("info", "2 notifications marked read.")]
    for name in ("unread1", "unread2"):
        notices[name].refresh_from_db()
        assert notices[name].read_at == now
    notices["other"].refresh_from_db()
    assert notices["other"].read_at is None
    assert header_count(response) == 0


def test_opening_the_list_does_not_mark_anything_read(client, notices, agent):
    """Reading the list leaves the notifications unread."""
    client.force_login(agent)

    client.get(admin_url("complaints_notification_changelist"))

    assert Notification.objects.filter(recipient=agent, read_at__isnull=True).count() == 2


def test_notification_list_queries_do_not_grow_with_rows(
    client, now, notices, agent, django_assert_max_num_queries
):
    """The notification list takes as many queries for 3 rows as for 60."""
    client.force_login(agent)
    url = admin_url("complaints_notification_changelist")
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    # Read now: a request made outside a capture empties the connection's query log.
    queries_of_few = len(few)
    Notification.objects.bulk_create(
        Notification(
            recipient=agent,
            kind="revisit_due",
            event_key=f"bulk-{i}",
            complaint=notices["complaint"],
            params={"reference": notices["complaint"].reference},
            created_at=now,
        )
        for i in range(57)
    )
    with django_assert_max_num_queries(15) as many:
        client.get(url)

    assert len(many) == queries_of_few
