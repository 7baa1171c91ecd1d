"""Intake-rule fixtures: a clean cache around each test (the phrase lists are cached in
it, and a test's phrases vanish with its transaction) and a project manager's client."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def phrase_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pm_client(client, project_manager):
    client.force_login(project_manager)
    return client
