"""Fixtures and helpers of the residents' API tests. tests/api/ has no conftest of its
own yet, so each module imports the fixtures it uses; each is defined as `<name>_fixture`
under the fixture name `<name>`, so a test's argument does not shadow the import.

Clients send `Accept-Language: en` unless told otherwise: the API is not under the
portal's language prefixes, so without the header it answers in the default Chinese."""

from datetime import timedelta

import pytest
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient


def api_url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def api_client(user=None, *, token: bool = False, language: str = "en") -> APIClient:
    """A client signed in as `user`: by its session (as a browser), or with a new knox
    token (as an app)."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        if token:
            _instance, key = AuthToken.objects.create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_login(user)
    return client


@pytest.fixture(name="res_client")
def res_client_fixture(resident) -> APIClient:
    """The resident who filed the `complaint` fixture, by session."""
    return api_client(resident.user)


@pytest.fixture(name="res_app")
def res_app_fixture(resident) -> APIClient:
    """The same resident from an app, with a token."""
    return api_client(resident.user, token=True)


@pytest.fixture(name="res_neighbour")
def res_neighbour_fixture(resident2) -> APIClient:
    return api_client(resident2.user, token=True)


@pytest.fixture(name="res_staff")
def res_staff_fixture(agent) -> APIClient:
    return api_client(agent, token=True)


@pytest.fixture(name="res_anonymous")
def res_anonymous_fixture(db) -> APIClient:
    return api_client()


@pytest.fixture(name="res_axes_on")
def res_axes_on_fixture(settings):
    """django-axes on, as in production: 5 failures, a 15-minute cool-off, REMOTE_ADDR."""
    from propertydesk.settings.base import client_address_sources

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.AXES_RESET_ON_SUCCESS = False
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_COUNT = (
        client_address_sources(0)
    )
    return settings
