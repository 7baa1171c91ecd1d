"""The job schedules, declared in code and installed by `manage.py install_schedules`."""

from datetime import datetime, timedelta

from croniter import croniter
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

SCHEDULES = [
    # name, function, minutes between runs or a cron expression
    ("SLA sweep", "complaints.tasks.sla_sweep", 1),
    ("Ownership guard", "complaints.tasks.ownership_guard", 1),
    ("Deliver notifications", "complaints.tasks.notifications_deliver_task", 1),
    ("Deliver webhooks", "complaints.webhooks.deliveries_queue_due", 1),
    ("Auto-confirm handled complaints", "complaints.tasks.auto_confirm", 10),
    ("Satisfaction survey dispatch", "complaints.tasks.survey_dispatch", 10),
    ("Revisit queue", "complaints.tasks.revisit_queue", 10),
    ("Monthly red/black list and analysis", "complaints.tasks.monthly_snapshot", "0 1 1 * *"),
    ("Monthly quality inspection draw", "complaints.tasks.inspections_monthly_draw", "0 2 1 * *"),
    ("Photo files of failed requests", "complaints.photos.photo_orphans_delete", "30 3 * * *"),
]


def schedule_interval(func: str) -> timedelta:
    """The time between two runs of the job `func` (one run every N minutes)."""
    for _name, scheduled, every in SCHEDULES:
        if scheduled == func and isinstance(every, int):
            return timedelta(minutes=every)
    raise LookupError(f"No every-N-minutes schedule runs {func}")


@transaction.atomic
def schedules_install() -> list[str]:
    """Create or update each schedule by name; a redeploy keeps each one's next run."""
    names = []
    for name, func, every in SCHEDULES:
        fields = {"func": func, "repeats": -1}
        if isinstance(every, int):
            fields.update(schedule_type=Schedule.MINUTES, minutes=every, cron=None)
            first_run = timezone.now()
        else:
            fields.update(schedule_type=Schedule.CRON, cron=every, minutes=None)
            first_run = croniter(every, timezone.localtime()).get_next(datetime)
        Schedule.objects.update_or_create(
            name=name,
            defaults=fields,
            create_defaults={**fields, "next_run": first_run},
        )
        names.append(name)
    return names
