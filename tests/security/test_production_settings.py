"""Production settings: the language cookie travels over HTTPS only, like the session and
CSRF cookies."""

import importlib
import sys

import pytest

SECRET = "production-settings-test-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def prod(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", SECRET)
    sys.modules.pop("propertydesk.settings.prod", None)
    module = importlib.import_module("propertydesk.settings.prod")
    yield module
    sys.modules.pop("propertydesk.settings.prod", None)


def test_language_cookie_is_secure(prod):
    """Secure, not readable from scripts, and not sent on cross-site requests."""
    assert prod.LANGUAGE_COOKIE_SECURE is True
    assert prod.LANGUAGE_COOKIE_HTTPONLY is True
    assert prod.LANGUAGE_COOKIE_SAMESITE == "Lax"
    assert prod.SESSION_COOKIE_SECURE is True
    assert prod.CSRF_COOKIE_SECURE is True
