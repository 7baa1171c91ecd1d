"""Publishing a month: both reports of every property are stored once; a published month
never changes, whatever happens to its complaints afterwards."""

from datetime import date

import pytest
from report_month import FEBRUARY, Case, at, build, feb

from complaints import services
from complaints.models import Breach, MonthlySnapshot, Survey
from complaints.reports import (
    analysis_compute,
    red_black_compute,
    report_for,
    snapshots_publish,
)
from complaints.tasks import monthly_snapshot, snapshots_catch_up

pytestmark = pytest.mark.django_db

PUBLISHED_AT = at(3, 1, 1, 0)
JANUARY = date(2025, 1, 1)
Kind = MonthlySnapshot.Kind


def test_publish_stores_both_reports_of_every_property(month, prop, other_prop):
    """Two properties × two reports: four snapshots, dated and holding the figures that
    the live computation gave at that moment."""
    live = {
        Kind.RED_BLACK: red_black_compute(property_id=prop.pk, month=FEBRUARY),
        Kind.ANALYSIS: analysis_compute(property_id=prop.pk, month=FEBRUARY),
    }

    assert snapshots_publish(month=FEBRUARY, now=PUBLISHED_AT) == 4

    snapshots = MonthlySnapshot.objects.filter(month=FEBRUARY)
    assert sorted((s.kind, s.property_id) for s in snapshots) == sorted(
        (kind, p.pk) for kind in Kind for p in (prop, other_prop)
    )
    for kind, data in live.items():
        snapshot = snapshots.get(kind=kind, property=prop)
        assert snapshot.published_at == PUBLISHED_AT
        assert {**snapshot.data, "computed_at": None} == {**data, "computed_at": None}
    other = snapshots.get(kind=Kind.RED_BLACK, property=other_prop).data
    assert other["summary"]["closed"] == 1
    assert other["summary"]["on_time"] == 0


def test_publish_is_idempotent(month, prop):
    """A second run creates nothing and leaves the stored snapshots as they were, even
    when the figures have changed in between."""
    snapshots_publish(month=FEBRUARY, now=PUBLISHED_AT)
    before = {s.pk: (s.published_at, s.data) for s in MonthlySnapshot.objects.all()}
    Breach.objects.filter(complaint=month["E2"]).delete()

    assert snapshots_publish(month=FEBRUARY, now=at(3, 2)) == 0
    assert {s.pk: (s.published_at, s.data) for s in MonthlySnapshot.objects.all()} == before


def test_publish_fills_in_only_what_is_missing(month, prop, other_prop):
    """A property whose reports were published earlier keeps them; only the missing
    ones are created."""
    MonthlySnapshot.objects.create(
        kind=Kind.RED_BLACK, month=FEBRUARY, property=prop, published_at=feb(28), data={"x": 1}
    )
    assert snapshots_publish(month=FEBRUARY, now=PUBLISHED_AT) == 3
    assert MonthlySnapshot.objects.get(kind=Kind.RED_BLACK, property=prop).data == {"x": 1}


def test_a_month_that_is_not_over_cannot_be_published(month):
    """March 2025 is still running on 10 March: publishing it is refused."""
    with pytest.raises(ValueError, match="not over"):
        snapshots_publish(month=FEBRUARY.replace(month=3), now=at(3, 10))
    assert not MonthlySnapshot.objects.exists()


def test_published_figures_do_not_change_after_edits(month, prop, agent):
    """After publishing, E2's breach is removed, E1 is reopened, a new late complaint is
    closed in February and a survey is changed: the live figures move, the published
    report shown for February does not."""
    snapshots_publish(month=FEBRUARY, now=PUBLISHED_AT)
    published_rb, snapshot = report_for(kind=Kind.RED_BLACK, property_id=prop.pk, month=FEBRUARY)
    assert snapshot is not None
    published_an, _snapshot = report_for(kind=Kind.ANALYSIS, property_id=prop.pk, month=FEBRUARY)

    Breach.objects.filter(complaint=month["E2"]).delete()
    services.complaint_revisit(
        complaint_id=month["E1"].pk, actor=agent, note="Again.", solved=False
    )
    Survey.objects.filter(complaint=month["V1"]).update(solved=100, speed=100, attitude=100)

    live = red_black_compute(property_id=prop.pk, month=FEBRUARY)
    assert live["summary"]["on_time"] == 8
    assert live["summary"]["reopened"] == 3
    assert live["summary"]["survey_points"] == 1410 + 150

    shown_rb, snapshot = report_for(kind=Kind.RED_BLACK, property_id=prop.pk, month=FEBRUARY)
    shown_an, _snapshot = report_for(kind=Kind.ANALYSIS, property_id=prop.pk, month=FEBRUARY)
    assert snapshot.published_at == PUBLISHED_AT
    assert shown_rb == published_rb
    assert shown_an == published_an
    assert shown_rb["summary"]["on_time"] == 7
    assert shown_rb["summary"]["reopened"] == 2
    assert shown_rb["summary"]["survey_points"] == 1410


def test_an_unpublished_month_is_live(month, prop):
    """Before publishing, February is computed live and comes without a snapshot."""
    data, snapshot = report_for(kind=Kind.RED_BLACK, property_id=prop.pk, month=FEBRUARY)
    assert snapshot is None
    assert data["summary"]["closed"] == 10


def test_the_monthly_job_publishes_last_month_and_catches_up(month, prop, other_prop):
    """The job of 1 March, 01:00 publishes February for both properties. The catch-up
    tasks it queues publish January, which nobody published, for the property that had
    complaints in it (X1 closed, R1 and T1 filed); no other month had any. Running the
    job again publishes nothing more."""
    assert monthly_snapshot(now=PUBLISHED_AT) == 4

    published = set(MonthlySnapshot.objects.values_list("kind", "month", "property_id"))
    assert published == {
        (kind, month_, property_id)
        for kind in Kind.values
        for month_, property_id in (
            (FEBRUARY, prop.pk),
            (FEBRUARY, other_prop.pk),
            (JANUARY, prop.pk),
        )
    }
    january = MonthlySnapshot.objects.get(kind=Kind.RED_BLACK, month=JANUARY)
    assert january.data["summary"]["closed"] == 1
    assert monthly_snapshot(now=PUBLISHED_AT) == 0
    assert MonthlySnapshot.objects.count() == 6


def test_a_month_with_only_deadlines_in_it_is_caught_up(
    month, prop, engineering, agent, handler, category, building
):
    """A property whose only complaint of December was due then (filed in November,
    closed in January) gets December published: its 3-in-a-row rule reads that month."""
    complaint = build(
        Case(
            team=engineering,
            owner=agent,
            handler=handler,
            category=category,
            level=3,
            building=building,
            created=at(11, 20, year=2024),
            resolve_due=at(12, 30, year=2024),
            handled=at(1, 3),
            closed=at(1, 4),
        )
    )
    MonthlySnapshot.objects.all().delete()

    snapshots_catch_up("2024-12-01")

    assert set(MonthlySnapshot.objects.values_list("month", "property_id")) == {
        (date(2024, 12, 1), complaint.property_id)
    }
