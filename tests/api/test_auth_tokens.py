"""Logging in from an app: a knox token for a username and password, checked by Django's
login form through `authenticate(request=...)` (so the login lockout counts it), refused
for a wrong password or an inactive account alike; logout revokes the token, logoutall
every token of the user. Browsers keep their session, with CSRF enforced."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone, translation
from factories import PASSWORD
from knox.models import AuthToken
from resident_fixtures import api_client, api_url, res_axes_on_fixture  # noqa: F401
from rest_framework.test import APIClient

ATTACKER_IP = "203.0.113.7"
OTHER_IP = "198.51.100.20"
WRONG_LOGIN = (
    "Please enter a correct username and password. Note that both fields may be case-sensitive."
)


def log_in(username: str, password: str = PASSWORD, *, ip: str = ATTACKER_IP, language="en"):
    return APIClient(HTTP_ACCEPT_LANGUAGE=language).post(
        api_url("auth_login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def with_token(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_login_gives_a_token_that_authenticates_the_app(resident, complaint):
    """The right password gives a token and its expiry (30 days, REST_KNOX); the token
    opens the resident's API, stored only hashed."""
    response = log_in(resident.user.username)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    (stored,) = AuthToken.objects.filter(user=resident.user)
    assert body["token"] not in stored.digest
    expiry = timezone.datetime.fromisoformat(body["expiry"])
    assert expiry - timezone.now() == pytest.approx(timedelta(days=30), abs=timedelta(minutes=1))
    listed = with_token(body["token"]).get(api_url("resident_complaints"))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["results"]] == [complaint.pk]


def test_every_login_gets_a_token_of_its_own(resident):
    """Two devices, two tokens: each works."""
    first = log_in(resident.user.username).json()["token"]
    second = log_in(resident.user.username).json()["token"]
    assert first != second
    for token in (first, second):
        assert with_token(token).get(api_url("resident_complaints")).status_code == 200


def test_staff_log_in_too(agent):
    """Staff tools use the same login."""
    response = log_in(agent.username)
    assert response.status_code == 200
    assert AuthToken.objects.filter(user=agent).count() == 1


@pytest.mark.parametrize("language, message", [("en", WRONG_LOGIN), ("zh-hans", None)])
def test_wrong_password_is_refused_and_no_token_made(resident, language, message):
    """400 with the login form's own message, in the caller's language; no token."""
    response = log_in(resident.user.username, "not-the-password", language=language)

    assert response.status_code == 400
    body = response.json()
    if message is None:
        with translation.override("zh-hans"):
            message = str(AuthenticationForm.error_messages["invalid_login"]) % {
                "username": get_user_model()._meta.get_field("username").verbose_name
            }
        assert message != WRONG_LOGIN
    assert body == {"code": "invalid", "detail": message, "errors": {"non_field_errors": [message]}}
    assert not AuthToken.objects.exists()


def test_inactive_account_is_refused_like_a_wrong_password(resident):
    """An inactive user with the right password learns nothing more than a guesser."""
    resident.user.is_active = False
    resident.user.save()

    response = log_in(resident.user.username)

    assert response.status_code == 400
    assert response.json()["detail"] == WRONG_LOGIN
    assert not AuthToken.objects.exists()


def test_missing_fields_are_named(db):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(api_url("auth_login"), {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_logout_revokes_this_token_only(resident):
    """After logout the token gets 401; the user's other token still works."""
    first = log_in(resident.user.username).json()["token"]
    second = log_in(resident.user.username).json()["token"]

    response = with_token(first).post(api_url("auth_logout"))

    assert response.status_code == 204
    refused = with_token(first).get(api_url("resident_complaints"))
    assert refused.status_code == 401
    assert refused.json() == {"code": "not_authenticated", "detail": "Invalid token."}
    assert refused["WWW-Authenticate"] == "Token"
    assert with_token(second).get(api_url("resident_complaints")).status_code == 200


def test_logoutall_revokes_every_token_of_the_user(resident, resident2):
    """Every device of the user is signed out; other users' tokens are untouched."""
    first = log_in(resident.user.username).json()["token"]
    second = log_in(resident.user.username).json()["token"]
    neighbour = log_in(resident2.user.username).json()["token"]

    assert with_token(first).post(api_url("auth_logoutall")).status_code == 204

    for token in (first, second):
        assert with_token(token).get(api_url("resident_complaints")).status_code == 401
    assert with_token(neighbour).get(api_url("resident_complaints")).status_code == 200


def test_logout_needs_a_token(resident):
    """Logout is for tokens: without one, 401 (a session logs out through the portal)."""
    for client in (api_client(), api_client(resident.user)):
        response = client.post(api_url("auth_logout"))
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


def test_an_expired_token_is_refused(resident, time_machine):
    token = log_in(resident.user.username).json()["token"]
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert with_token(token).get(api_url("resident_complaints")).status_code == 401
    assert not AuthToken.objects.exists()


def test_a_token_of_a_deactivated_user_is_refused(resident):
    token = log_in(resident.user.username).json()["token"]
    resident.user.is_active = False
    resident.user.save()
    response = with_token(token).get(api_url("resident_complaints"))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_made_up_token_is_refused(db):
    response = with_token("0" * 64).get(api_url("resident_complaints"))
    assert response.status_code == 401


def test_session_writes_need_the_csrf_token(resident, complaint):
    """A browser's session works for the API, and its POSTs need the CSRF token; a
    token-authenticated app needs none."""
    browser = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(resident.user)
    url = api_url("resident_complaint_withdraw", complaint.pk)
    assert browser.get(api_url("resident_complaints")).status_code == 200

    refused = browser.post(url, {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_permitted"
    assert "CSRF" in refused.json()["detail"]
    complaint.refresh_from_db()
    assert complaint.state == "new"

    # The portal's pages give the browser its CSRF cookie.
    browser.get("/en/portal/complaints/")
    csrf = browser.cookies["csrftoken"].value
    allowed = browser.post(url, {}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert allowed.status_code == 200
    assert allowed.json()["state"] == "withdrawn"

    app = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    app.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=resident.user)[1]}")
    assert app.post(url, {}, format="json").status_code == 409  # withdrawn already


# --- The login lockout (django-axes) -------------------------------------------------------


def guess(username: str, times: int = 5, *, ip: str = ATTACKER_IP):
    response = None
    for attempt in range(times):
        response = log_in(username, f"wrong-{attempt}", ip=ip)
    return response


def test_the_right_password_is_refused_after_five_wrong_ones(res_axes_on, resident):
    """The sixth login, with the right password, gets 429 and the lockout message in the
    error body (not axes' text page), in the caller's language; no token."""
    last_guess = guess(resident.user.username)
    assert last_guess.status_code == 429

    response = log_in(resident.user.username)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "locked_out",
        "detail": "Too many failed log-in attempts. Try again in 15 minutes, or ask the "
        "property office to unlock your account.",
    }
    chinese = log_in(resident.user.username, language="zh-hans")
    assert chinese.status_code == 429
    assert (
        chinese.json()["detail"]
        == "登录失败次数过多。请 15 分钟后再试，或请物业服务中心为您解锁账号。"
    )
    assert not AuthToken.objects.exists()


def test_four_wrong_passwords_still_let_the_right_one_in(res_axes_on, resident):
    guess(resident.user.username, times=4)
    assert log_in(resident.user.username).status_code == 200


def test_the_lockout_holds_for_the_account_from_another_address(res_axes_on, resident):
    guess(resident.user.username)
    assert log_in(resident.user.username, ip=OTHER_IP).status_code == 429


def test_the_api_and_the_portal_count_together(res_axes_on, resident, client):
    """Guesses at the portal's login lock the API's too: one count per account."""
    for attempt in range(5):
        client.post(
            "/en/portal/login/",
            {"username": resident.user.username, "password": f"wrong-{attempt}"},
            REMOTE_ADDR=ATTACKER_IP,
        )
    assert log_in(resident.user.username, ip=OTHER_IP).status_code == 429


def test_a_token_made_before_the_lockout_keeps_working(res_axes_on, resident):
    """The lockout stops logins, not the devices already signed in."""
    token = log_in(resident.user.username).json()["token"]
    guess(resident.user.username)
    assert with_token(token).get(api_url("resident_complaints")).status_code == 200


def test_a_new_password_ends_the_users_tokens(resident, resident2):
    """A new password (after a phone is lost, say) logs every app out; other saves of
    the user, and other users' tokens, leave them be."""
    token = log_in(resident.user.username).json()["token"]
    neighbour = log_in(resident2.user.username).json()["token"]
    user = get_user_model().objects.get(pk=resident.user.pk)
    user.first_name = "Renamed"
    user.save()
    assert with_token(token).get(api_url("resident_complaints")).status_code == 200

    user.set_password("A-new-long-password-9")
    user.save()

    assert with_token(token).get(api_url("resident_complaints")).status_code == 401
    assert with_token(neighbour).get(api_url("resident_complaints")).status_code == 200
