"""The figures both reports share: counts per group, ratios, the score and the ranking,
the closed-month membership, repeat and survey rows, and the talk-rule streaks."""

import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
    RowRange,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag

from buildings.models import Property
from complaints.models import Breach, Complaint, Inspection, Level, Survey
from complaints.repeats import REPEAT_PROBLEM_COUNT, REPEAT_WINDOW, repeat_members_tagged
from complaints.reports.months import month_bounds

SCORE_WEIGHTS = {"on_time": 50, "satisfaction": 40, "not_reopened": 10}
LIST_SIZE = 3
TALK_STREAK = 3
TREND_MONTHS = 12
LEVELS = [str(level) for level in Level.values]

RULES = {
    "score_weights": SCORE_WEIGHTS,
    "list_size": LIST_SIZE,
    "talk_streak": TALK_STREAK,
    "repeat_count": REPEAT_PROBLEM_COUNT,
    "repeat_days": REPEAT_WINDOW.days,
    "trend_months": TREND_MONTHS,
    # Issue 16: a team with a failed quality inspection scored in the month ranks below
    # every team without one (`rank`). Snapshots published before it lack the key.
    "failed_inspection_below": True,
}


def blank_counts() -> dict:
    return {
        "closed": 0,
        "on_time": 0,
        "reopened": 0,
        "repeats": 0,
        "surveys": 0,
        "survey_points": 0,
        "levels": {level: {"closed": 0, "on_time": 0} for level in LEVELS},
    }


def add_row(counts: dict, row: dict) -> None:
    for key in ("closed", "on_time", "reopened"):
        counts[key] += row[key]
    level = str(row["level"]) if row.get("level") else None
    if level in counts["levels"]:
        counts["levels"][level]["closed"] += row["closed"]
        counts["levels"][level]["on_time"] += row["on_time"]


def ratio_of(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def score_of(
    on_time_rate: float | None, mean_satisfaction: float | None, reopen_rate: float | None
) -> float | None:
    """The red/black score, 0–100 (see the module docstring); None with nothing closed."""
    if on_time_rate is None or reopen_rate is None:
        return None
    weights = SCORE_WEIGHTS
    score = weights["on_time"] * on_time_rate + weights["not_reopened"] * (1 - reopen_rate)
    if mean_satisfaction is None:
        return score * 100 / (weights["on_time"] + weights["not_reopened"])
    return score + weights["satisfaction"] * mean_satisfaction / 100


def with_figures(counts: dict) -> dict:
    """Counts plus the rates, mean and score derived from them."""
    closed = counts["closed"]
    figures = dict(counts)
    figures["levels"] = {
        level: {**values, "on_time_rate": ratio_of(values["on_time"], values["closed"])}
        for level, values in counts["levels"].items()
    }
    figures["on_time_rate"] = ratio_of(counts["on_time"], closed)
    figures["reopen_rate"] = ratio_of(counts["reopened"], closed)
    figures["mean_satisfaction"] = ratio_of(counts["survey_points"], 3 * counts["surveys"])
    figures["score"] = score_of(
        figures["on_time_rate"], figures["mean_satisfaction"], figures["reopen_rate"]
    )
    return figures


def rank(entries: list[dict]) -> None:
    """Set rank and mark (red, black or "") on entries that have a score. An entry with
    a failed quality inspection in the month (teams only) comes after every entry
    without one, whatever its score; among themselves they rank as the others do."""
    ranked = sorted(
        (entry for entry in entries if entry["score"] is not None),
        key=lambda entry: (
            bool(entry.get("inspections_failed")),
            -entry["score"],
            -entry["closed"],
            entry["name"],
        ),
    )
    size = min(LIST_SIZE, len(ranked) // 2)
    for position, entry in enumerate(ranked):
        entry["rank"] = position + 1
        if position < size:
            entry["mark"] = "red"
        elif position >= len(ranked) - size:
            entry["mark"] = "black"
    for entry in entries:
        entry.setdefault("rank", None)
        entry.setdefault("mark", "")
    entries.sort(key=lambda entry: (entry["rank"] is None, entry["rank"] or 0, entry["name"]))


def _closed_in(property_id: int, start: datetime, end: datetime) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        property_id=property_id, closed_at__gte=start, closed_at__lt=end
    ).order_by()


@dataclass(frozen=True)
class ClosedMonth:
    """The complaints of one property closed in [start, end), and the oldest of them:
    when it was filed and its id, which bound the other tables' rows to read."""

    property_id: int
    start: datetime
    end: datetime
    count: int
    first_filed: datetime | None
    first_id: int | None

    @classmethod
    def of(cls, *, property_id: int, month: date) -> "ClosedMonth":
        start, end = month_bounds(month)
        # With a COUNT beside them, PostgreSQL reads MIN from the month's rows rather
        # than walking a whole index.
        bounds = _closed_in(property_id, start, end).aggregate(
            count=Count("pk"), first_filed=Min("created_at"), first_id=Min("pk")
        )
        return cls(property_id=property_id, start=start, end=end, **bounds)

    def complaints(self) -> QuerySet[Complaint]:
        return _closed_in(self.property_id, self.start, self.end)


def counted_rows(closed: ClosedMonth, *, group_by: list[str], **extra) -> list[dict]:
    """The month's closed complaints grouped by `group_by`: closed, on time (no breach)
    and reopened counts per group, plus `extra` aggregates."""
    if not closed.count:
        return []
    # A deadline falls after its complaint was filed, so these are all the breaches of
    # the month's closed complaints; the database hashes the set once.
    breached_ids = Breach.objects.filter(due_at__gte=closed.first_filed).values("complaint_id")
    return list(
        closed.complaints()
        .values(*group_by)
        .annotate(
            closed=Count("pk"),
            on_time=Count("pk", filter=~Q(pk__in=breached_ids)),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
            **extra,
        )
    )


def repeat_rows(*, property_id: int, start: datetime, end: datetime, group_by: list[str]):
    """The repeat complaints of the month (those the list tags, counted in the month they
    became members), per `group_by` fields of the complaint: one aggregate over the
    stored members of the month."""
    return list(
        repeat_members_tagged(property_id=property_id, start=start, end=end)
        .values(**{field: F(f"complaint__{field}") for field in group_by})
        .annotate(repeats=Count("pk"))
    )


def survey_rows(closed: ClosedMonth, *, group_by: list[str]) -> list[dict]:
    """Submitted surveys of the month's closed complaints: count and the sum of all
    three scores, per group (one row in all when `group_by` is empty)."""
    aggregates = {"surveys": Count("pk"), "points": Sum(F("solved") + F("speed") + F("attitude"))}
    if not closed.count:
        return [{"surveys": 0, "points": 0}] if not group_by else []
    surveys = Survey.objects.filter(
        submitted_at__isnull=False,
        # no survey of these complaints has a smaller complaint id: the index on
        # complaint_id skips the surveys of older complaints
        complaint_id__gte=closed.first_id,
        complaint__property_id=closed.property_id,
        complaint__closed_at__gte=closed.start,
        complaint__closed_at__lt=closed.end,
    ).order_by()
    if not group_by:
        return [surveys.aggregate(**aggregates)]
    return list(surveys.values(*group_by).annotate(**aggregates))


def inspection_figures(*, property_id: int, start: datetime, end: datetime) -> dict[int, dict]:
    """The quality inspections scored in [start, end) per team (those of the previous
    month's complaints, drawn on the 1st): how many, how many failed, the mean of their
    three scores (0–100)."""
    rows = (
        Inspection.objects.filter(
            team__property_id=property_id, scored_at__gte=start, scored_at__lt=end
        )
        .order_by()
        .values("team_id")
        .annotate(
            count=Count("pk"),
            failed=Count("pk", filter=Q(passed=False)),
            points=Sum(F("response_time_score") + F("handling_score") + F("communication_score")),
        )
    )
    return {
        row["team_id"]: {
            "inspections": row["count"],
            "inspections_failed": row["failed"],
            "inspection_mean": row["points"] / (3 * row["count"]),
        }
        for row in rows
    }


NO_INSPECTIONS = {"inspections": 0, "inspections_failed": 0, "inspection_mean": None}


def overdue_streaks(*, property_id: int, start: datetime, end: datetime) -> dict[int, list]:
    """Runs of TALK_STREAK (3) or more overdue complaints in a row, per team.

    The team's complaints closed in [start, end) (the membership of every other figure
    of the list, so the flag links only complaints its rows count), ordered by their
    resolve deadline; overdue means it has a breach. "Overdue" (1 or 0) is added up over
    a frame of each complaint and the TALK_STREAK - 1 before it: one row comes back per
    complaint that closes a streak, and rows sharing complaints are joined into one run.
    Returns
    {team id: [[complaint, …], …]}, a complaint being {"id", "reference", "due_at"}.
    """
    overdue = Case(
        When(pk__in=Breach.objects.values("complaint_id"), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    over = {"partition_by": [F("team_id")], "order_by": [F("resolve_due").asc(), F("pk").asc()]}
    before = range(TALK_STREAK - 1, 0, -1)
    rows = (
        _closed_in(property_id, start, end)
        .filter(team__isnull=False)
        .annotate(
            # this complaint and the ones before it
            overdue_in_streak=Window(
                Sum(overdue), frame=RowRange(start=1 - TALK_STREAK, end=0), **over
            ),
            **{f"id_{back}": Window(Lag("pk", back), **over) for back in before},
            **{f"due_{back}": Window(Lag("resolve_due", back), **over) for back in before},
        )
        # Only conditions on window results: Django applies them after the windows.
        .filter(overdue_in_streak=TALK_STREAK)
        .order_by("team_id", "resolve_due", "pk")
        .values(
            "team_id",
            "pk",
            "resolve_due",
            *(f"{key}_{back}" for back in before for key in ("id", "due")),
        )
    )
    streaks: dict[int, list[list[dict]]] = defaultdict(list)
    for row in rows:
        runs = streaks[row["team_id"]]
        if runs and runs[-1][-1]["id"] == row["id_1"]:
            runs[-1].append(_linked(row["pk"], row["resolve_due"]))
        else:
            runs.append(
                [_linked(row[f"id_{back}"], row[f"due_{back}"]) for back in before]
                + [_linked(row["pk"], row["resolve_due"])]
            )
    return dict(streaks)


def _linked(pk: int, due: datetime) -> dict:
    return {"id": pk, "reference": Complaint(pk=pk).reference, "due_at": due.isoformat()}


def analytic(compute: Callable[..., dict]) -> Callable[..., dict]:
    """On PostgreSQL, run a report's queries in one transaction with the memory to sort
    the month in memory rather than on disk; the setting ends with the transaction. (Not
    on SQLite, where a transaction here would take the write lock.) JIT is off for every
    connection in settings."""

    @functools.wraps(compute)
    def run(**kwargs) -> dict:
        if connection.vendor != "postgresql":
            return compute(**kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
            return compute(**kwargs)

    return run


def property_info(property_id: int) -> dict:
    name = Property.objects.filter(pk=property_id).values_list("name", flat=True).first()
    return {"id": property_id, "name": name or ""}
