"""Security fixtures: django-axes switched on with the production defaults, password
guessing against either login, and the Simplified Chinese catalogue with the lockout
messages."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from propertydesk.settings.base import client_address_sources

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# The texts this work adds, with their translations, for as long as the project's
# catalogue lacks them; once they are merged there, the catalogue's own serve.
ZH_HANS = {
    (
        "Too many failed log-in attempts. Try again in %(minutes)d minute, or ask your "
        "project manager to unlock your account.",
        "Too many failed log-in attempts. Try again in %(minutes)d minutes, or ask your "
        "project manager to unlock your account.",
    ): "登录失败次数过多。请 %(minutes)d 分钟后再试，或请项目经理为您解锁账号。",
    (
        "Too many failed log-in attempts. Try again in %(minutes)d minute, or ask the "
        "property office to unlock your account.",
        "Too many failed log-in attempts. Try again in %(minutes)d minutes, or ask the "
        "property office to unlock your account.",
    ): "登录失败次数过多。请 %(minutes)d 分钟后再试，或请物业服务中心为您解锁账号。",
    "Too many failed log-in attempts. Ask your project manager to unlock your account.": (
        "登录失败次数过多。请项目经理为您解锁账号。"
    ),
    "Too many failed log-in attempts. Ask the property office to unlock your account.": (
        "登录失败次数过多。请物业服务中心为您解锁账号。"
    ),
}


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


@pytest.fixture
def lockout_catalogue(settings, tmp_path) -> Path:
    """The project's Simplified Chinese catalogue compiled with Babel, completed with the
    lockout texts it does not hold yet, and first on LOCALE_PATHS."""
    with CATALOGUE.open("rb") as source:
        catalogue = read_po(source)
    for msgid, msgstr in ZH_HANS.items():
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if key not in catalogue or not catalogue[key].string:
            catalogue.add(msgid, (msgstr,) if isinstance(msgid, tuple) else msgstr)
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "django.mo").open("wb") as output:
        write_mo(output, catalogue)
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    return target
