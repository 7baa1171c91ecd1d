"""What a site board shows, as a JSON-ready dict of counts: nothing in it names a person,
a phone, a unit or what a complaint says.

The rules come from their homes: "overdue" and "due" are the queues' deadline
(`selectors.complaint_due_expression`, which counts a pending suspected emergency to its
provisional first response), the month's on-time rate and mean satisfaction are the
reports' (`reports.figures`), over the complaints closed this month.
"""

from datetime import datetime, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.models import ACCEPTED_OPEN_STATES, DISCARDED_STATES, Complaint, Level, State
from complaints.models.urgency import complaint_due_expression
from complaints.reports.figures import (
    ClosedMonth,
    add_row,
    blank_counts,
    counted_rows,
    survey_rows,
    with_figures,
)
from complaints.reports.months import month_of

OPEN_STATES = (State.NEW, *ACCEPTED_OPEN_STATES)
DUE_SOON = timedelta(hours=1)
UNCLASSIFIED = "none"


def _month_figures(property_id: int, now: datetime) -> dict:
    """This month's on-time rate and mean satisfaction as the monthly reports count them."""
    closed = ClosedMonth.of(property_id=property_id, month=month_of(now))
    counts = blank_counts()
    for row in counted_rows(closed, group_by=[]):
        add_row(counts, row)
    (surveys,) = survey_rows(closed, group_by=[])
    counts["surveys"], counts["survey_points"] = surveys["surveys"], surveys["points"] or 0
    figures = with_figures(counts)
    return {
        "closed": figures["closed"],
        "on_time_rate": figures["on_time_rate"],
        "surveys": figures["surveys"],
        "mean_satisfaction": figures["mean_satisfaction"],
    }


def age_text(seconds: int) -> str:
    minutes = seconds // 60
    if minutes < 60:
        return ngettext("%(count)d min ago", "%(count)d min ago", minutes) % {"count": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d h ago", "%(count)d h ago", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}


def number_text(value: float | None, unit: str = "") -> str:
    """One decimal, none when it is 0 ("97.5%", "100%"): short enough for a TV tile."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + unit


def board_figures(*, property_id: int, now: datetime) -> dict:
    """The board of one property at `now`: open complaints by state and level, overdue
    and due within the hour, today's intake and closings, the month's on-time rate and
    mean satisfaction, and the age of the last suspected emergency. Three queries for the
    month, one for the rest."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    open_ = Q(state__in=OPEN_STATES)
    level_counts = {
        str(level): Count("pk", filter=open_ & Q(level=level)) for level in Level.values
    }
    row = (
        Complaint.objects.filter(property_id=property_id)
        .order_by()
        .alias(due=complaint_due_expression())
        .aggregate(
            open=Count("pk", filter=open_),
            **{f"state_{state}": Count("pk", filter=Q(state=state)) for state in OPEN_STATES},
            **{f"level_{key}": count for key, count in level_counts.items()},
            level_none=Count("pk", filter=open_ & Q(level__isnull=True)),
            overdue=Count("pk", filter=open_ & Q(due__lte=now)),
            due_soon=Count("pk", filter=open_ & Q(due__gt=now, due__lte=now + DUE_SOON)),
            filed_today=Count(
                "pk", filter=Q(created_at__gte=today) & ~Q(state__in=DISCARDED_STATES)
            ),
            closed_today=Count("pk", filter=Q(closed_at__gte=today)),
            last_emergency=Max("created_at", filter=Q(suspected_emergency=True)),
        )
    )
    last = row["last_emergency"]
    last_age = max(0, int((now - last).total_seconds())) if last is not None else None
    month = _month_figures(property_id, now)
    return {
        "generated_at": now.isoformat(),
        "open": row["open"],
        "by_state": [
            {"key": state, "label": State(state).label, "count": row[f"state_{state}"]}
            for state in OPEN_STATES
        ],
        "by_level": [
            *(
                {"key": str(level), "label": Level(level).label, "count": row[f"level_{level}"]}
                for level in Level.values
            ),
            {"key": UNCLASSIFIED, "label": _("Not classified yet"), "count": row["level_none"]},
        ],
        "overdue": row["overdue"],
        "due_soon": row["due_soon"],
        "filed_today": row["filed_today"],
        "closed_today": row["closed_today"],
        "month": {
            **month,
            "on_time_text": number_text(
                None if month["on_time_rate"] is None else month["on_time_rate"] * 100, "%"
            ),
            # Survey scores are 0–100 already.
            "satisfaction_text": number_text(month["mean_satisfaction"]),
        },
        "last_emergency": {
            "age_seconds": last_age,
            "age_text": age_text(last_age) if last_age is not None else _("none yet"),
        },
    }
