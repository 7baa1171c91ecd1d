"""The SLA: deadline maths (`deadlines`), PRC working days (`workdays`), who is told of
a deadline (`escalation`) and the minute sweep (`sweep`). `from complaints import sla`
gives the deadline maths; the sweep is a job and is imported from `complaints.sla.sweep`
(or run by its schedule in `complaints.tasks`)."""

from complaints.sla.deadlines import (
    DeadlineTimes,
    Windows,
    breach_of,
    deadline_times,
    deadlines_compute,
    first_response_provisional,
    late_breaches,
    next_check_at,
    open_deadlines,
    provisional_first_response,
    provisional_level,
    refresh_schedule,
    resume_hold,
    warning_ratio,
    windows_for,
    windows_promised,
)

__all__ = [
    "DeadlineTimes",
    "Windows",
    "breach_of",
    "deadline_times",
    "deadlines_compute",
    "first_response_provisional",
    "late_breaches",
    "next_check_at",
    "open_deadlines",
    "provisional_first_response",
    "provisional_level",
    "refresh_schedule",
    "resume_hold",
    "warning_ratio",
    "windows_for",
    "windows_promised",
]
