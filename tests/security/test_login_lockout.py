"""Password guessing (django-axes): after the failure limit, the admin login and the
portal login refuse the right password too, counted per address and per username
independently, with a translated message on the page the user was on."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from factories import PASSWORD, AgentFactory
from security_helpers import (
    ADMIN_LOGIN,
    ATTACKER_IP,
    GUESSES,
    OTHER_IP,
    PORTAL_LOGIN,
    guess,
    log_in,
    logged_in,
)

ENGLISH = {
    "admin": (
        "Too many failed log-in attempts. Try again in 15 minutes, or ask your project "
        "manager to unlock your account."
    ),
    "portal": (
        "Too many failed log-in attempts. Try again in 15 minutes, or ask the property "
        "office to unlock your account."
    ),
}
CHINESE = {
    "admin": "登录失败次数过多。请 15 分钟后再试，或请项目经理为您解锁账号。",
    "portal": "登录失败次数过多。请 15 分钟后再试，或请物业服务中心为您解锁账号。",
}


@pytest.fixture(params=["admin", "portal"])
def login(request, agent, resident, axes_on):
    """(which, login URL, username, second username) for each login: staff at the admin,
    residents at the portal."""
    if request.param == "admin":
        second = AgentFactory(username="agent-two", team=agent.staff_profile.team)
        return request.param, ADMIN_LOGIN, agent.username, second.username
    second = request.getfixturevalue("resident2")
    return request.param, PORTAL_LOGIN, resident.user.username, second.user.username


def test_right_password_is_refused_after_thirty_wrong_ones(login):
    """30 wrong passwords, then the right one from the same address: refused (429), not
    logged in, the lockout message on the page instead of "wrong password"."""
    which, url, username, _second = login
    guess(url, username)

    client, response = log_in(url, username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)
    content = response.content.decode()
    assert ENGLISH[which] in content
    assert "correct username and password" not in content


def test_lockout_by_username_holds_from_another_address(login):
    """The guessed account stays locked when its owner logs in from another address."""
    _which, url, username, _second = login
    guess(url, username)

    client, response = log_in(url, username, PASSWORD, ip=OTHER_IP)

    assert response.status_code == 429
    assert not logged_in(client)


def test_lockout_by_address_holds_for_another_username(login):
    """Guessing from one address locks every account there: another user's right
    password from the same address is refused, from elsewhere it logs in."""
    _which, url, username, second = login
    guess(url, username)

    client, response = log_in(url, second, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)

    client, response = log_in(url, second, PASSWORD, ip=OTHER_IP)
    assert response.status_code == 302
    assert logged_in(client)


def test_unknown_usernames_count_against_the_address(login):
    """Spraying invented usernames from one address locks that address too."""
    _which, url, username, _second = login
    for number in range(GUESSES):
        guess(url, f"nobody-{number}", times=1)

    client, response = log_in(url, username, PASSWORD)

    assert response.status_code == 429
    assert not logged_in(client)


def test_the_limit_is_five_failures(login):
    """Four wrong passwords leave the right one working; the fifth wrong one is already
    answered with the lockout."""
    _which, url, username, _second = login
    assert guess(url, username, times=4).status_code == 200
    client, response = log_in(url, username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)

    assert guess(url, username, times=1).status_code == 429


def test_a_successful_login_does_not_reset_the_count(login):
    """AXES_RESET_ON_SUCCESS is off: axes would clear every failure of the address, so a
    login of one's own would reset the guessing at others. Four failures, a login, then
    one more failure locks."""
    _which, url, username, _second = login
    guess(url, username, times=4)
    assert log_in(url, username, PASSWORD)[1].status_code == 302

    assert guess(url, username, times=1).status_code == 429
    client, response = log_in(url, username, PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_ends_after_the_cool_off(login, now, time_machine):
    """Locked 15 minutes after the last failure: a refused login during the lockout
    counts as one, so trying again at 14 minutes starts the 15 anew."""
    _which, url, username, _second = login
    guess(url, username, times=5)

    time_machine.shift(timedelta(minutes=14))
    assert log_in(url, username, PASSWORD)[1].status_code == 429

    time_machine.shift(timedelta(minutes=14))
    assert log_in(url, username, PASSWORD)[1].status_code == 429

    time_machine.shift(timedelta(minutes=15, seconds=1))
    client, response = log_in(url, username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_lockout_page_is_the_admin_login(agent, axes_on):
    """At the admin, the lockout is the admin's own login page: its error note, the form
    (username kept) and the site's name."""
    guess(ADMIN_LOGIN, agent.username)
    _client, response = log_in(ADMIN_LOGIN, agent.username, PASSWORD)

    content = response.content.decode()
    assert response.status_code == 429
    assert f'<p class="errornote">\n    {ENGLISH["admin"]}\n</p>' in content
    assert 'id="login-form"' in content
    assert f'value="{agent.username}"' in content
    assert "PropertyDesk" in content
    assert ENGLISH["portal"] not in content


def test_the_lockout_page_is_the_portal_login(resident, axes_on):
    """At the portal, the lockout is the portal's login page with its error box."""
    guess(PORTAL_LOGIN, resident.user.username)
    _client, response = log_in(PORTAL_LOGIN, resident.user.username, PASSWORD)

    content = response.content.decode()
    assert response.status_code == 429
    assert f'<div class="form-errors" role="alert">\n  <p>{ENGLISH["portal"]}</p>' in content
    assert "portal/portal.css" in content
    assert 'name="password"' in content
    assert ENGLISH["admin"] not in content


@pytest.mark.parametrize("which, url", [("admin", "/admin/login/"), ("portal", "/portal/login/")])
def test_the_lockout_message_is_chinese_by_default(which, url, agent, resident, axes_on):
    """Without the /en/ prefix the lockout speaks Simplified Chinese."""
    username = agent.username if which == "admin" else resident.user.username
    guess(url, username)
    _client, response = log_in(url, username, PASSWORD)

    content = response.content.decode()
    assert response.status_code == 429
    assert '<html lang="zh-hans"' in content
    assert CHINESE[which] in content
    assert "Too many failed" not in content


def test_without_a_cool_off_the_lockout_waits_for_an_unlock(resident, axes_on):
    """LOGIN_LOCKOUT_MINUTES=0 (no cool-off): the message says whom to ask, not when."""
    axes_on.AXES_COOLOFF_TIME = None
    guess(PORTAL_LOGIN, resident.user.username, times=5)
    _client, response = log_in(PORTAL_LOGIN, resident.user.username, PASSWORD)

    assert response.status_code == 429
    assert (
        "Too many failed log-in attempts. Ask the property office to unlock your account."
        in response.content.decode()
    )


def test_forwarded_for_is_ignored_unless_proxies_are_declared(resident, resident2, axes_on):
    """By default X-Forwarded-For is the client's to invent: changing it on every guess
    does not escape the address lockout."""
    for number in range(GUESSES):
        guess(
            PORTAL_LOGIN,
            resident.user.username,
            times=1,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",
        )

    _client, response = log_in(
        PORTAL_LOGIN, resident2.user.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9"
    )

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_IP}


def test_behind_a_declared_proxy_each_client_counts_apart(resident, resident2, trusted_proxies):
    """TRUSTED_PROXY_COUNT=1: the address the proxy appended is the client's, so one
    guesser behind the proxy does not lock out everyone else behind it."""
    trusted_proxies(1)
    proxy = "10.0.0.1"
    guess(
        PORTAL_LOGIN,
        resident.user.username,
        ip=proxy,
        HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER_IP}",
    )

    client, response = log_in(
        PORTAL_LOGIN, resident2.user.username, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=OTHER_IP
    )

    assert response.status_code == 302
    assert logged_in(client)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER_IP}


PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    "proxies, forwarded, remote, locked",
    [
        pytest.param(0, "1.1.1.1", PROXY, PROXY, id="no-proxy-header-ignored"),
        pytest.param(1, "", PROXY, PROXY, id="empty-header"),
        pytest.param(1, "1.1.1.1", PROXY, "1.1.1.1", id="one-proxy"),
        pytest.param(1, "9.9.9.9, 1.1.1.1", PROXY, "1.1.1.1", id="client-sent-entry-ignored"),
        pytest.param(1, "not-an-address, 1.1.1.1", PROXY, "1.1.1.1", id="client-sent-junk"),
        pytest.param(2, "9.9.9.9, 1.1.1.1, 172.16.0.2", PROXY, "1.1.1.1", id="two-proxies"),
        pytest.param(1, "not-an-address", PROXY, PROXY, id="not-an-address"),
        pytest.param(1, "2001:db8::1", PROXY, "2001:db8::1", id="ipv6"),
        pytest.param(1, "10.9.9.9", "8.8.8.8", "8.8.8.8", id="private-behind-public-proxy"),
        pytest.param(2, "1.1.1.1", PROXY, None, id="too-short-for-two-proxies"),
    ],
)
def test_the_address_locked_out(
    resident, resident2, trusted_proxies, proxies, forwarded, remote, locked
):
    """With TRUSTED_PROXY_COUNT proxies the client is the entry of X-Forwarded-For that
    many places from the right, entries further left (the client's own) never count; a
    header too short or not an address leaves REMOTE_ADDR behind one proxy and no address
    behind more. The address found is the one locked: another account logging in with the
    same headers is refused."""
    trusted_proxies(proxies)
    headers = {"ip": remote, "HTTP_X_FORWARDED_FOR": forwarded}
    guess(PORTAL_LOGIN, resident.user.username, times=5, **headers)

    client, response = log_in(PORTAL_LOGIN, resident2.user.username, PASSWORD, **headers)

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {locked}
    assert response.status_code == 429
    assert not logged_in(client)
