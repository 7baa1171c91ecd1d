"""Security fixtures: django-axes switched on with the production defaults, password
guessing against either login."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from propertydesk.settings.base import client_address_sources


@pytest.fixture
def axes_on(settings):
    """django-axes on, as in production: 5 failures, a 15-minute cool-off, REMOTE_ADDR."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    settings.AXES_RESET_ON_SUCCESS = False
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER, settings.AXES_IPWARE_PROXY_COUNT = (
        client_address_sources(0)
    )
    return settings


@pytest.fixture
def trusted_proxies(axes_on) -> Callable[[int], None]:
    """Declares this many reverse proxies, as TRUSTED_PROXY_COUNT does in the settings."""

    def declare(count: int) -> None:
        axes_on.AXES_IPWARE_META_PRECEDENCE_ORDER, axes_on.AXES_IPWARE_PROXY_COUNT = (
            client_address_sources(count)
        )

    return declare
