"""Fixtures and helpers of the residents' API tests, imported by name from each module
(tests/api/ has no conftest of its own yet).

Clients send `Accept-Language: en` unless told otherwise: the API is not under the
portal's language prefixes, so without the header it answers in the default Chinese."""

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


@pytest.fixture
def res_client(resident) -> APIClient:
    """The resident who filed the `complaint` fixture, by session."""
    return api_client(resident.user)


@pytest.fixture
def res_app(resident) -> APIClient:
    """The same resident from an app, with a token."""
    return api_client(resident.user, token=True)


@pytest.fixture
def res_neighbour(resident2) -> APIClient:
    return api_client(resident2.user, token=True)


@pytest.fixture
def res_staff(agent) -> APIClient:
    return api_client(agent, token=True)


@pytest.fixture
def res_anonymous(db) -> APIClient:
    return api_client()
