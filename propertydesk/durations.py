"""Durations in words in the reader's language, wherever a person reads one: Django and
Python would print a timedelta as "1 day, 3:20:00"."""

from datetime import timedelta

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def duration_words(duration: timedelta) -> str:
    """15 minutes, 2 hours, 3 days — the unit a resident would say (a promised window)."""
    minutes = int(duration.total_seconds() // 60)
    if minutes < 60 or minutes % 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours <= 72 or hours % 24:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def duration_text(delta: timedelta) -> str:
    """Days and hours, or hours and minutes: a countdown, or time gathered (on hold)."""
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)dd %(hours)dh") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)dm") % {"minutes": minutes}
