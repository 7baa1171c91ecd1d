"""The red/black list of the hand-built February (see conftest.py): every figure of the
property, each team and each owner, the ranking and the talk flag, exactly."""

import pytest
from report_month import FEBRUARY

from complaints.reports import red_black_compute, score_of

pytestmark = pytest.mark.django_db


def levels(*pairs) -> dict:
    """{"1": {"closed", "on_time", "on_time_rate"}, …} from (closed, on time) per level."""
    return {
        str(level): {
            "closed": closed,
            "on_time": on_time,
            "on_time_rate": on_time / closed if closed else None,
        }
        for level, (closed, on_time) in enumerate(pairs, start=1)
    }


def figures(closed, on_time, reopened, repeats, surveys, points, by_level) -> dict:
    mean = points / (3 * surveys) if surveys else None
    on_time_rate = on_time / closed if closed else None
    reopen_rate = reopened / closed if closed else None
    return {
        "closed": closed,
        "on_time": on_time,
        "reopened": reopened,
        "repeats": repeats,
        "surveys": surveys,
        "survey_points": points,
        "levels": levels(*by_level),
        "on_time_rate": on_time_rate,
        "reopen_rate": reopen_rate,
        "mean_satisfaction": mean,
        "score": score_of(on_time_rate, mean, reopen_rate),
    }


def pick(entry: dict) -> dict:
    return {key: entry[key] for key in figures(1, 1, 0, 0, 0, 0, [(0, 0)] * 3)}


@pytest.fixture
def report(month, prop):
    return red_black_compute(property_id=prop.pk, month=FEBRUARY)


def test_property_total(report):
    """Ten complaints were closed in February (local time): the one closed at 00:10 on
    1 February counts, those closed at 23:50 on 31 January and at 00:00 on 1 March do
    not, nor another property's. Seven had no breach; levels I 2/2, II 4/7, III 1/1;
    two were reopened; R1 (open), E1 and E2 became a repeat problem on 10 February;
    six surveys score 1410 points in all (mean 78.33)."""
    assert pick(report["summary"]) == figures(10, 7, 2, 3, 6, 1410, [(2, 2), (7, 4), (1, 1)])
    assert report["summary"]["mean_satisfaction"] == pytest.approx(78.3333333)
    assert report["summary"]["score"] == pytest.approx(35 + 31.3333333 + 8)
    assert report["month"] == "2025-02"
    assert report["property"]["name"] == "Lakeside Garden"


def test_teams_every_figure(report):
    """Per team: Security 2 closed all on time, one survey of 80 → 92; Engineering 5
    closed, E2 late, E3 reopened, R1+E1+E2 repeat, surveys 270+210+300 → 82.67; Environment
    3 closed, V1 (two breaches, still one late complaint) and V2 late, V1 reopened,
    surveys 150+240 → 49.33. Customer service closed nothing and is not ranked."""
    teams = {entry["name"]: entry for entry in report["teams"]}
    assert set(teams) == {"Engineering", "Environment", "Security", "Customer service"}

    assert pick(teams["Security"]) == figures(2, 2, 0, 0, 1, 240, [(1, 1), (1, 1), (0, 0)])
    assert teams["Security"]["score"] == pytest.approx(50 + 32 + 10)

    assert pick(teams["Engineering"]) == figures(5, 4, 1, 3, 3, 780, [(1, 1), (3, 2), (1, 1)])
    assert teams["Engineering"]["mean_satisfaction"] == pytest.approx(86.6666667)
    assert teams["Engineering"]["score"] == pytest.approx(40 + 34.6666667 + 8)
    assert teams["Engineering"]["leader"] == "Qiang Liu"

    assert pick(teams["Environment"]) == figures(3, 1, 1, 0, 2, 390, [(0, 0), (3, 1), (0, 0)])
    assert teams["Environment"]["mean_satisfaction"] == 65
    assert teams["Environment"]["score"] == pytest.approx(50 / 3 + 26 + 20 / 3)

    assert pick(teams["Customer service"]) == figures(0, 0, 0, 0, 0, 0, [(0, 0)] * 3)
    assert teams["Customer service"]["score"] is None


def test_team_ranking_red_and_black(report):
    """Three teams are ranked, so each list takes one (min(3, 3 // 2)): Security red,
    Engineering in between, Environment black; the unranked team comes last."""
    assert [(e["name"], e["rank"], e["mark"]) for e in report["teams"]] == [
        ("Security", 1, "red"),
        ("Engineering", 2, ""),
        ("Environment", 3, "black"),
        ("Customer service", None, ""),
    ]


def test_owners_every_figure_and_ranking(report):
    """Per owner (first responder): Na Li owns six closed (E2 late; surveys 960 → 80;
    score 83.67, red) and the repeat problem R1+E1+E2, Lei Zhao four (two late, two
    reopened; surveys 450 → 75; score 60, black)."""
    owners = report["owners"]
    assert [(e["name"], e["team"], e["rank"], e["mark"]) for e in owners] == [
        ("Na Li", "Customer service", 1, "red"),
        ("Lei Zhao", "Customer service", 2, "black"),
    ]
    na_li, lei_zhao = owners
    assert pick(na_li) == figures(6, 5, 0, 3, 4, 960, [(2, 2), (3, 2), (1, 1)])
    assert na_li["score"] == pytest.approx(50 * 5 / 6 + 32 + 10)
    assert pick(lei_zhao) == figures(4, 2, 2, 0, 2, 450, [(0, 0), (4, 2), (0, 0)])
    assert lei_zhao["score"] == pytest.approx(60)


def test_an_open_complaint_is_no_part_of_a_talk(report):
    """V4 (late, still open) is counted by no figure, so not by the talk rule either:
    Environment's closed V1 and V2 (late) and V3 (on time) are no streak."""
    assert report["talks"] == []
    assert all(entry["talk"] == [] for entry in report["teams"])


def test_talk_flag_links_the_three_complaints(month, v4_closed, prop):
    """Environment's complaints closed in February, by resolve deadline: V1 (3 Feb, late),
    V2 (21 Feb, late), V4 (22 Feb, late, closed 23 Feb), V3 (25 Feb, on time): three late
    in a row, so the team is flagged with V1, V2 and V4. Engineering has only E2 late."""
    report = red_black_compute(property_id=prop.pk, month=FEBRUARY)
    expected = [month[name].reference for name in ("V1", "V2", "V4")]
    assert [
        (talk["team"], [[item["reference"] for item in run] for run in talk["runs"]])
        for talk in report["talks"]
    ] == [("Environment", [expected])]
    teams = {entry["name"]: entry for entry in report["teams"]}
    assert teams["Engineering"]["talk"] == []
    run = teams["Environment"]["talk"][0]
    assert [item["id"] for item in run] == [month[name].pk for name in ("V1", "V2", "V4")]
    assert run[0]["due_at"] == "2025-02-03T01:00:00+00:00"


def test_score_without_surveys_scales_the_other_parts():
    """With no survey the satisfaction part drops out and the rest counts out of 100."""
    assert score_of(1.0, None, 0.0) == 100
    assert score_of(0.5, None, 0.5) == pytest.approx((25 + 5) * 100 / 60)
    assert score_of(None, None, None) is None
    assert score_of(1.0, 50.0, 0.0) == 80
