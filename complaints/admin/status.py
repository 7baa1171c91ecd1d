"""The SLA words of the list and the change page: a badge per deadline, its countdown;
durations in words where Django would print a timedelta ("1 day, 0:00:00")."""

from datetime import datetime

from django.contrib import admin
from django.utils.translation import gettext as _

from complaints import sla
from complaints.models import Complaint
from complaints.selectors import is_suspected_emergency_pending
from propertydesk.durations import duration_text, duration_words

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
        return "breached", _("%(time)s overdue") % {"time": duration_text(-left)}
    status = "warning" if now >= times.warn_at else "ok"
    return status, _("%(time)s left") % {"time": duration_text(left)}


def window_column(model, name: str):
    """A window (an SLA policy's "resolved within") as a list column or a view-only
    field: "2 hours", "7 days" in the reader's language."""

    @admin.display(description=model._meta.get_field(name).verbose_name, ordering=name)
    def column(obj) -> str | None:
        value = getattr(obj, name)
        return None if value is None else duration_words(value)

    return column
