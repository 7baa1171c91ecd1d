"""The monthly red/black list (红黑榜) of one property's teams and owners."""

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from complaints import clock
from complaints.models import MonthlySnapshot
from complaints.reports.figures import (
    NO_INSPECTIONS,
    RULES,
    ClosedMonth,
    add_row,
    analytic,
    blank_counts,
    counted_rows,
    inspection_figures,
    overdue_streaks,
    property_info,
    rank,
    repeat_rows,
    survey_rows,
    with_figures,
)
from staff.models import Team
from staff.selectors import user_display_name


@analytic
def red_black_compute(*, property_id: int, month: date) -> dict:
    """The red/black list of one property and month, live, as a JSON-ready dict."""
    closed = ClosedMonth.of(property_id=property_id, month=month)
    rows = counted_rows(closed, group_by=["team_id", "owner_id", "level"])
    surveys = survey_rows(closed, group_by=["complaint__team_id", "complaint__owner_id"])
    streaks = overdue_streaks(property_id=property_id, start=closed.start, end=closed.end)
    inspections = inspection_figures(property_id=property_id, start=closed.start, end=closed.end)

    total = blank_counts()
    by_team: dict[int | None, dict] = defaultdict(blank_counts)
    by_owner: dict[int | None, dict] = defaultdict(blank_counts)
    for row in rows:
        for counts in (total, by_team[row["team_id"]], by_owner[row["owner_id"]]):
            add_row(counts, row)
    for row in repeat_rows(
        property_id=property_id,
        start=closed.start,
        end=closed.end,
        group_by=["team_id", "owner_id"],
    ):
        for counts in (total, by_team[row["team_id"]], by_owner[row["owner_id"]]):
            counts["repeats"] += row["repeats"]
    for row in surveys:
        team, owner = row["complaint__team_id"], row["complaint__owner_id"]
        for counts in (total, by_team[team], by_owner[owner]):
            counts["surveys"] += row["surveys"]
            counts["survey_points"] += row["points"]

    team_ids = set(by_team) - {None}
    teams = (
        Team.objects.filter(Q(property_id=property_id) | Q(pk__in=team_ids))
        .select_related("leader")
        .order_by("name")
    )
    team_entries = []
    for team in teams:
        team_entries.append(
            {
                "id": team.pk,
                "name": team.name,
                "leader": user_display_name(team.leader) if team.leader else "",
                **with_figures(by_team.get(team.pk) or blank_counts()),
                **inspections.get(team.pk, NO_INSPECTIONS),
                "talk": streaks.get(team.pk, []),
            }
        )
    if None in by_team:
        team_entries.append(
            {
                "id": None,
                "name": "—",
                "leader": "",
                **with_figures(by_team[None]),
                "talk": [],
            }
        )
    rank(team_entries)

    owners = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=set(by_owner) - {None})
        .select_related("staff_profile__team")
    }
    owner_entries = []
    for owner_id, counts in by_owner.items():
        user = owners.get(owner_id)
        profile = getattr(user, "staff_profile", None) if user else None
        owner_entries.append(
            {
                "id": owner_id,
                "name": user_display_name(user) if user else "—",
                "team": profile.team.name if profile and profile.team else "",
                **with_figures(counts),
            }
        )
    rank(owner_entries)

    return {
        "kind": MonthlySnapshot.Kind.RED_BLACK.value,
        "month": f"{month:%Y-%m}",
        "property": property_info(property_id),
        "computed_at": clock.now().isoformat(),
        "rules": RULES,
        "summary": with_figures(total),
        "teams": team_entries,
        "owners": owner_entries,
        "talks": [
            {"team_id": entry["id"], "team": entry["name"], "leader": entry["leader"], "runs": runs}
            for entry in team_entries
            if (runs := entry["talk"])
        ],
    }
