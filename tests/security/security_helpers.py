"""Password guessing against either login, as a client of one address would do it."""

from django.test import Client

ADMIN_LOGIN = "/en/admin/login/"
PORTAL_LOGIN = "/en/portal/login/"
ATTACKER_IP = "203.0.113.7"
OTHER_IP = "198.51.100.20"
GUESSES = 30


def guess(url: str, username: str, *, times: int = GUESSES, ip: str = ATTACKER_IP, **extra):
    """`times` wrong passwords for `username` from `ip`; the last response."""
    client = Client()
    response = None
    for attempt in range(times):
        response = client.post(
            url, {"username": username, "password": f"wrong-{attempt}"}, REMOTE_ADDR=ip, **extra
        )
    return response


def log_in(url: str, username: str, password: str, *, ip: str = ATTACKER_IP, **extra):
    """One login with a fresh client; (client, response)."""
    client = Client()
    response = client.post(
        url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
