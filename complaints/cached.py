"""Small tables read on every filing or page (emergency phrases, category keywords, the
portal's SLA promise), cached by generation: a change starts a new generation, at once
and again when its transaction commits, so that a filing in between cannot keep the old
table cached.

With a cache every process shares (CACHE_URL) a change shows everywhere at once; with
each process's own memory (the default) another web process sees it within
STALE_AT_MOST, as its generation lapses."""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

STALE_AT_MOST = 60  # seconds

T = TypeVar("T")


def read_through(name: str, *parts: object, read: Callable[[], T]) -> T:
    """What `read()` returns, kept under the table's current generation (and `parts`,
    e.g. a property) for at most STALE_AT_MOST."""
    key = ":".join([name, generation(name), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, STALE_AT_MOST)
    return value


def generation(name: str) -> str:
    key = f"{name}:generation"
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=STALE_AT_MOST)
        value = cache.get(key)
    return value


def generation_renew(name: str) -> None:
    def renew() -> None:
        cache.set(f"{name}:generation", uuid.uuid4().hex, timeout=STALE_AT_MOST)

    renew()
    transaction.on_commit(renew)
