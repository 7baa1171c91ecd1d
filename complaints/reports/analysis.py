"""The monthly analysis of one property: categories, places, levels, satisfaction trend."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, DurationField, F, Q, Sum

from buildings.models import Building
from complaints import clock
from complaints.models import DISCARDED_STATES, Category, Complaint, MonthlySnapshot, Survey
from complaints.reports.figures import (
    LEVELS,
    RULES,
    TREND_MONTHS,
    ClosedMonth,
    add_row,
    analytic,
    blank_counts,
    counted_rows,
    property_info,
    ratio_of,
    repeat_rows,
    survey_rows,
    with_figures,
)
from complaints.reports.months import month_add, month_bounds


@analytic
def analysis_compute(*, property_id: int, month: date) -> dict:
    """The monthly analysis of one property and month, live, as a JSON-ready dict."""
    closed = ClosedMonth.of(property_id=property_id, month=month)
    start, end = closed.start, closed.end
    handled = Q(handled_at__isnull=False)
    rows = counted_rows(
        closed,
        group_by=["category_id", "building_id", "level"],
        handled=Count("pk", filter=handled),
        handling=Sum(
            F("handled_at") - F("created_at"), filter=handled, output_field=DurationField()
        ),
    )
    received = list(
        Complaint.objects.filter(property_id=property_id, created_at__gte=start, created_at__lt=end)
        .exclude(state__in=DISCARDED_STATES)
        .order_by()
        .values("category_id", "building_id")
        .annotate(received=Count("pk"))
    )

    total = {**blank_counts(), "received": 0, "handled": 0, "handling_seconds": 0.0}
    by_category: dict[int | None, dict] = defaultdict(_place_counts)
    by_building: dict[int | None, dict] = defaultdict(_place_counts)
    for row in rows:
        add_row(total, row)
        row["handling_seconds"] = row["handling"].total_seconds() if row["handling"] else 0.0
        for counts in (total, by_category[row["category_id"]], by_building[row["building_id"]]):
            for key in ("handled", "handling_seconds"):
                counts[key] += row[key]
        for counts in (by_category[row["category_id"]], by_building[row["building_id"]]):
            for key in ("closed", "on_time"):
                counts[key] += row[key]
    for row in repeat_rows(
        property_id=property_id, start=start, end=end, group_by=["category_id", "building_id"]
    ):
        for counts in (total, by_category[row["category_id"]], by_building[row["building_id"]]):
            counts["repeats"] += row["repeats"]
    for row in received:
        total["received"] += row["received"]
        by_category[row["category_id"]]["received"] += row["received"]
        by_building[row["building_id"]]["received"] += row["received"]

    (surveys,) = survey_rows(closed, group_by=[])
    total["surveys"], total["survey_points"] = surveys["surveys"], surveys["points"] or 0
    trend = satisfaction_trend(property_id=property_id, month=month, this_month=total)
    summary = with_figures(total)
    summary["mean_handling_hours"] = _hours(total)
    summary["repeat_rate"] = ratio_of(total["repeats"], total["received"])

    categories = _category_names(set(by_category) - {None})
    buildings = dict(
        Building.objects.filter(pk__in=set(by_building) - {None}).values_list("pk", "name")
    )
    category_entries = [
        {
            "id": category_id,
            **categories.get(category_id, {"name_zh_hans": "未分类", "name_en": "Unclassified"}),
            **_place_figures(counts),
        }
        for category_id, counts in by_category.items()
    ]
    category_entries.sort(
        key=lambda entry: (-entry["received"], -entry["closed"], entry["name_en"])
    )
    building_entries = [
        {"id": building_id, "name": buildings.get(building_id, ""), **_place_figures(counts)}
        for building_id, counts in by_building.items()
    ]
    building_entries.sort(key=lambda entry: (-entry["received"], -entry["closed"], entry["name"]))

    return {
        "kind": MonthlySnapshot.Kind.ANALYSIS.value,
        "month": f"{month:%Y-%m}",
        "property": property_info(property_id),
        "computed_at": clock.now().isoformat(),
        "rules": RULES,
        "summary": summary,
        "levels": [{"level": int(level), **summary["levels"][level]} for level in LEVELS],
        "categories": category_entries,
        "buildings": building_entries,
        "trend": trend,
    }


def _place_counts() -> dict:
    return {
        "received": 0,
        "closed": 0,
        "on_time": 0,
        "repeats": 0,
        "handled": 0,
        "handling_seconds": 0.0,
    }


def _hours(counts: dict) -> float | None:
    ratio = ratio_of(counts["handling_seconds"], counts["handled"])
    return ratio / 3600 if ratio is not None else None


def _place_figures(counts: dict) -> dict:
    return {
        **counts,
        "on_time_rate": ratio_of(counts["on_time"], counts["closed"]),
        "repeat_rate": ratio_of(counts["repeats"], counts["received"]),
        "mean_handling_hours": _hours(counts),
    }


def _category_names(ids: Iterable[int]) -> dict[int, dict]:
    names = {}
    for category in Category.objects.filter(pk__in=list(ids)).select_related("parent"):
        parent = category.parent
        names[category.pk] = {
            "name_zh_hans": f"{parent.name_zh_hans} / {category.name_zh_hans}"
            if parent
            else category.name_zh_hans,
            "name_en": f"{parent.name_en} / {category.name_en}" if parent else category.name_en,
        }
    return names


def satisfaction_trend(*, property_id: int, month: date, this_month: dict) -> list[dict]:
    """Mean satisfaction of the complaints closed in each of the TREND_MONTHS months
    ending with `month`, whose own counts (closed, surveys, survey_points) are given. A
    month already published gives its published figures; the others are counted live,
    all of them in two queries."""
    months = [month_add(month, offset) for offset in range(1 - TREND_MONTHS, 1)]
    published = {
        snapshot.month: snapshot.data["summary"]
        for snapshot in MonthlySnapshot.objects.filter(
            kind=MonthlySnapshot.Kind.ANALYSIS,
            property_id=property_id,
            month__in=months[:-1],
        ).only("month", "data")
    }
    live = [item for item in months[:-1] if item not in published]
    counted: dict[date, dict] = {month: this_month}
    if live:
        ranges = {item: month_bounds(item) for item in live}
        closed = (
            Complaint.objects.filter(
                property_id=property_id,
                closed_at__gte=ranges[live[0]][0],
                closed_at__lt=ranges[live[-1]][1],
            )
            .order_by()
            .aggregate(
                **{
                    f"m{index}": Count("pk", filter=Q(closed_at__gte=start, closed_at__lt=end))
                    for index, (start, end) in enumerate(ranges.values())
                }
            )
        )
        points = F("solved") + F("speed") + F("attitude")
        surveys = (
            Survey.objects.filter(
                submitted_at__isnull=False,
                complaint__property_id=property_id,
                complaint__closed_at__gte=ranges[live[0]][0],
                complaint__closed_at__lt=ranges[live[-1]][1],
            )
            .order_by()
            .aggregate(
                **{
                    f"{key}{index}": aggregate(
                        value,
                        filter=Q(complaint__closed_at__gte=start, complaint__closed_at__lt=end),
                    )
                    for index, (start, end) in enumerate(ranges.values())
                    for key, aggregate, value in (("n", Count, "pk"), ("p", Sum, points))
                }
            )
        )
        for index, item in enumerate(live):
            counted[item] = {
                "closed": closed[f"m{index}"],
                "surveys": surveys[f"n{index}"],
                "survey_points": surveys[f"p{index}"] or 0,
            }
    trend = []
    for item in months:
        source = published.get(item) or counted[item]
        trend.append(
            {
                "month": f"{item:%Y-%m}",
                "published": item in published,
                "closed": source["closed"],
                "surveys": source["surveys"],
                "survey_points": source["survey_points"],
                "mean_satisfaction": ratio_of(source["survey_points"], 3 * source["surveys"]),
            }
        )
    return trend
