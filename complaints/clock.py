"""The one clock of the complaint domain. Services, jobs, model defaults and history rows
read `now()`; `at(moment)` sets it for a block, which is how the demo files, accepts and
sweeps its back-dated stories through the real services."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_moment: ContextVar[datetime | None] = ContextVar("complaints_clock", default=None)


def local_text(moment: datetime) -> str:
    """A moment in local time to the minute, as exports and messages write it:
    2026-12-01 16:53, the same in every language."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def now() -> datetime:
    return _moment.get() or timezone.now()


@contextmanager
def at(moment: datetime) -> Iterator[datetime]:
    if timezone.is_naive(moment):
        raise ValueError("the clock takes an aware datetime")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)


def is_set() -> bool:
    return _moment.get() is not None
