"""One membership for the red/black list (issue item 5, SPEC §5): the talk rule (约谈, 3
overdue complaints in a row) counts the same complaints of the month as the list's other
figures (complaints handled, on-time rate, satisfaction, reopen rate, score), and the
page's rules text states that one membership. (Repeat problems keep their own
documented month, the one the problem formed in.)

Which membership is not prescribed here: the complaints closed in the month, or those
whose resolve deadline falls in it; both are accepted, as long as the talk flag and
the figures agree. February 2025 is built so that the two differ, right at the month's
edges (local time), each complaint with an owner of its own so the owners' rows show
which complaints the figures counted:

    name  resolve due            closed               overdue
    B     31 Jan 23:59:59        1 Feb 00:00:00       no
    E     1 Feb 00:00:00         28 Feb 23:59:59      no
    C     11 Feb 09:00           12 Feb 09:00         yes
    D     18 Feb 09:00           19 Feb 09:00         yes
    A     28 Feb 23:59:59        1 Mar 00:00:00       yes

By closing, February is B E C D (no three overdue in a row: no talk); by deadline it is
E C D A (C D A: a talk). Today the figures count B E C D while the talk flag links C D A.
"""

import html
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from factories import AgentFactory, CategoryFactory
from reports.report_month import Case, build

from complaints.models import Breach, Deadline
from complaints.reports import red_black_compute

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
FEBRUARY = datetime(2025, 2, 1).date()
BY_CLOSING = {"B", "E", "C", "D"}
BY_DEADLINE = {"E", "C", "D", "A"}
# How the rules text names each membership.
CLOSED_IN_MONTH = re.compile(r"month it was closed|closed in the month|month of (its )?closing")
DUE_IN_MONTH = re.compile(r"deadline falls in|due in the month|month (it is|it was) due")


def jan(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 1, day, hour, minute, second, tzinfo=SHANGHAI)


def feb(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 2, day, hour, minute, second, tzinfo=SHANGHAI)


MARCH_FIRST = datetime(2025, 3, 1, tzinfo=SHANGHAI)


@pytest.fixture
def february(now, prop, building, customer_service, engineering, handler):
    """February 2025 as in the module docstring: name -> complaint. Each has a category
    of its own, so no repeat problem puts an owner on the list without a complaint."""
    rows = {
        # name: created, resolve due, handled, closed, overdue
        "B": (jan(30, 9), jan(31, 23, 59, 59), jan(31, 20), feb(1, 0), False),
        "E": (jan(31, 9), feb(1, 0), jan(31, 22), feb(28, 23, 59, 59), False),
        "C": (feb(10, 9), feb(11, 9), feb(11, 15), feb(12, 9), True),
        "D": (feb(17, 9), feb(18, 9), feb(18, 15), feb(19, 9), True),
        "A": (feb(27, 9), feb(28, 23, 59, 59), MARCH_FIRST, MARCH_FIRST, True),
    }  # fmt: skip
    built = {}
    for name, (created, due, handled, closed, overdue) in rows.items():
        owner = AgentFactory(
            username=f"owner-{name.lower()}",
            team=customer_service,
            first_name="Owner",
            last_name=name,
        )
        built[name] = build(
            Case(
                team=engineering,
                owner=owner,
                handler=handler,
                category=CategoryFactory(code=f"edge-report-{name.lower()}"),
                level=2,
                building=building,
                created=created,
                handled=handled,
                closed=closed,
                resolve_due=due,
                breaches=((Deadline.RESOLVE, due),) if overdue else (),
            )
        )
    return built


def overdue_runs(complaints: list, streak: int) -> list[list[int]]:
    """The runs of `streak` or more overdue complaints in a row, in deadline order."""
    breached = set(Breach.objects.values_list("complaint_id", flat=True))
    runs, current = [], []
    for complaint in sorted(complaints, key=lambda c: (c.resolve_due, c.pk)):
        if complaint.pk in breached:
            current.append(complaint.pk)
            continue
        if len(current) >= streak:
            runs.append(current)
        current = []
    if len(current) >= streak:
        runs.append(current)
    return runs


def test_talk_flag_counts_the_complaints_the_figures_count(prop, engineering, february):
    """In a month where closing and deadline membership differ, the complaints the
    figures count (seen through their owners' rows) are one of the two memberships (E,
    one second inside both edges, in either), the team's row counts them, and the talk
    flag is exactly the runs of three overdue ones in a row among them."""
    data = red_black_compute(property_id=prop.pk, month=FEBRUARY)

    owners = {entry["id"]: entry for entry in data["owners"]}
    counted = {
        name
        for name, complaint in february.items()
        if owners.get(complaint.owner_id, {}).get("closed")
    }
    assert "E" in counted
    assert counted in (BY_CLOSING, BY_DEADLINE), counted
    team = next(entry for entry in data["teams"] if entry["id"] == engineering.pk)
    assert team["closed"] == len(counted)

    names = {complaint.pk: name for name, complaint in february.items()}
    expected = overdue_runs([february[name] for name in counted], data["rules"]["talk_streak"])
    talks = {talk["team_id"]: talk["runs"] for talk in data["talks"]}
    flagged = [[item["id"] for item in run] for run in talks.get(engineering.pk, [])]
    assert [[names[pk] for pk in run] for run in flagged] == [
        [names[pk] for pk in run] for run in expected
    ], f"the figures count {sorted(counted)} but the talk flag links other complaints"


def section(content: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', content, re.S)
    assert match, section_id
    return match.group(0)


def test_red_black_page_states_one_membership_and_keeps_to_it(client, supervisor, prop, february):
    """The red/black page of February states in its rules which complaints of the month
    every figure counts, in one way: not "closed in the month" for some figures and
    "deadline falls in the month" for the talk rule. Every complaint its talk section
    links has its owner in the owners' table of the same page."""
    client.force_login(supervisor)
    url = reverse("admin:complaints_monthlysnapshot_red_black")

    response = client.get(url, {"month": "2025-02", "property": prop.pk})

    assert response.status_code == 200
    content = response.content.decode()
    rules = [
        html.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r"<li>(.*?)</li>", section(content, "pd-rules"), re.S)
    ]
    memberships = {
        kind
        for rule in rules
        for kind, pattern in (("closed", CLOSED_IN_MONTH), ("due", DUE_IN_MONTH))
        if pattern.search(rule)
    }
    assert len(memberships) == 1, "the rules state two memberships:\n" + "\n".join(rules)

    talks, owners = section(content, "pd-talks"), section(content, "pd-owners")
    for name, complaint in february.items():
        if complaint.reference in talks:
            assert f"Owner {name}" in owners, f"the talk links {name}, the figures leave it out"
