"""The reports count the repeat problems the complaint list tags (重复投诉, SPEC §3 and §5):
every member, open or closed, once, in the month it became one."""

import re
from datetime import date, timedelta

import pytest
from factories import BuildingFactory, CategoryFactory, ResidentFactory, UnitFactory
from report_month import at

from complaints import services
from complaints.models import RepeatMember
from complaints.reports import RULES, analysis_compute, red_black_compute
from complaints.reports.wording import rules_text

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)


@pytest.fixture
def building_1(prop):
    return BuildingFactory(property=prop, name="1幢")


@pytest.fixture
def leak(db):
    return CategoryFactory(code="test-leak", name_en="Leak", name_zh_hans="漏水", default_level=2)


@pytest.fixture
def file(time_machine, building_1, leak):
    """`file(moment, category=leak)` files a complaint by a new resident of 1幢 about
    its common areas at `moment`; the clock stays there."""

    def _file(moment, *, category=leak):
        resident = ResidentFactory(unit=UnitFactory(building=building_1))
        time_machine.move_to(moment, tick=False)
        return services.complaint_create(
            actor=resident.user,
            description="Water comes through the ceiling",
            category=category,
            building=building_1,
        )

    return _file


def tagged_in_list(client, agent) -> set[str]:
    client.force_login(agent)
    content = client.get("/admin/complaints/complaint/").content.decode()
    return set(re.findall(r'>(TS\d+)</a> <span class="pd-repeat"', content))


def building_entry(report: dict, name: str) -> dict:
    return next(entry for entry in report["buildings"] if entry["name"] == name)


def test_three_open_complaints_tagged_repeat_are_a_repeat_problem_in_the_analysis(
    client, agent, prop, file, leak
):
    """The manager's contradiction: three leak complaints about 1幢's common areas within
    30 days, all still open, are tagged 重复 in the list (and three lift ones too); the
    month's analysis counts all six tagged as 1幢's repeat problems, three of them
    leaks (it said 0: it counted closed complaints only)."""
    complaints = [file(at(3, 2)), file(at(3, 9)), file(at(3, 20))]
    lift = CategoryFactory(code="test-lift", name_en="Lift")
    [file(at(3, 21 + n), category=lift) for n in range(3)]  # another problem of 1幢

    tagged = tagged_in_list(client, agent)
    report = analysis_compute(property_id=prop.pk, month=MARCH)

    assert {c.reference for c in complaints} <= tagged
    one = building_entry(report, "1幢")
    assert one["received"] == 6
    assert one["closed"] == 0
    assert one["repeats"] == len(tagged) == 6
    assert one["repeat_rate"] == 1.0
    leaks = next(entry for entry in report["categories"] if entry["id"] == leak.pk)
    assert leaks["repeats"] == 3
    assert report["summary"]["repeats"] == 6


def test_the_month_a_member_counts_in_is_the_month_its_problem_formed(client, agent, prop, file):
    """Two complaints of late March and a third on 10 April: all three are tagged, and
    counted once, in April (when the problem formed), never in March; a fourth filed
    later in April adds itself to April and changes nothing else."""
    first, second = file(at(3, 25)), file(at(3, 28))
    assert analysis_compute(property_id=prop.pk, month=MARCH)["summary"]["repeats"] == 0

    third = file(at(4, 10))

    march = analysis_compute(property_id=prop.pk, month=MARCH)
    april = analysis_compute(property_id=prop.pk, month=APRIL)
    assert march["summary"]["repeats"] == 0
    assert april["summary"]["repeats"] == 3
    assert building_entry(april, "1幢")["repeats"] == 3
    assert building_entry(april, "1幢")["received"] == 1
    assert red_black_compute(property_id=prop.pk, month=APRIL)["summary"]["repeats"] == 3
    assert tagged_in_list(client, agent) == {c.reference for c in (first, second, third)}
    assert set(RepeatMember.objects.values_list("since", flat=True)) == {third.created_at}

    file(at(4, 12))  # a fourth joins in April; March and April's first three keep theirs
    assert analysis_compute(property_id=prop.pk, month=MARCH)["summary"]["repeats"] == 0
    assert analysis_compute(property_id=prop.pk, month=APRIL)["summary"]["repeats"] == 4


def test_the_red_black_list_counts_them_by_team_and_owner(agent, prop, file, engineering, leak):
    """The red/black list counts the same members, by the team and owner they have now;
    one not dispatched yet counts for no team ("—")."""
    complaints = [file(at(3, 2) + timedelta(days=n)) for n in range(3)]
    for complaint in complaints[:2]:
        services.complaint_accept(complaint_id=complaint.pk, actor=agent)
        services.complaint_classify(complaint_id=complaint.pk, actor=agent, category=leak)
        services.complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=engineering)

    report = red_black_compute(property_id=prop.pk, month=MARCH)

    teams = {entry["name"]: entry["repeats"] for entry in report["teams"]}
    owners = {entry["name"]: entry["repeats"] for entry in report["owners"]}
    assert report["summary"]["repeats"] == 3
    assert teams["Engineering"] == 2
    assert teams["—"] == 1
    assert owners == {"Na Li": 2, "—": 1}


def test_the_rules_text_says_which_complaints_count():
    """Both reports' rules say the repeat problems are the tagged complaints, open or
    closed, counted in the month the problem formed; the analysis says what the repeat
    rate divides by."""
    for kind in ("red_black", "analysis"):
        text = " ".join(str(line) for line in rules_text(kind, RULES))
        assert "open or closed, that became part of a repeat problem in the month" in text
        assert "3 or more complaints about the same unit" in text
        assert "within 30 days" in text
        assert "the complaints the list tags “repeat”" in text
    analysis = " ".join(str(line) for line in rules_text("analysis", RULES))
    assert "Repeat rate: repeat problems (as above) per complaint received in the month." in (
        analysis
    )
