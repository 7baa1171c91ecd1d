"""Deadlines computed at classify (SPEC §3 windows), per-property overrides, level
changes and reopening."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from helpers import assert_history

from complaints.models import Level, PropertySlaOverride, State, Transition
from complaints.services import complaint_classify, complaint_revisit, complaint_set_level

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


def end_of(year: int, month: int, day: int) -> datetime:
    """The end of a day as deadlines store it: an exclusive end, the next day's 00:00."""
    return datetime(year, month, day, tzinfo=SHANGHAI) + timedelta(days=1)


def test_level_one_windows(file_complaint):
    """Level I: first response 15 min, on site 30 min, resolved 2 h after submission."""
    complaint = file_complaint(MONDAY, level=Level.I)

    assert complaint.sla_started_at == MONDAY
    assert complaint.first_response_due == MONDAY + timedelta(minutes=15)
    assert complaint.on_site_due == MONDAY + timedelta(minutes=30)
    assert complaint.resolve_due == MONDAY + timedelta(hours=2)


def test_level_two_windows(file_complaint):
    """Level II: dispatched within 2 h, resolved within 24 h, no on-site deadline."""
    complaint = file_complaint(MONDAY, level=Level.II)

    assert complaint.first_response_due == MONDAY + timedelta(hours=2)
    assert complaint.on_site_due is None
    assert complaint.resolve_due == MONDAY + timedelta(hours=24)


def test_level_three_windows(file_complaint):
    """Level III: contacted within 24 h; the written reply is due at the end of the 5th
    working day after the submission day (Mon 10 March 2025 → Mon 17 March)."""
    complaint = file_complaint(MONDAY, level=Level.III)

    assert complaint.first_response_due == MONDAY + timedelta(hours=24)
    assert complaint.on_site_due is None
    assert complaint.resolve_due == end_of(2025, 3, 17)


def test_level_three_across_national_day(file_complaint):
    """Submitted Tue 30 Sep 2025: 1–8 October are the National Day holiday and Sat 11
    October a make-up workday (9, 10, 11, 13, 14), so the reply is due at the end of
    Tue 14 October, not a week after the holiday."""
    complaint = file_complaint(datetime(2025, 9, 30, 16, 0, tzinfo=SHANGHAI), level=Level.III)

    assert complaint.resolve_due == end_of(2025, 10, 14)


def test_level_three_counts_a_make_up_saturday(file_complaint):
    """Submitted Thu 6 Feb 2025, after the Spring Festival: Sat 8 Feb is a make-up
    workday (调休), so the days are 7, 8, 10, 11, 12 and the reply is due Wed 12 Feb
    (a Monday–Friday rule would say Thu 13 Feb)."""
    complaint = file_complaint(datetime(2025, 2, 6, 10, 0, tzinfo=SHANGHAI), level=Level.III)

    assert complaint.resolve_due == end_of(2025, 2, 12)


def test_windows_run_from_submission_not_from_classification(
    travel, file_complaint, agent, category_for_level
):
    """Classifying an hour after submission does not give the complaint an extra hour:
    the windows start when the resident submitted it."""
    complaint = file_complaint(MONDAY, to=State.ACCEPTED)
    travel(MONDAY + timedelta(hours=1))

    complaint_classify(
        complaint_id=complaint.pk, actor=agent, category=category_for_level[Level.II]
    )

    complaint.refresh_from_db()
    assert complaint.first_response_due == MONDAY + timedelta(hours=2)
    assert complaint.resolve_due == MONDAY + timedelta(hours=24)


def test_property_override_tightens_the_deadlines(prop, other_prop, file_complaint):
    """A property's override for level II (1 h / 12 h) is used for its complaints; the
    fields it leaves empty and other properties keep HQ's windows."""
    PropertySlaOverride.objects.create(property=prop, level=Level.II, resolve=timedelta(hours=12))
    PropertySlaOverride.objects.create(
        property=other_prop, level=Level.II, first_response=timedelta(minutes=30)
    )

    complaint = file_complaint(MONDAY, level=Level.II)

    assert complaint.first_response_due == MONDAY + timedelta(hours=2)
    assert complaint.resolve_due == MONDAY + timedelta(hours=12)


def test_property_override_tightens_working_days(prop, file_complaint):
    """A level III override of 3 working days moves the reply from Mon 17 to Thu 13 March."""
    PropertySlaOverride.objects.create(property=prop, level=Level.III, resolve_working_days=3)

    complaint = file_complaint(MONDAY, level=Level.III)

    assert complaint.resolve_due == end_of(2025, 3, 13)


@pytest.mark.parametrize(
    ("level", "field", "value"),
    [
        (Level.II, "resolve", timedelta(hours=48)),
        (Level.I, "first_response", timedelta(minutes=16)),
        (Level.III, "resolve_working_days", 6),
        (Level.II, "on_site", timedelta(hours=1)),
    ],
    ids=["looser-resolve", "looser-first-response", "more-working-days", "window-hq-lacks"],
)
def test_override_may_not_loosen_hq_policy(prop, level, field, value):
    """full_clean() refuses an override looser than HQ's window (or for a window HQ's
    policy does not have) with an error on that field."""
    override = PropertySlaOverride(property=prop, level=level, **{field: value})

    with pytest.raises(ValidationError) as excinfo:
        override.full_clean()

    assert set(excinfo.value.message_dict) == {field}


def test_override_equal_to_or_tighter_than_hq_is_valid(prop):
    """An override equal to HQ's window, or tighter, passes full_clean()."""
    PropertySlaOverride(
        property=prop,
        level=Level.II,
        first_response=timedelta(hours=2),
        resolve=timedelta(hours=8),
    ).full_clean()


def test_set_level_recomputes_deadlines_and_records_it(travel, file_complaint, agent):
    """Changing II → III an hour later recomputes the cycle's deadlines from the
    submission and leaves a "set_level" history row with the owner and the reason."""
    complaint = file_complaint(MONDAY, level=Level.II)
    travel(MONDAY + timedelta(hours=1))

    complaint_set_level(
        complaint_id=complaint.pk, actor=agent, level=Level.III, reason="Only a suggestion"
    )

    complaint.refresh_from_db()
    assert complaint.level == Level.III
    assert complaint.sla_started_at == MONDAY
    assert complaint.first_response_due == MONDAY + timedelta(hours=24)
    assert complaint.on_site_due is None
    assert complaint.resolve_due == end_of(2025, 3, 17)
    assert_history(
        complaint, transition=Transition.SET_LEVEL, user=agent, reason="Only a suggestion"
    )


def test_set_level_to_one_adds_on_site_and_alerts_the_project_manager(
    travel, file_complaint, agent, project_manager, notified
):
    """Raising II → I gives the level I windows (with on site) and alerts the project
    manager at once ("level_one")."""
    complaint = file_complaint(MONDAY, level=Level.II)
    travel(MONDAY + timedelta(minutes=5))

    complaint_set_level(
        complaint_id=complaint.pk, actor=agent, level=Level.I, reason="Water is rising"
    )

    complaint.refresh_from_db()
    assert complaint.first_response_due == MONDAY + timedelta(minutes=15)
    assert complaint.on_site_due == MONDAY + timedelta(minutes=30)
    assert complaint.resolve_due == MONDAY + timedelta(hours=2)
    assert notified(kind="level_one") == [("level_one", project_manager.pk)]


def test_reopen_starts_fresh_windows(travel, walk, agent):
    """Reopening a closed level II complaint three days later (the revisit recorded as
    not solved) starts a new cycle: its windows run from reopened_at, not from the
    original submission."""
    travel(MONDAY)
    complaint = walk(State.CLOSED)
    reopened_at = travel(MONDAY + timedelta(days=3))

    complaint_revisit(complaint_id=complaint.pk, actor=agent, note="Leaking again.", solved=False)

    complaint.refresh_from_db()
    assert complaint.reopen_count == 1
    assert complaint.sla_started_at == reopened_at
    assert complaint.first_response_due == reopened_at + timedelta(hours=2)
    assert complaint.resolve_due == reopened_at + timedelta(hours=24)
    assert complaint.held_total == timedelta()
    assert complaint.sla_next_at is not None


def test_the_promised_windows_are_read_once_and_anew_after_a_change(
    prop, django_assert_num_queries
):
    """The portal's promise is cached (no query the second time); saving or deleting a
    policy or an override, however it is done, is seen by the next reading. Deadlines are
    computed from the windows as they are now, read every time."""
    from complaints.models import SlaPolicy
    from complaints.sla import windows_for, windows_promised

    first = windows_promised(property_id=prop.pk, level=Level.II)
    with django_assert_num_queries(0):
        assert windows_promised(property_id=prop.pk, level=Level.II) == first
    with django_assert_num_queries(2):
        assert windows_for(property_id=prop.pk, level=Level.II) == first

    override = PropertySlaOverride.objects.create(
        property=prop, level=Level.II, resolve=timedelta(hours=12)
    )
    assert windows_promised(property_id=prop.pk, level=Level.II).resolve == timedelta(hours=12)
    override.delete()
    assert windows_promised(property_id=prop.pk, level=Level.II) == first

    policy = SlaPolicy.objects.get(level=Level.II)
    policy.first_response = timedelta(minutes=90)
    policy.save()
    promised = windows_promised(property_id=prop.pk, level=Level.II)
    assert promised.first_response == timedelta(minutes=90)
