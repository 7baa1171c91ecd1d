"""Builds the demo in one go: the places and people, then every story told in one
chronological order, each step through its service with the domain clock set to the
step's planned moment, and between the steps the scheduled jobs at the moments a running
cluster would have run them. Nothing is written afterwards to make it look older.

Every random choice comes from one seeded generator.
"""

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from complaints import clock, services
from complaints.demo.cluster import Cluster, DroppedMessages
from complaints.demo.people import people_create
from complaints.demo.places import P1, P2, places_create
from complaints.demo.steps import Teller
from complaints.demo.stories import STORIES
from complaints.demo.timeline import Timeline, timelines_plan
from complaints.demo.year import RATES, year_stories
from complaints.exceptions import ComplaintError
from complaints.models import Category, Notification

RANDOM_SEED = 20250601
# Notifications older than this by now have been read, a few minutes to hours after
# they came; the newer ones are still unread.
READ_BEFORE = timedelta(hours=12)
READ_AFTER_MINUTES = (3, 240)
# While the demo's past runs, the delivery job sends to nobody: its people are made up.
QUIET_DELIVERY = {
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    "PROPERTYDESK_SMS_BACKEND": f"{DroppedMessages.__module__}.{DroppedMessages.__qualname__}",
}


class Seeder:
    """One demo, told up to `now` (default: the real time), every login with `password`."""

    def __init__(self, *, password: str, now: datetime | None = None) -> None:
        self.rng = random.Random(RANDOM_SEED)
        self.now = now or timezone.now()
        # One hash for every demo login, set without hashing again.
        self.password_hash = make_password(password)
        self._queue: list[tuple[datetime, int, Callable[[], object]]] = []
        self._order = itertools.count()
        self._seen_notification = 0
        self._readings: dict[int, Reading] = {}

    def run(self) -> None:
        """Create everything; call it in a transaction, on a database without the demo."""
        categories = {c.code: c for c in Category.objects.filter(is_active=True)}
        missing = {s.category for s in STORIES} | set(RATES[P1]) | set(RATES[P2])
        missing -= categories.keys()
        if missing:
            raise CommandError(
                f"Complaint categories missing or inactive: {', '.join(sorted(missing))}."
            )
        stories = year_stories(
            now=self.now,
            team_kinds={code: c.default_team_kind for code, c in categories.items()},
        )
        places = places_create()
        self.people = people_create(places, password_hash=self.password_hash, rng=self.rng)
        plans = timelines_plan(
            (*stories, *STORIES),
            default_levels={code: c.default_level for code, c in categories.items()},
            rng=self.rng,
            now=self.now,
        )
        self.teller = Teller(places, self.people, rng=self.rng)
        with override_settings(**QUIET_DELIVERY):
            self._tell(list(plans.values()))

    def _push(self, moment: datetime, action: Callable[[], object]) -> None:
        heapq.heappush(self._queue, (moment, next(self._order), action))

    def _tell(self, timelines: list[Timeline]) -> None:
        """Every step and every reading of a notification at its moment, earliest first;
        before each, the jobs' ticks that come no later; after the last, those up to now.
        A step may change what the jobs wait for; a reading does not. The readings are
        planned after each tick: every notification is delivered at the first tick after
        it was made, minutes before anyone reads it."""
        self.cluster = cluster = Cluster(since=min(t.moments[0] for t in timelines))
        self._seen_notification = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
        for timeline in timelines:
            self._push(timeline.moments[0], partial(self._step, timeline, 0))
        while True:
            upcoming = self._queue[0][0] if self._queue else self.now
            if cluster.run_next(until=upcoming) is not None:
                self._plan_reads()
                continue
            if not self._queue:
                break
            moment, _order, action = heapq.heappop(self._queue)
            with clock.at(moment):
                action()

    def _step(self, timeline: Timeline, index: int) -> None:
        """The filing (index 0) or step `index` of the timeline; the next one is queued."""
        story, steps = timeline.story, timeline.steps
        step = steps[index - 1] if index else "create"
        try:
            if index == 0:
                self.teller.file(story)
            else:
                self.teller.take(story, step, previous=steps[index - 2] if index > 1 else "")
        except ComplaintError as error:
            raise CommandError(
                f"Demo complaint {story.key!r} was refused at {step!r}: {error.message}"
            ) from error
        if index + 1 < len(timeline.moments):
            self._push(timeline.moments[index + 1], partial(self._step, timeline, index + 1))
        self.cluster.changed()

    def _plan_reads(self) -> None:
        """Queue the reading of each notification created since the last look, if it is
        old enough by now to have been read: a while after it came, or with the ones
        its recipient has not read yet, when they next look."""
        rows = (
            Notification.objects.filter(pk__gt=self._seen_notification)
            .order_by("pk")
            .values_list("pk", "recipient_id", "created_at")
        )
        for pk, recipient_id, created_at in rows:
            self._seen_notification = pk
            if self.now - created_at <= READ_BEFORE:
                continue
            reading = self._readings.get(recipient_id)
            if reading is not None and reading.at > created_at:
                reading.notification_ids.append(pk)
                continue
            at = created_at + timedelta(minutes=self.rng.uniform(*READ_AFTER_MINUTES))
            self._readings[recipient_id] = reading = Reading(at, [pk])
            self._push(at, partial(self._read, recipient_id, reading))

    def _read(self, recipient_id: int, reading: "Reading") -> None:
        if self._readings.get(recipient_id) is reading:
            del self._readings[recipient_id]
        services.notification_mark_read(
            user=self.people.users[recipient_id], notification_ids=reading.notification_ids
        )


@dataclass
class Reading:
    """When someone next looks at their notifications, and the ones they will read."""

    at: datetime
    notification_ids: list[int]
