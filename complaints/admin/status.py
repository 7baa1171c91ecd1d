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


def window_column(model, name: str, words=duration_words):
    """A duration field in words ("2 hours", "1d 3h") in the reader's language, as a list
    column or, through DurationsInWords, a view-only field."""

    @admin.display(description=model._meta.get_field(name).verbose_name, ordering=name)
    def column(obj) -> str | None:
        value = getattr(obj, name)
        return None if value is None else words(value)

    return column


class DurationsInWords:
    """A page that only shows (no change permission) gives each duration field that the
    admin has words for (`<name>_words`, a window_column) in those words, with the field's
    help text: Django's read-only field prints the timedelta ("1 day, 0:00:00")."""

    def _in_words(self, name):
        return f"{name}_words" if hasattr(self, f"{name}_words") else name

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        tuple(map(self._in_words, line))
                        if isinstance(line, list | tuple)
                        else self._in_words(line)
                        for line in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        help_texts = {
            self._in_words(field.name): field.help_text
            for field in self.model._meta.fields
            if field.help_text and hasattr(self, f"{field.name}_words")
        }
        return super().get_form(request, obj, change=change, help_texts=help_texts, **kwargs)
