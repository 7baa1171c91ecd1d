"""The words around the tables: the rules a report counts by, and its status."""

from django.utils.translation import gettext as _

from complaints import clock
from complaints.models import MonthlySnapshot
from complaints.reports.tables import Kind, local_time


def rules_text(kind: str, rules: dict) -> list[str]:
    """The rules the figures follow, as printed on the page and in the exports."""
    weights = rules["score_weights"]
    common = [
        _(
            "A complaint counts in the month it was closed in (its latest closing, local "
            "time), also when it has been reopened since."
        ),
        _(
            "On time: the complaint has no SLA breach at all, of any deadline, in any "
            "cycle. The on-time rate per level uses the complaint's level."
        ),
        _(
            "Mean satisfaction: the mean of the three scores (problem solved, response "
            "speed, attitude; 0–100) over every submitted survey of these complaints."
        ),
        _("Reopen rate: the share of these complaints reopened at least once."),
        _(
            "Repeat problems: the complaints, open or closed, that became part of a repeat "
            "problem in the month — %(count)d or more complaints about the same unit (for "
            "a common area, the same building) and category filed within %(days)d days, "
            "withdrawn and merged ones left out; the complaints the list tags “repeat”. "
            "Each counts once, in the month the problem formed, whatever its closing."
        )
        % {"count": rules["repeat_count"], "days": rules["repeat_days"]},
    ]
    if kind == Kind.ANALYSIS:
        return [
            _(
                "Received: complaints filed in the month, withdrawn and merged ones left "
                "out. The other figures, except repeat problems, are about the complaints "
                "closed in the month."
            ),
            _("Repeat rate: repeat problems (as above) per complaint received in the month."),
            *common,
            _(
                "Mean handling time: from filing to the (latest) handling, over the "
                "month's closed complaints."
            ),
            _(
                "Satisfaction trend: the mean satisfaction of the complaints closed in each "
                "of the %(months)d months ending with this one; a published month shows "
                "its published figure."
            )
            % {"months": rules["trend_months"]},
        ]
    inspections = []
    if rules.get("failed_inspection_below"):
        inspections = [
            _(
                "Quality inspection (质检抽查): the team's inspections scored in the month "
                "(a sample of its complaints closed the month before), their number and "
                "the mean of their three scores (response time kept, handling quality, "
                "resident communication; 0–100). A team with a failed inspection (below "
                "the pass mark) ranks below every team without one, whatever its score; "
                "such teams rank among themselves as above. Inspections do not change "
                "the score itself, nor the owners' ranking."
            )
        ]
    return [
        *common,
        _(
            "Score = %(on_time)d × on-time rate + %(satisfaction)d × mean satisfaction / 100 "
            "+ %(not_reopened)d × (1 − reopen rate). Without any survey, the other two "
            "parts are scaled up to 100. Teams and owners with no closed complaint are "
            "not ranked."
        )
        % weights,
        _(
            "Ranking: higher score first, then more complaints closed, then name. Red "
            "list: the best %(size)d; black list: the worst %(size)d — with fewer than "
            "%(double)d ranked, each list takes at most half of them (rounded down)."
        )
        % {"size": rules["list_size"], "double": 2 * rules["list_size"]},
        *inspections,
        _(
            "Talk with the team leader (约谈): the team's complaints closed in the month (as "
            "for every figure above) are put in the order of their resolve deadline; "
            "%(streak)d overdue ones (each with a breach) in a row flag the team, with those "
            "complaints linked. Two in a row, or three with an on-time one between, are not "
            "flagged."
        )
        % {"streak": rules["talk_streak"]},
    ]


def status_text(data: dict, snapshot: MonthlySnapshot | None) -> str:
    if snapshot is not None:
        return _("Published %(when)s: final figures, later edits do not change them.") % {
            "when": clock.local_text(snapshot.published_at)
        }
    return _("Live figures of %(when)s — not final: the month is published on the 1st.") % {
        "when": local_time(data["computed_at"])
    }
