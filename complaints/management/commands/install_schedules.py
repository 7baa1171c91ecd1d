from django.core.management.base import BaseCommand

from complaints.schedules import schedules_install


class Command(BaseCommand):
    help = "Install or update the scheduled jobs (idempotent)."

    def handle(self, *args, **options) -> None:
        for name in schedules_install():
            self.stdout.write(f"scheduled: {name}")
