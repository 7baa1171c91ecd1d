"""The supervisor reports as JSON (/api/v1/reports/): the red/black list and the
monthly analysis of a property's month, live ("final": false) or as published, and the
published snapshots; for supervisors and project managers, their properties only, as
the admin's report pages."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from factories import ComplaintFactory, ProjectManagerFactory, ResidentFactory, UnitFactory
from staff_fixtures import api, in_state, resident

from complaints.models import MonthlySnapshot, State
from complaints.reports import report_for, snapshots_publish

pytestmark = pytest.mark.django_db

__all__ = ["api", "in_state", "resident"]

FEBRUARY = date(2025, 2, 1)
REPORTS = {"red_black": "api:report-red-black", "analysis": "api:report-analysis"}


def as_json(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@pytest.fixture
def february(time_machine, now, in_state, other_building):
    """A complaint of Lakeside Garden closed in February, one of Riverside Plaza filed
    then (the clock is frozen in March: February is over, not published yet)."""
    time_machine.move_to(datetime(2025, 2, 12, 10, 0, tzinfo=now.tzinfo), tick=False)
    ours = in_state(State.CLOSED)
    neighbour = ResidentFactory(unit=UnitFactory(building=other_building))
    theirs = ComplaintFactory(resident=neighbour, description="Riverside lift stuck")
    time_machine.move_to(now, tick=False)
    return {"ours": ours, "theirs": theirs}


def get(client, name, **params):
    return client.get(reverse(REPORTS.get(name, name)), params)


@pytest.mark.parametrize("role", ["supervisor", "project_manager"])
@pytest.mark.parametrize("kind", list(REPORTS))
def test_readers_get_the_live_figures_of_their_property(request, api, february, prop, role, kind):
    """Not published yet: the figures `report_for` computes, marked not final."""
    response = get(api(request.getfixturevalue(role)), kind, property=prop.pk, month="2025-02")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["kind"], body["month"], body["final"]) == (kind, "2025-02", False)
    assert body["property"] == {"id": prop.pk, "name": "Lakeside Garden"}
    assert body["published_at"] is None
    assert body["status"].startswith("Live figures of")
    data, snapshot = report_for(kind=kind, property_id=prop.pk, month=FEBRUARY)
    assert snapshot is None
    assert body["data"] == as_json(data)
    assert body["data"]["summary"]["closed" if kind == "red_black" else "received"] == 1


def test_a_published_month_is_its_snapshot(api, february, supervisor, prop, now):
    """Once published, the answer is the stored snapshot, marked final."""
    snapshots_publish(month=FEBRUARY, now=now)
    snapshot = MonthlySnapshot.objects.get(kind="red_black", property=prop, month=FEBRUARY)

    body = get(api(supervisor), "red_black", property=prop.pk, month="2025-02").json()

    assert body["final"] is True
    assert body["data"] == snapshot.data
    assert body["published_at"] is not None
    assert body["status"].startswith("Published")


def test_without_property_and_month_the_first_property_and_this_month(
    api, february, prop, other_prop, customer_service
):
    """As the pages: the first of the reader's properties by name, the current month."""
    reader = ProjectManagerFactory(properties=[prop, other_prop])

    body = get(api(reader), "red_black").json()

    assert body["property"]["name"] == "Lakeside Garden"
    assert body["month"] == "2025-03"


@pytest.mark.parametrize("role", ["agent", "handler", "team_leader"])
def test_other_staff_are_refused(request, api, february, prop, role):
    for kind in REPORTS:
        response = get(api(request.getfixturevalue(role)), kind, property=prop.pk)
        assert response.status_code == 403
        assert response.json()["code"] == "not_permitted"
    response = api(request.getfixturevalue(role)).get(reverse("api:report-snapshot-list"))
    assert response.status_code == 403


def test_residents_are_refused_and_anonymous_told_to_authenticate(api, february, resident):
    assert get(api(resident.user), "red_black").status_code == 403
    assert get(api(None), "red_black").status_code == 401


def test_refusals_come_in_chinese(api, february, agent):
    response = get(api(agent, "zh-hans"), "red_black")

    assert response.json()["detail"] == "您没有执行该操作的权限。"


def test_another_property_is_not_found(api, february, supervisor, other_prop):
    for value in (other_prop.pk, "abc", 999999):
        response = get(api(supervisor), "red_black", property=value)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("month", ["2025-13", "February", "2025-04"])
def test_a_bad_or_future_month_is_400(api, february, supervisor, prop, month):
    response = get(api(supervisor), "analysis", property=prop.pk, month=month)

    assert response.status_code == 400
    assert "month" in response.json()["errors"]


def test_live_figures_are_described_in_chinese(api, february, supervisor, prop):
    body = get(api(supervisor, "zh-hans"), "red_black", property=prop.pk, month="2025-02").json()

    assert body["status"].startswith("截至")
    assert body["kind_display"] != "Red/black list"


def test_published_snapshots_of_ones_own_properties(
    api, february, supervisor, prop, other_prop, now
):
    """The list shows the reader's properties' snapshots without their figures, newest
    month first; the detail gives one with its figures; another property's is 404."""
    snapshots_publish(month=FEBRUARY, now=now)
    snapshots_publish(month=date(2025, 1, 1), now=now)
    client = api(supervisor)

    body = client.get(reverse("api:report-snapshot-list")).json()

    ours = MonthlySnapshot.objects.filter(property=prop).order_by("-month", "-id")
    assert [row["id"] for row in body["results"]] == list(ours.values_list("pk", flat=True))
    assert {row["property"]["id"] for row in body["results"]} == {prop.pk}
    assert body["results"][0]["month"] == "2025-02"
    assert "data" not in body["results"][0]
    kinds = client.get(reverse("api:report-snapshot-list"), {"kind": "analysis"}).json()
    assert {row["kind"] for row in kinds["results"]} == {"analysis"}

    one = ours.first()
    detail = client.get(reverse("api:report-snapshot-detail", args=[one.pk]))
    assert detail.status_code == 200
    assert detail.json()["data"] == one.data
    theirs = MonthlySnapshot.objects.filter(property=other_prop).first()
    assert client.get(reverse("api:report-snapshot-detail", args=[theirs.pk])).status_code == 404


def test_snapshot_pages_walk_without_gaps(api, february, supervisor, prop, now):
    for back in range(1, 5):
        start = (now.replace(day=1) - timedelta(days=28 * back)).date().replace(day=1)
        snapshots_publish(month=start, now=now)
    client = api(supervisor)
    expected = list(
        MonthlySnapshot.objects.filter(property=prop)
        .order_by("-month", "-id")
        .values_list("pk", flat=True)
    )

    seen, url = [], reverse("api:report-snapshot-list") + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]

    assert seen == expected
    assert len(expected) == 8
