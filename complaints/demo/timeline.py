"""When each story's steps happen: filed on the year's story's own day, or within the
part of the last six weeks a hand-written story's final state suggests (open ones
recently, finished ones anywhere), in the hours people use its channel, each step a
realistic while after the one before (repairs and call-backs in the day), and the last
a few minutes before now at the latest. A duplicate is filed a little after the
complaint it repeats."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from complaints.demo.stories.story import (
    ACCEPT,
    AUTO_CONFIRMED,
    CLASSIFY,
    CLOSE,
    DISPATCH,
    HANDLE,
    MISROUTE,
    ON_SITE,
    PATHS,
    REOPEN,
    REVISIT,
    SURVEY,
    TRANSFER,
    WITHDRAW,
    Story,
)
from complaints.models import Channel, Level, State
from complaints.services import settings_duration
from complaints.tasks import survey_waiting_time

# How long ago (days) a complaint that ends in this state was filed.
START_WINDOW_DAYS = {
    State.NEW: (0.02, 0.25),
    State.ACCEPTED: (0.1, 1.0),
    State.CLASSIFIED: (0.2, 1.5),
    State.DISPATCHED: (0.3, 2.5),
    State.HANDLED: (0.8, 2.5),
    State.REOPENED: (3, 12),
    State.CLOSED: (4, 42),
    State.REVISITED: (6, 42),
    State.WITHDRAWN: (1, 40),
}
OFFICE_CHANNELS = (Channel.WALK_IN, Channel.PAPER, Channel.COMMITTEE)
# The hours of the day's work on site and on the phone: from 08:00 until 20:00.
DAY = (8, 20)


@dataclass(frozen=True)
class Timeline:
    """One story's plan: its steps after filing, and when it was filed and each step taken."""

    story: Story
    level: int
    steps: tuple[str, ...]
    moments: tuple[datetime, ...]  # the filing, then one per step


def story_steps(story: Story, level: int) -> tuple[str, ...]:
    """The story's steps. Level I gets the arrival on site; only a resident who confirmed
    the fix answers the survey; a fix the resident left unconfirmed is closed by the
    auto-confirm job, which a later step only finds done."""
    steps = []
    for step in story.path if story.path is not None else PATHS[story.state]:
        if step == SURVEY and (not story.with_resident or story.close_by != "resident"):
            continue
        if step == CLOSE and story.close_by == "system":
            step = AUTO_CONFIRMED
        steps.append(step)
        if step == DISPATCH and level == Level.I:
            steps.append(ON_SITE)
    return tuple(steps)


def _minutes(low: float, high: float, rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.uniform(low, high))


def _gap(
    steps: tuple[str, ...], index: int, *, story: Story, level: int, rng: random.Random
) -> timedelta:
    """How long after the previous step this one happens, in realistic minutes."""
    step = steps[index]
    previous = steps[index - 1] if index else ""
    urgent = level == Level.I
    if step == ACCEPT:
        low, high = (1, 5) if urgent or story.channel == Channel.IOT else (3, 45)
    elif step == CLASSIFY:
        low, high = (1, 3) if urgent else (1, 15)
    elif step == MISROUTE:
        low, high = 3, 30
    elif step == DISPATCH:
        low, high = {MISROUTE: (45, 180), REOPEN: (20, 120)}.get(
            previous, (1, 5) if urgent else (2, 30)
        )
    elif step == ON_SITE:
        low, high = 8, 25
    elif step == TRANSFER:
        low, high = 120, 600
    elif step == HANDLE:
        if urgent:
            low, high = 15, 70
        elif story.slow:
            low, high = 1500, 2600
        elif level == Level.III:
            low, high = 1440, 5760
        else:
            low, high = 90, 1200
    elif step == CLOSE:
        by_owner = story.close_by == "owner" or not story.with_resident
        low, high = (240, 2880) if by_owner else (60, 1800)
    elif step == AUTO_CONFIRMED:
        # The job runs every ten minutes once the window is over.
        return settings_duration("CONFIRMATION_WINDOW") + _minutes(15, 40, rng)
    elif step == SURVEY:
        # The resident answers the invitation sent soon after the closing.
        return survey_waiting_time() + _minutes(15, 1200, rng)
    elif step == REVISIT:
        low, high = (20, 600) if previous == SURVEY else (1440, 2880)
    elif step == REOPEN:
        low, high = {REVISIT: (2, 10), HANDLE: (120, 1440)}.get(previous, (600, 5760))
    elif step == WITHDRAW:
        low, high = 5, 120
    else:
        low, high = 10, 90
    return _minutes(low, high, rng)


def timelines_plan(
    stories: tuple[Story, ...],
    *,
    default_levels: dict[str, int],
    rng: random.Random,
    now: datetime,
) -> dict[str, Timeline]:
    """Each story's timeline, by story key; `default_levels` by category code."""
    plans: dict[str, Timeline] = {}
    ordered = [s for s in stories if not s.merge_into] + [s for s in stories if s.merge_into]
    for story in ordered:
        level = story.level or default_levels[story.category]
        steps = story_steps(story, level)
        gaps = [_gap(steps, i, story=story, level=level, rng=rng) for i in range(len(steps))]
        latest = now - _minutes(3, 30, rng)
        mornings = [_minutes(0, 90, rng) if _waits_for_day(step, level) else None for step in steps]
        if story.merge_into:
            start = plans[story.merge_into].moments[0] + _minutes(30, 480, rng)
        elif story.filed is not None:
            start = _during_day(story.filed, story.channel, rng=rng)
        else:
            low, high = START_WINDOW_DAYS[story.state]
            start = _waking_hours(
                now - timedelta(days=rng.uniform(low, high)), story.channel, rng=rng, now=now
            )
        moments = _moments(start, gaps, mornings)
        for attempt in range(10):
            if moments[-1] <= latest:
                break
            # Filed earlier, so that the last step is done by now; further back each
            # time, for a step the night moves to a morning later than now.
            least = timedelta(hours=2**attempt) if attempt else timedelta()
            earlier = max(moments[-1] - latest, least)
            moments = _moments(moments[0] - earlier, gaps, mornings)
        else:
            raise ValueError(f"Demo story {story.key!r} does not fit before now.")
        plans[story.key] = Timeline(story=story, level=level, steps=steps, moments=tuple(moments))
    return plans


def _waits_for_day(step: str, level: int) -> bool:
    """A repair that is not an emergency, and customer service's call-back, are done in
    the day: one that would fall at night waits for the morning."""
    return step == REVISIT or (step == HANDLE and level != Level.I)


def _moments(
    start: datetime, gaps: list[timedelta], mornings: list[timedelta | None]
) -> list[datetime]:
    """The filing and each step's moment: its gap after the one before, and for a step
    that waits for the day and falls at night, its while (`mornings`) after DAY begins."""
    moments = [start]
    for gap, morning in zip(gaps, mornings, strict=True):
        moment = moments[-1] + gap
        local = timezone.localtime(moment)
        first, last = DAY
        if morning is not None and not first <= local.hour < last:
            day = local.date() + timedelta(days=1 if local.hour >= last else 0)
            moment = datetime(day.year, day.month, day.day, first, tzinfo=local.tzinfo) + morning
        moments.append(moment)
    return moments


def _channel_hours(channel: str) -> tuple[int, int]:
    """The first and last hour people use the channel: the desk, paper forms and
    referrals in office hours, phone and web from 7 to 23, sensors at any hour."""
    if channel == Channel.IOT:
        return 0, 23
    return (8, 17) if channel in OFFICE_CHANNELS else (7, 22)


def _during_day(day: date, channel: str, *, rng: random.Random) -> datetime:
    """A moment of `day` (local) in the hours people use the channel."""
    first, last = _channel_hours(channel)
    return datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(first, last),
        rng.randrange(60),
        tzinfo=timezone.get_current_timezone(),
    )


def _waking_hours(start: datetime, channel: str, *, rng: random.Random, now: datetime) -> datetime:
    """Move a filing time into the hours people use that channel, never later. Older
    complaints get a random time of their day."""
    if channel == Channel.IOT:
        return start
    first, last = _channel_hours(channel)
    local = timezone.localtime(start)
    if first <= local.hour <= last and now - start < timedelta(days=1):
        return start
    moved = local.replace(hour=rng.randint(first, last), minute=rng.randrange(60), second=0)
    return moved if moved <= start else moved - timedelta(days=1)
