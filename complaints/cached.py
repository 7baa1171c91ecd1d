"""Small tables read on every filing (emergency phrases, category keywords), cached by
generation: a change starts a new generation, at once and again when its transaction
commits, so that a filing in between cannot keep the old table cached.

With a cache every process shares (CACHE_URL) a change shows everywhere at once; with
each process's own memory (the default) another web process sees it within
STALE_AT_MOST, as its generation lapses."""

import uuid

from django.core.cache import cache
from django.db import transaction

STALE_AT_MOST = 60  # seconds


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
