"""Deadline maths: the one home of windows, warnings, breaches and escalation times.

A complaint's SLA cycle starts when it is submitted (cycle 0) and again at each
reopening (cycle n). Classifying computes the deadlines of the cycle from the
level's windows; each deadline is warned at 80 % of its window, breached when it
passes unmet (a due time is an exclusive end: met at it is late), and escalated to
the project manager one more window later, even when it was met late meanwhile. Time on
hold stops the resolve clock only.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings

from complaints import cached
from complaints.models import (
    IN_PROGRESS_STATES,
    Breach,
    Complaint,
    Deadline,
    Level,
    PropertySlaOverride,
    SlaPolicy,
)
from complaints.sla.workdays import add_working_days

WINDOWS_CACHE = "sla-windows"

# Deadlines are watched only while someone still has to act on them.


def warning_ratio() -> float:
    return getattr(settings, "PROPERTYDESK_SLA_WARNING_RATIO", 0.8)


@dataclass(frozen=True)
class Windows:
    first_response: timedelta
    on_site: timedelta | None
    resolve: timedelta | None
    resolve_working_days: int | None
    max_hold: timedelta


def windows_for(*, property_id: int, level: int) -> Windows:
    """HQ's policy for the level, tightened by the property's override where it has one,
    as it is now: what deadlines are computed and stored from."""
    policy = SlaPolicy.objects.get(level=level)
    override = PropertySlaOverride.objects.filter(property_id=property_id, level=level).first()

    def pick(field: str):
        own = getattr(override, field, None) if override else None
        return own if own is not None else getattr(policy, field)

    return Windows(
        first_response=pick("first_response"),
        on_site=pick("on_site"),
        resolve=pick("resolve") if policy.resolve is not None else None,
        resolve_working_days=pick("resolve_working_days")
        if policy.resolve_working_days is not None
        else None,
        max_hold=policy.max_hold,
    )


def windows_promised(*, property_id: int, level: int) -> Windows:
    """`windows_for` for the promise the portal shows on every complaint's page, cached
    until a policy or an override is saved or deleted (`windows_changed`). In each
    process's own memory (no CACHE_URL) another process shows a change within
    `cached.STALE_AT_MOST`; nothing stored is computed from it."""
    return cached.read_through(
        WINDOWS_CACHE,
        property_id,
        level,
        read=lambda: windows_for(property_id=property_id, level=level),
    )


def windows_changed(**_signal) -> None:
    cached.generation_renew(WINDOWS_CACHE)


def deadlines_compute(complaint: Complaint, *, start: datetime) -> None:
    """Set the cycle's deadlines in memory from `start` (submission or reopening); time
    already held in the cycle still extends the resolve deadline."""
    windows = windows_for(property_id=complaint.property_id, level=complaint.level)
    complaint.sla_started_at = start
    complaint.first_response_due = start + windows.first_response
    complaint.on_site_due = start + windows.on_site if windows.on_site else None
    if windows.resolve_working_days:
        resolve_due = add_working_days(start, windows.resolve_working_days)
    else:
        resolve_due = start + windows.resolve
    complaint.resolve_due = resolve_due + complaint.held_total


def provisional_level(complaint: Complaint) -> int:
    """The level whose promise applies before classification: level I for a suspected
    emergency, else the default level of the category the filer chose, else level II."""
    if complaint.level:
        return complaint.level
    if complaint.suspected_emergency:
        return Level.I
    if complaint.category_id is not None:
        return complaint.category.default_level
    return Level.II


def first_response_provisional(complaint: Complaint) -> None:
    """Set, in memory at filing, the first response the resident is promised: from the
    submission, by the provisional level's window. The portal, the ownership guard and
    the SLA all read this stored value; classifying recomputes it for the real level."""
    windows = windows_for(property_id=complaint.property_id, level=provisional_level(complaint))
    complaint.first_response_due = complaint.created_at + windows.first_response


@dataclass(frozen=True)
class DeadlineTimes:
    deadline: str
    due_at: datetime
    warn_at: datetime
    escalate_at: datetime


def _met_at(complaint: Complaint, deadline: str) -> datetime | None:
    start = complaint.sla_started_at
    if deadline == Deadline.FIRST_RESPONSE:
        candidates = [complaint.dispatched_at]
    elif deadline == Deadline.ON_SITE:
        candidates = [complaint.on_site_at, complaint.handled_at]
    else:
        candidates = [complaint.handled_at]
    met = [moment for moment in candidates if moment is not None and moment >= start]
    return min(met) if met else None


def _window(complaint: Complaint, deadline: str, due: datetime) -> timedelta:
    """The length of the cycle's window for `deadline`, time on hold left out."""
    held = complaint.held_total if deadline == Deadline.RESOLVE else timedelta()
    return due - complaint.sla_started_at - held


def open_deadlines(complaint: Complaint) -> list[DeadlineTimes]:
    """The cycle's deadlines that are not met yet and whose clock is running."""
    if complaint.state not in IN_PROGRESS_STATES or complaint.sla_started_at is None:
        return []
    result = []
    for deadline, due in (
        (Deadline.FIRST_RESPONSE, complaint.first_response_due),
        (Deadline.ON_SITE, complaint.on_site_due),
        (Deadline.RESOLVE, complaint.resolve_due),
    ):
        if due is None or _met_at(complaint, deadline) is not None:
            continue
        if deadline == Deadline.RESOLVE and complaint.held_since is not None:
            continue
        result.append(deadline_times(deadline, due, _window(complaint, deadline, due)))
    return result


def deadline_times(deadline: str, due: datetime, window: timedelta) -> DeadlineTimes:
    """A deadline's moments: warned at the warning ratio of its window, escalated to the
    project manager one window after it was due."""
    return DeadlineTimes(
        deadline=deadline,
        due_at=due,
        warn_at=due - window * (1 - warning_ratio()),
        escalate_at=due + window,
    )


def provisional_first_response(complaint: Complaint) -> DeadlineTimes:
    """The first response promised at filing (`first_response_provisional`), counted from
    the submission, before the complaint has deadlines of its own."""
    due = complaint.first_response_due
    return deadline_times(Deadline.FIRST_RESPONSE, due, due - complaint.created_at)


def breach_of(
    complaint: Complaint, *, deadline: str, due_at: datetime, detected_at: datetime
) -> Breach:
    """The breach of one of the cycle's deadlines, with the level, owner and team the
    complaint has now, and when it reaches the project manager: one window after it was
    due, whether the deadline is still open then or was met late meanwhile."""
    return Breach(
        complaint=complaint,
        deadline=deadline,
        cycle=complaint.reopen_count,
        level=complaint.level,
        due_at=due_at,
        detected_at=detected_at,
        escalate_at=due_at + _window(complaint, deadline, due_at),
        owner_id=complaint.owner_id,
        team_id=complaint.team_id,
    )


def late_breaches(complaint: Complaint, *, now: datetime) -> list[Breach]:
    """Breaches for deadlines of the cycle met after they were due, which the sweep may not
    have seen yet (met between two sweeps, or while the cluster was down)."""
    if complaint.sla_started_at is None:
        return []
    late = []
    for deadline, due in (
        (Deadline.FIRST_RESPONSE, complaint.first_response_due),
        (Deadline.ON_SITE, complaint.on_site_due),
        (Deadline.RESOLVE, complaint.resolve_due),
    ):
        met = _met_at(complaint, deadline)
        # Due is an exclusive end: met at the due moment is late, as the sweep has it.
        if due is not None and met is not None and met >= due:
            late.append(breach_of(complaint, deadline=deadline, due_at=due, detected_at=now))
    return late


def refresh_schedule(complaint: Complaint, *, now: datetime, swept: bool = False) -> None:
    """Set the stored next deadline and next sweep time after any change, in memory.

    Outside the sweep (`swept=False`), a deadline that is already past and still unmet
    (classified late, or the level changed) brings the next sweep forward to `now`, so
    the breach is recorded and the team leader told at once, not one window later.
    """
    deadlines = open_deadlines(complaint)
    complaint.next_due_at = min((times.due_at for times in deadlines), default=None)
    complaint.sla_next_at = next_check_at(complaint, now=now, deadlines=deadlines)
    if not swept and any(times.due_at <= now for times in deadlines):
        complaint.sla_next_at = now


def next_check_at(
    complaint: Complaint, *, now: datetime, deadlines: list[DeadlineTimes] | None = None
) -> datetime | None:
    """The first moment after `now` when the sweep has something to do for this complaint."""
    if deadlines is None:
        deadlines = open_deadlines(complaint)
    moments = [
        moment
        for times in deadlines
        for moment in (times.warn_at, times.due_at, times.escalate_at)
        if moment > now
    ]
    if complaint.held_until is not None and complaint.state in IN_PROGRESS_STATES:
        moments.append(max(complaint.held_until, now))
    return min(moments) if moments else None


def resume_hold(complaint: Complaint, *, at: datetime) -> timedelta:
    """End the running hold in memory: the resolve deadline moves by the time held."""
    held = at - complaint.held_since
    complaint.held_total += held
    if complaint.resolve_due is not None:
        complaint.resolve_due += held
    complaint.held_since = None
    complaint.held_until = None
    return held
