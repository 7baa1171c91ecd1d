"""Site board links in the admin: a project manager makes one for their property (its
address shown once) and revokes it; the link works until then."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from complaints.models import BoardToken

pytestmark = pytest.mark.django_db


def test_project_manager_makes_a_link_shown_once(client, project_manager, prop):
    client.force_login(project_manager)
    response = client.post(
        reverse("admin:complaints_boardtoken_add"), {"property": prop.pk, "name": "Lobby TV"}
    )

    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request) if "/board/" in str(m)]
    # In the admin's language: English here (/en/board/…); Chinese is /board/….
    address = re.search(r"http://testserver(/en/board/[^/<]+/)", message).group(1)
    link = BoardToken.objects.get(property=prop, name="Lobby TV")
    token = address.split("/")[3]
    assert token.startswith(link.token_prefix)
    assert token not in link.token_hash
    assert client.get(address).status_code == 200

    shown = client.get(reverse("admin:complaints_boardtoken_changelist")).content.decode()
    again = client.get(reverse("admin:complaints_boardtoken_change", args=[link.pk]))
    assert token in shown  # the message, on the page after saving
    assert token not in again.content.decode()


def test_revoke_action_ends_the_link(client, project_manager, board):
    link, token = board
    client.force_login(project_manager)
    response = client.post(
        reverse("admin:complaints_boardtoken_changelist"),
        {"action": "revoke", "_selected_action": [link.pk], "index": 0},
    )

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(reverse("board:data", args=[token])).status_code == 404
    again = client.post(
        reverse("admin:complaints_boardtoken_changelist"),
        {"action": "revoke", "_selected_action": [link.pk], "index": 0},
        follow=True,
    )
    assert "revoked already" in again.content.decode()


def test_another_propertys_manager_cannot_see_or_revoke(client, board, other_prop):
    from factories import ProjectManagerFactory

    link, _token = board
    client.force_login(ProjectManagerFactory(properties=[other_prop]))
    page = client.get(reverse("admin:complaints_boardtoken_change", args=[link.pk]))
    client.post(
        reverse("admin:complaints_boardtoken_changelist"),
        {"action": "revoke", "_selected_action": [link.pk], "index": 0},
    )

    assert page.status_code == 302  # the admin's "doesn't exist" redirect
    link.refresh_from_db()
    assert link.revoked_at is None
