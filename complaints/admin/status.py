"""The SLA words of the list and the change page: a badge per deadline, its countdown."""

from datetime import datetime

from django.utils.translation import gettext as _

from complaints import sla
from complaints.models import Complaint
from complaints.selectors import is_suspected_emergency_pending

SUSPECTED = "emergency"
"""The css class of a suspected level I nobody has classified yet: red whatever the time."""


def sla_status(complaint: Complaint, now: datetime) -> tuple[str, str]:
    """(css class, words) of the most urgent open deadline: ok, warning (80 %) or
    breached; for a suspected emergency not classified yet, its provisional first
    response, marked "I?" and red whatever the time."""
    deadlines = sla.open_deadlines(complaint)
    if not deadlines:
        if complaint.held_since is not None:
            return "held", _("On hold")
        provisional = provisional_first_response(complaint)
        if provisional is None:
            return "", ""
        _status, words = deadline_status(provisional, now)
        return SUSPECTED, _("I? · %(countdown)s") % {"countdown": words}
    return deadline_status(min(deadlines, key=lambda item: item.due_at), now)


def provisional_first_response(complaint: Complaint) -> sla.DeadlineTimes | None:
    """The first response a suspected emergency was promised at filing, counted from the
    submission, while it has no deadlines of its own (not classified yet)."""
    if not is_suspected_emergency_pending(complaint):
        return None
    return sla.provisional_first_response(complaint)


def deadline_status(times: sla.DeadlineTimes, now: datetime) -> tuple[str, str]:
    left = times.due_at - now
    if left.total_seconds() <= 0:
        return "breached", _("%(time)s overdue") % {"time": _duration(-left)}
    status = "warning" if now >= times.warn_at else "ok"
    return status, _("%(time)s left") % {"time": _duration(left)}


def _duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)dd %(hours)dh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)dm") % {"minutes": minutes}
