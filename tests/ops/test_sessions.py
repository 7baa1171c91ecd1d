"""Sessions: with a cache every web process shares (CACHE_URL) they are read from it and
written through to the database; without one, from the database alone."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

CACHED_DB = "django.contrib.sessions.backends.cached_db"


def session_engine(**env) -> str:
    """SESSION_ENGINE as a process started with these environment variables reads it."""
    environ = {name: value for name, value in os.environ.items() if name != "CACHE_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "propertydesk.settings.dev", **env}
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_the_shared_cache_holds_the_sessions_and_each_process_memory_does_not():
    assert session_engine(CACHE_URL="redis://127.0.0.1:6379/1") == CACHED_DB
    assert session_engine() == "django.contrib.sessions.backends.db"


@pytest.fixture
def shared_cache(settings, worker_id):
    """Redis as CACHE_URL, and the session engine the settings choose with it; a Redis
    database of its own per test worker (clearing the cache empties the whole database)."""
    number = 15 if worker_id == "master" else 13 + int(worker_id.removeprefix("gw")) % 2
    location = f"redis://127.0.0.1:6379/{number}"
    try:
        redis.Redis.from_url(location).ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location},
    }
    settings.SESSION_ENGINE = session_engine(CACHE_URL=location)
    cache.clear()
    yield
    cache.clear()


CHANGELIST = "admin:complaints_complaint_changelist"


def test_a_page_reads_the_session_from_the_shared_cache(client, agent, shared_cache):
    client.force_login(agent)
    client.get(reverse(CHANGELIST))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]


def session_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_session_the_cache_lost_is_read_from_the_database(client, agent, shared_cache):
    client.force_login(agent)
    cache.clear()

    assert session_queries(client)
    assert cache.get(KEY_PREFIX + client.session.session_key) is not None
    assert not session_queries(client)


def test_logging_out_ends_the_session_in_the_cache_too(client, agent, shared_cache):
    client.force_login(agent)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get(reverse(CHANGELIST))
    assert cache.get(KEY_PREFIX + cookie) is not None

    client.post(reverse("admin:logout"))

    assert cache.get(KEY_PREFIX + cookie) is None
    assert not Session.objects.filter(session_key=cookie).exists()

    again = Client()
    again.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = again.get(reverse(CHANGELIST))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
