"""Who gets in: residents see the portal, staff are sent to the admin, nobody sees another
resident's complaint, and every form is CSRF-protected."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from factories import PASSWORD, ComplaintFactory

from complaints.models import Complaint


def test_front_door_sends_visitors_to_the_login(anonymous_client):
    """ "/" sends an anonymous visitor to the portal login (Chinese, the default)."""
    response = anonymous_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/login/"


def test_front_door_sends_residents_to_their_complaints(resident_client):
    """ "/" sends a logged-in resident to "my complaints"; "/en/" does so in English."""
    assert resident_client.get("/")["Location"] == "/portal/complaints/"
    assert resident_client.get("/en/")["Location"] == "/en/portal/complaints/"


def test_front_door_sends_staff_to_the_admin(agent):
    """ "/" sends a staff member to the admin."""
    client = Client()
    client.force_login(agent)
    assert client.get("/")["Location"] == "/admin/"


def test_login_page_renders_with_csrf(anonymous_client):
    """The login page is a form with a CSRF token."""
    response = anonymous_client.get(reverse("portal:login"))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b'name="username"' in response.content


def test_resident_logs_in_and_lands_on_their_complaints(anonymous_client, resident):
    """A resident's login leads to "my complaints"."""
    response = anonymous_client.post(
        reverse("portal:login"), {"username": "resident", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:complaint_list")


def test_login_keeps_the_page_asked_for(anonymous_client, resident):
    """After the login a resident goes to the page they asked for."""
    wanted = reverse("portal:complaint_new")
    response = anonymous_client.post(
        reverse("portal:login"), {"username": "resident", "password": PASSWORD, "next": wanted}
    )
    assert response["Location"] == wanted


def test_wrong_password_is_refused_with_a_message(anonymous_client, resident):
    """A wrong password shows the login form again with an error and the username kept."""
    response = anonymous_client.post(
        reverse("portal:login"), {"username": "resident", "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert b'value="resident"' in response.content


def test_staff_logging_in_to_the_portal_land_in_the_admin(anonymous_client, agent):
    """Staff who log in through the portal go to the admin, even when a portal page asked."""
    response = anonymous_client.post(
        reverse("portal:login"),
        {"username": "agent", "password": PASSWORD, "next": reverse("portal:complaint_list")},
    )
    assert response["Location"] == reverse("admin:index")


def test_staff_opening_a_portal_page_are_sent_to_the_admin(agent):
    """A portal page sends a logged-in staff member to the admin."""
    client = Client()
    client.force_login(agent)
    response = client.get(reverse("portal:complaint_list"))
    assert response["Location"] == reverse("admin:index")


def test_portal_pages_need_a_login(anonymous_client):
    """An anonymous visitor is sent to the portal login, keeping the page asked for."""
    url = reverse("portal:complaint_new")
    response = anonymous_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={url}"


def test_an_account_without_a_home_is_refused(db):
    """A user who is neither resident nor staff gets a clear 403 page."""
    user = get_user_model().objects.create_user("stranger", password=PASSWORD)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("portal:complaint_list"))
    assert response.status_code == 403
    assert b"No home is linked to this account" in response.content


def test_logout_needs_a_post_and_returns_to_the_login(resident_client):
    """Logging out is a POST; afterwards portal pages ask for the login again."""
    response = resident_client.post(reverse("portal:logout"))
    assert response["Location"] == reverse("portal:login")
    assert resident_client.get(reverse("portal:complaint_list")).status_code == 302


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("portal:complaint_detail", "get"),
        ("portal:complaint_submitted", "get"),
        ("portal:complaint_survey", "get"),
        ("portal:complaint_withdraw", "post"),
        ("portal:complaint_confirm", "post"),
        ("portal:complaint_reopen", "post"),
        ("portal:complaint_survey", "post"),
    ],
)
def test_another_residents_complaint_is_not_found(neighbour_client, complaint, name, method):
    """Every page and action on someone else's complaint is a 404, and nothing changes."""
    history = complaint.history.count()
    response = getattr(neighbour_client, method)(
        reverse(name, args=[complaint.pk]), {"reason": "mine now"} if method == "post" else {}
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == "new"
    assert complaint.history.count() == history


def test_unknown_complaint_is_not_found(resident_client):
    """A complaint number that does not exist is a 404."""
    assert resident_client.get(reverse("portal:complaint_detail", args=[999999])).status_code == 404


def test_my_complaints_list_only_mine(resident_client, resident, resident2):
    """The list shows the resident's complaints and never a neighbour's."""
    mine = ComplaintFactory(resident=resident, description="Broken letterbox")
    theirs = ComplaintFactory(resident=resident2, description="Noisy pump")
    response = resident_client.get(reverse("portal:complaint_list"))
    assert mine.reference.encode() in response.content
    assert b"Broken letterbox" in response.content
    assert theirs.reference.encode() not in response.content
    assert b"Noisy pump" not in response.content


@pytest.mark.parametrize(
    "name", ["portal:complaint_withdraw", "portal:complaint_confirm", "portal:complaint_reopen"]
)
def test_actions_refuse_get(resident_client, complaint, name):
    """State-changing URLs answer only POST."""
    assert resident_client.get(reverse(name, args=[complaint.pk])).status_code == 405


def test_posts_without_the_csrf_token_are_refused(resident, complaint, complaint_form):
    """Filing and withdrawing without the CSRF token are refused with 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident.user)
    assert client.post(reverse("portal:complaint_new"), complaint_form()).status_code == 403
    withdraw = reverse("portal:complaint_withdraw", args=[complaint.pk])
    assert client.post(withdraw).status_code == 403
    assert Complaint.objects.count() == 1
    complaint.refresh_from_db()
    assert complaint.state == "new"


def test_every_portal_form_carries_the_csrf_token(resident_client, complaint):
    """The complaint form and the detail page's forms all carry the CSRF token."""
    for url in (
        reverse("portal:complaint_new"),
        reverse("portal:complaint_detail", args=[complaint.pk]),
    ):
        content = resident_client.get(url).content.decode()
        assert content.count('method="post"') == content.count("csrfmiddlewaretoken")
