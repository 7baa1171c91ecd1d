"""The SLA words of the list and the change page: a badge per deadline, its countdown."""

from datetime import datetime

from django.utils.translation import gettext as _

from complaints import sla
from complaints.models import Complaint


def sla_status(complaint: Complaint, now: datetime) -> tuple[str, str]:
    """(css class, words) of the most urgent open deadline: ok, warning (80 %) or breached."""
    deadlines = sla.open_deadlines(complaint)
    if not deadlines:
        if complaint.held_since is not None:
            return "held", _("On hold")
        return "", ""
    return deadline_status(min(deadlines, key=lambda item: item.due_at), now)


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
