"""Supervisor reports (SPEC §5): the monthly red/black list (红黑榜) and the monthly
analysis of one property, and their publication as stored snapshots.

Every figure is an SQL aggregate computed in `figures`, `red_black` and `analysis`;
`publish` stores months; `tables`, `wording`, `charts`, `exports` and `admin` show them.
The Python only adds up grouped rows (one per team × owner × level, or category ×
building × level, …) and never loops over complaints. The pages print the rules
(`RULES` holds the numbers):

- A complaint belongs to the month in which it was closed: its latest `closed_at`, in
  local time (settings.TIME_ZONE, Asia/Shanghai), including one reopened since.
- On time: the complaint has no breach at all, in any cycle, of any deadline.
- Mean satisfaction: the mean of the three scores (solved, speed, attitude) over every
  submitted survey of those complaints.
- Reopen rate: the share of them reopened at least once (`reopen_count > 0`).
- Repeat problems (重复投诉), as `complaints.repeats` defines them and the complaint list
  tags them: the complaints, in any state, that became members of a repeat problem in
  the month (their `since`), each counted once, in that one month, by its own team,
  owner, category and building. They are read from the stored `RepeatMember` rows; a
  later filing never changes a past month's count. The analysis's repeat rate divides
  them by the complaints received in the month.
- Score: 50 × on-time rate + 40 × mean satisfaction / 100 + 10 × (1 − reopen rate); with
  no survey at all the two other parts are scaled up to 100. Only teams and owners with
  closed complaints are ranked: best score first, then more complaints closed, then
  name. Red = the best min(3, n // 2), black = the worst min(3, n // 2) of n ranked.
- Talk with the team leader (约谈): a team's complaints whose resolve deadline falls in
  the month, in the order of that deadline; three overdue ones (each with a breach) in a
  row flag the team.
- A published month is a stored snapshot (`MonthlySnapshot`): the pages show it as it
  was published; the current month, and a past month not yet published, are computed
  live and marked "not final".
"""

from complaints.reports.analysis import analysis_compute
from complaints.reports.figures import RULES, TREND_MONTHS, overdue_streaks, score_of
from complaints.reports.months import month_add, month_bounds, month_of, month_parse
from complaints.reports.publish import (
    report_for,
    report_month_default,
    report_property_ids_for,
    snapshots_publish,
)
from complaints.reports.red_black import red_black_compute

__all__ = [
    "RULES",
    "TREND_MONTHS",
    "analysis_compute",
    "month_add",
    "month_bounds",
    "month_of",
    "month_parse",
    "overdue_streaks",
    "red_black_compute",
    "report_for",
    "report_month_default",
    "report_property_ids_for",
    "score_of",
    "snapshots_publish",
]
