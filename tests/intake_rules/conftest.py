"""Intake-rule fixtures: a project manager's client. The phrase lists are cached, and a
test's phrases vanish with its transaction: every test starts and ends with an empty
cache (tests/conftest.py)."""

import pytest


@pytest.fixture
def pm_client(client, project_manager):
    client.force_login(project_manager)
    return client
