"""The admin login lands on the admin index when `next` is missing or points elsewhere,
not on Django's /accounts/profile/ (a 404)."""

import pytest
from django.test import Client
from factories import PASSWORD


@pytest.mark.parametrize(
    "login, index",
    [("/en/admin/login/", "/en/admin/"), ("/admin/login/", "/admin/")],
)
@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/admin/", ""])
def test_unsafe_next_lands_on_the_admin_index(agent, login, index, unsafe):
    """?next= to another host (or empty) after a successful admin login: the admin index
    in the page's language, which answers 200."""
    client = Client()
    response = client.post(
        f"{login}?next={unsafe}", {"username": agent.username, "password": PASSWORD, "next": unsafe}
    )

    assert response.status_code == 302
    assert response["Location"] == index
    assert client.get(response["Location"]).status_code == 200


def test_safe_next_is_kept(agent):
    """A `next` on this site is still followed."""
    target = "/en/admin/complaints/complaint/"
    response = Client().post(
        f"/en/admin/login/?next={target}",
        {"username": agent.username, "password": PASSWORD, "next": target},
    )

    assert response["Location"] == target


def test_portal_login_still_sends_residents_to_the_portal(resident):
    """The portal login is unchanged: a resident with an unsafe `next` lands on their
    complaints (staff are sent to the admin; tests/portal cover both)."""
    response = Client().post(
        "/en/portal/login/?next=https://evil.example/",
        {"username": resident.user.username, "password": PASSWORD},
    )

    assert response["Location"] == "/en/portal/complaints/"
