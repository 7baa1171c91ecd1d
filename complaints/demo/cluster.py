"""The job cluster of the past: the scheduled jobs of `complaints.tasks`, run at past
moments while the stories are told, so that warnings, breaches, escalations,
auto-confirmations, survey invitations, revisit reminders and deliveries are the jobs'
own work.

A real cluster runs each job at every tick of its schedule (`complaints.schedules`:
every minute, every ten minutes). Most ticks find nothing to do, so only the ticks that
can find something are run: the first tick at or after the earliest moment a job waits
for, read from the column it watches (the sweep's own `sla_next_at`, a new complaint's
first-response deadline, a closing plus the survey delay, ...). Running a job at a tick
where it finds nothing changes nothing, so the outcome is the running cluster's.

The watches restate the jobs' conditions as moments, no more precisely than needed: a
watch that wakes a job too early only costs a run. One that missed a condition would
leave its work undone, which tests/demo notices (every breach, notification and survey
invitation must come from a run).

The jobs on a calendar run at every tick of their cron schedule: the monthly publishing
of the red/black list and the analysis, on each 1st at 01:00. The months of the trend it
then queues as tasks of their own find nothing left to publish: each month was published
on its own 1st. They run where the cluster's broker runs its tasks (in the tests at
once, else when the demo's cluster starts). The daily photo clean-up is not run: it
deletes only what a failed upload left behind, and the demo's uploads do not fail.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from croniter import croniter
from django.db import connections
from django.db.models import Min, Model, Q, Value
from django.utils import timezone

from complaints import clock, tasks
from complaints.models import (
    CLOSED_STATES,
    IN_PROGRESS_STATES,
    Complaint,
    Notification,
    State,
)
from complaints.schedules import SCHEDULES
from complaints.services import settings_duration

TICKS_FROM = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Watch:
    """What a job waits for: the earliest `column` (plus the job's own `delay`) of the
    rows matching `condition`."""

    model: type[Model]
    column: str
    condition: Q
    delay: Callable[[], timedelta] = timedelta

    def from_(self, moment: datetime) -> Q:
        """The rows it waits for whose `column` is `moment` or later."""
        return self.condition & Q(**{f"{self.column}__gte": moment})


# Each job of complaints.tasks the demo runs, and what it waits for.
WATCHES = {
    # The sweep's own schedule: when it next has something to do for a complaint.
    "sla_sweep": Watch(Complaint, "sla_next_at", Q(state__in=IN_PROGRESS_STATES)),
    "ownership_guard": Watch(Complaint, "first_response_due", Q(state=State.NEW)),
    "notifications_deliver_task": Watch(Notification, "created_at", Q(delivered_at__isnull=True)),
    "auto_confirm": Watch(
        Complaint,
        "handled_at",
        Q(state=State.HANDLED),
        delay=lambda: settings_duration("CONFIRMATION_WINDOW"),
    ),
    "survey_dispatch": Watch(
        Complaint,
        "closed_at",
        Q(state__in=CLOSED_STATES, resident__isnull=False),
        delay=tasks.survey_waiting_time,
    ),
    "revisit_queue": Watch(Complaint, "revisit_due_at", Q(state=State.CLOSED)),
}


# Each job of complaints.tasks on a calendar schedule that the demo runs.
CALENDAR_JOBS = ("monthly_snapshot",)


def tick_at_or_after(moment: datetime, every: timedelta, *, strictly: bool = False) -> datetime:
    """The first tick of a job run every `every` at (or strictly after) `moment`; ticks
    fall on whole multiples of the period: whole minutes, whole ten minutes."""
    count, rest = divmod(moment - TICKS_FROM, every)
    if rest or strictly:
        count += 1
    return TICKS_FROM + count * every


@dataclass
class Job:
    name: str
    every: timedelta
    watch: Watch
    last_run: datetime

    def next_run(self, waited: datetime | None) -> datetime | None:
        """The tick that serves `waited`, and never the last run's again."""
        if waited is None:
            return None
        return max(
            tick_at_or_after(waited, self.every),
            tick_at_or_after(self.last_run, self.every, strictly=True),
        )


@functools.cache
def cron_tick_after(cron: str, moment: datetime) -> datetime:
    """The first tick of a cron schedule after `moment`, in local time as the cluster
    reads its cron expressions."""
    return croniter(cron, timezone.localtime(moment)).get_next(datetime)


@dataclass
class CalendarJob:
    name: str
    cron: str
    last_run: datetime

    def next_run(self) -> datetime:
        """The schedule's first tick after the last run."""
        return cron_tick_after(self.cron, self.last_run)


class Earliest:
    """What the jobs watching one model wait for, in one aggregate query. The ORM builds
    its SQL once, with a stand-in moment for each job; each look runs it with the jobs'
    own moments: building the query anew for each of the demo's thousands of looks took
    a third of its time."""

    def __init__(self, model: type[Model], jobs: list["Job"]) -> None:
        self.jobs = jobs
        stand_ins = [TICKS_FROM - timedelta(microseconds=n + 1) for n in range(len(jobs))]
        queryset = (
            model.objects.order_by()
            .values(one=Value(1))
            .annotate(
                **{
                    job.name: Min(job.watch.column, filter=job.watch.from_(stand_in))
                    for job, stand_in in zip(jobs, stand_ins, strict=True)
                }
            )
        )
        self.connection = connections[queryset.db]
        self.compiler = queryset.query.get_compiler(connection=self.connection)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.prepare = [model._meta.get_field(job.watch.column).get_db_prep_value for job in jobs]
        self.slots = [
            self.params.index(prepare(stand_in, self.connection))
            for prepare, stand_in in zip(self.prepare, stand_ins, strict=True)
        ]

    def look(self) -> dict[str, datetime | None]:
        """The moment each job waits for since its last run (its column plus its delay),
        None for nothing."""
        params = list(self.params)
        delays = [job.watch.delay() for job in self.jobs]
        for job, delay, prepare, slot in zip(
            self.jobs, delays, self.prepare, self.slots, strict=True
        ):
            params[slot] = prepare(job.last_run - delay, self.connection)
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        ((_one, *earliest),) = self.compiler.results_iter(results=[[row]])
        return {
            job.name: moment + delay if moment else None
            for job, delay, moment in zip(self.jobs, delays, earliest, strict=True)
        }


class DroppedMessages:
    """The SMS backend while the demo's past is delivered: its people are made up."""

    def send(self, *, phone: str, text: str) -> None:
        pass


class Cluster:
    """Runs the jobs at the ticks where they can find something to do, each with its
    `now` and the domain clock set to the tick, so the services they call (auto-confirm
    closes through `complaint_close`) stamp that moment too."""

    def __init__(self, *, since: datetime) -> None:
        periods = {
            function.removeprefix("complaints.tasks."): every
            for _name, function, every in SCHEDULES
            if isinstance(every, int)
        }
        self.jobs = [
            Job(name, timedelta(minutes=periods[name]), watch, last_run=since)
            for name, watch in WATCHES.items()
        ]
        crons = {
            function.removeprefix("complaints.tasks."): every
            for _name, function, every in SCHEDULES
            if isinstance(every, str)
        }
        self.calendar_jobs = [
            CalendarJob(name, crons[name], last_run=since) for name in CALENDAR_JOBS
        ]
        self._earliest: dict[type[Model], Earliest] = {}
        self._waited_now: dict[type[Model], dict[str, datetime | None]] = {}

    def changed(self) -> None:
        """Something the jobs watch may have changed: look again before the next tick."""
        self._waited_now.clear()

    def _ran(self, jobs: list["Job | CalendarJob"]) -> None:
        """After a tick: look again at what the jobs that ran watch (their last run moved
        on; each job changes only what it watches, or notifications), and at the
        notifications, which any job may make."""
        for job in jobs:
            if isinstance(job, Job):
                self._waited_now.pop(job.watch.model, None)
        self._waited_now.pop(Notification, None)

    def _waited(self) -> dict[str, datetime | None]:
        """What each job waits for since its last run: one query per model watched,
        unless nothing it watches changed since the last look."""
        result: dict[str, datetime | None] = {}
        for model in dict.fromkeys(job.watch.model for job in self.jobs):
            if model not in self._waited_now:
                if model not in self._earliest:
                    watching = [job for job in self.jobs if job.watch.model is model]
                    self._earliest[model] = Earliest(model, watching)
                self._waited_now[model] = self._earliest[model].look()
            result.update(self._waited_now[model])
        return result

    def run_next(self, *, until: datetime) -> datetime | None:
        """Run the jobs due at the next tick, if it comes no later than `until`; the tick."""
        waited = self._waited()
        due = {job.name: job.next_run(waited[job.name]) for job in self.jobs}
        due.update((job.name, job.next_run()) for job in self.calendar_jobs)
        tick = min((moment for moment in due.values() if moment is not None), default=None)
        if tick is None or tick > until:
            return None
        ran = [job for job in (*self.jobs, *self.calendar_jobs) if due[job.name] == tick]
        with clock.at(tick):
            for job in ran:
                getattr(tasks, job.name)(now=tick)
                job.last_run = tick
        self._ran(ran)
        return tick
