"""Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request (sliding: each
request extends them); residents keep Django's default session age."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client
from django.utils.functional import SimpleLazyObject
from factories import PASSWORD

from staff.sessions import StaffIdleTimeoutMiddleware

ADMIN = "/en/admin/"
PORTAL = "/en/portal/complaints/"


@pytest.fixture(autouse=True)
def idle_timeout(settings):
    """The production default (the test settings turn it off)."""
    settings.STAFF_SESSION_IDLE_MINUTES = 30


@pytest.fixture
def staff_client(now, agent) -> Client:
    client = Client()
    client.force_login(agent)
    return client


def test_staff_session_slides_with_each_request(staff_client, time_machine):
    """Requests 29 minutes apart keep the staff session alive well past 30 minutes."""
    assert staff_client.get(ADMIN).status_code == 200
    for _ in range(3):
        time_machine.shift(timedelta(minutes=29))
        assert staff_client.get(ADMIN).status_code == 200
    assert staff_client.session.get_expiry_age() == 30 * 60


def test_idle_staff_session_ends(staff_client, time_machine):
    """31 minutes without a request: the admin asks for the login again."""
    assert staff_client.get(ADMIN).status_code == 200

    time_machine.shift(timedelta(minutes=31))
    response = staff_client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")


def test_the_idle_time_is_a_setting(staff_client, time_machine, settings):
    """STAFF_SESSION_IDLE_MINUTES=5: six idle minutes end the session."""
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    assert staff_client.get(ADMIN).status_code == 200
    assert staff_client.session.get_expiry_age() == 5 * 60

    time_machine.shift(timedelta(minutes=6))

    assert staff_client.get(ADMIN).status_code == 302


def test_the_login_itself_sets_the_staff_expiry(now, agent, time_machine):
    """A staff member who logs in and then idles is logged out too, and the browser
    cookie lasts as long as the session."""
    client = Client()
    response = client.post("/en/admin/login/", {"username": agent.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60

    time_machine.shift(timedelta(minutes=31))

    assert client.get(ADMIN).status_code == 302


def test_residents_keep_the_default_session(now, resident, time_machine):
    """A resident's session lasts Django's SESSION_COOKIE_AGE, idle or not."""
    client = Client()
    client.force_login(resident.user)
    assert client.get(PORTAL).status_code == 200
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE

    time_machine.shift(timedelta(hours=12))

    assert client.get(PORTAL).status_code == 200


def test_zero_turns_it_off(staff_client, time_machine, settings):
    """STAFF_SESSION_IDLE_MINUTES=0: staff keep Django's default session too."""
    settings.STAFF_SESSION_IDLE_MINUTES = 0
    assert staff_client.get(ADMIN).status_code == 200
    assert staff_client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE

    time_machine.shift(timedelta(hours=12))

    assert staff_client.get(ADMIN).status_code == 200


def test_requests_without_a_session_are_left_alone(rf):
    """No session key, nobody to extend: the user (and so the session) is not loaded."""

    def unexpected():
        raise AssertionError("the user was loaded")

    request = rf.get("/")
    request.session = SessionStore()
    request.user = SimpleLazyObject(unexpected)

    response = StaffIdleTimeoutMiddleware(lambda request: HttpResponse())(request)

    assert response.status_code == 200
    assert not request.session.accessed


def test_the_session_is_saved_once_a_minute(staff_client, time_machine):
    """Saving it on every request cost each page three queries: the expiry moves on (and
    the session is written) once a minute has passed since it last moved."""

    def expires():
        return Session.objects.get(pk=staff_client.session.session_key).expire_date

    staff_client.get(ADMIN)
    first = expires()
    time_machine.shift(timedelta(seconds=30))
    staff_client.get(ADMIN)
    assert expires() == first

    time_machine.shift(timedelta(seconds=40))
    staff_client.get(ADMIN)
    assert expires() == first + timedelta(seconds=70)
