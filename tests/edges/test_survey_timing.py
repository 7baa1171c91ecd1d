"""The satisfaction survey goes out soon after closing, never later than 24 h (issue
item 2, SPEC §3 "sent within 24 h of closing").

The delay is the setting PROPERTYDESK_SURVEY_DELAY (a timedelta, read at call time like
the other durations of `complaints.services.settings_duration`), 1 hour by default.
Whatever it is set to, and however far apart the scheduled `survey_dispatch` runs are,
the run before the 24 h are up sends the invitation.
"""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from complaints.models import State, Survey
from complaints.tasks import survey_dispatch

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED_AT = datetime(2025, 3, 10, 10, 5, tzinfo=SHANGHAI)
SECOND = timedelta(seconds=1)
PROMISE = timedelta(hours=24)


@pytest.fixture
def closed(travel, walk):
    """A complaint the resident confirmed (closed) on Monday at 10:05."""
    travel(CLOSED_AT)
    complaint = walk(State.CLOSED)
    assert complaint.closed_at == CLOSED_AT
    return complaint


def dispatch_at(travel, moment: datetime) -> int:
    travel(moment)
    return survey_dispatch(now=moment)


def test_survey_goes_out_one_hour_after_closing_by_default(
    settings, travel, closed, resident, notified
):
    """With no setting, closed at 10:05: the run at 11:04:59 sends nothing, the run at
    11:05:00 sends one invitation (Survey row of cycle 0, one "survey" notification for
    the resident), and a later run nothing more."""
    assert not hasattr(settings, "PROPERTYDESK_SURVEY_DELAY")

    assert dispatch_at(travel, CLOSED_AT + timedelta(hours=1) - SECOND) == 0
    sent_at = CLOSED_AT + timedelta(hours=1)
    assert dispatch_at(travel, sent_at) == 1, "the survey waits 24 h instead of the 1 h default"
    assert dispatch_at(travel, sent_at + timedelta(minutes=10)) == 0

    survey = Survey.objects.get()
    assert (survey.complaint_id, survey.cycle, survey.sent_at) == (closed.pk, 0, sent_at)
    assert notified(closed, "survey") == [("survey", resident.user_id)]


def test_survey_delay_is_read_from_the_setting(settings, travel, closed):
    """PROPERTYDESK_SURVEY_DELAY = 30 minutes, read when the job runs: closed at 10:05,
    nothing at 10:34:59, sent at 10:35:00."""
    settings.PROPERTYDESK_SURVEY_DELAY = timedelta(minutes=30)

    assert dispatch_at(travel, CLOSED_AT + timedelta(minutes=30) - SECOND) == 0
    assert dispatch_at(travel, CLOSED_AT + timedelta(minutes=30)) == 1, (
        "PROPERTYDESK_SURVEY_DELAY is not read"
    )


@pytest.mark.parametrize(
    "delay",
    [timedelta(hours=23, minutes=55), PROMISE, timedelta(hours=48)],
    ids=["23h55m", "24h", "48h"],
)
@pytest.mark.parametrize("last_run", ["one-second-before", "one-interval-before"])
def test_survey_is_never_later_than_24_hours_whatever_the_delay_and_the_interval(
    settings, travel, closed, delay, last_run
):
    """Even with a delay set to 24 h or more, the invitation is sent by a run one second
    before the 24 h are up, and by a run one job interval (the installed schedule's
    minutes) before them: with runs that far apart, the latter may be the last run
    before the promise expires. It is sent once."""
    call_command("install_schedules", stdout=io.StringIO())
    schedule = Schedule.objects.get(func="complaints.tasks.survey_dispatch")
    interval = timedelta(minutes=schedule.minutes)
    settings.PROPERTYDESK_SURVEY_DELAY = delay
    before = SECOND if last_run == "one-second-before" else interval

    run_at = CLOSED_AT + PROMISE - before
    assert dispatch_at(travel, run_at) == 1, (
        f"closed at 10:05, the survey is not sent by the run at {run_at:%a %H:%M:%S} "
        f"(delay {delay}, job every {interval})"
    )
    assert dispatch_at(travel, run_at + interval) == 0
    assert Survey.objects.get().sent_at == run_at
