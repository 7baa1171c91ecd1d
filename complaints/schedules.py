"""The job schedules, declared in code and installed by `manage.py install_schedules`."""

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

SCHEDULES = [
    # name, function, minutes between runs
    ("SLA sweep", "complaints.tasks.sla_sweep", 1),
    ("Ownership guard", "complaints.tasks.ownership_guard", 1),
    ("Deliver notifications", "complaints.tasks.notifications_deliver_task", 1),
    ("Auto-confirm handled complaints", "complaints.tasks.auto_confirm", 10),
    ("Satisfaction survey dispatch", "complaints.tasks.survey_dispatch", 10),
    ("Revisit queue", "complaints.tasks.revisit_queue", 10),
]


@transaction.atomic
def schedules_install() -> list[str]:
    """Create or update each schedule by name; a redeploy keeps each one's next run."""
    names = []
    for name, func, minutes in SCHEDULES:
        fields = {
            "func": func,
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        }
        Schedule.objects.update_or_create(
            name=name,
            defaults=fields,
            create_defaults={**fields, "next_run": timezone.now()},
        )
        names.append(name)
    return names
