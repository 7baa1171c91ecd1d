"""What /health/ checks besides the database, the cache and the file storage
(django-health-check's own): the job broker answers, and the job cluster is sweeping.

The cluster sweeps every minute; a schedule whose next run is more than LATE_AT_MOST in
the past means no cluster is running its schedules (or the schedules were never
installed), so deadlines pass unnoticed."""

import dataclasses
from datetime import timedelta

from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Schedule
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

SWEEP = "complaints.tasks.sla_sweep"
LATE_AT_MOST = timedelta(minutes=3)


def sweep_lag() -> timedelta | None:
    """How far the SLA sweep's next run lies in the past (zero if it is ahead), or None
    if its schedule is not installed."""
    next_run = Schedule.objects.filter(func=SWEEP).values_list("next_run", flat=True).first()
    if next_run is None:
        return None
    return max(timezone.now() - next_run, timedelta())


@dataclasses.dataclass
class JobBroker(HealthCheck):
    def run(self) -> None:
        if not get_broker().ping():
            raise ServiceUnavailable("The job broker does not answer.")


@dataclasses.dataclass
class JobCluster(HealthCheck):
    def run(self) -> None:
        lag = sweep_lag()
        if lag is None:
            raise ServiceUnavailable("The SLA sweep is not scheduled: run install_schedules.")
        if lag > LATE_AT_MOST:
            raise ServiceUnavailable(
                f"The SLA sweep is {int(lag.total_seconds() // 60)} minutes late: "
                "no job cluster is running."
            )
