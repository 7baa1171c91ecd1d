"""Fill an empty database with data at scale (`complaints.demo.scale`) for benchmarks and
load tests: `manage.py seed_scale --complaints 1000000`."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.demo.scale import UNITS, ScaleSeeder
from complaints.models import Complaint

DEFAULT_PASSWORD = "scale-pass-2026"


class Command(BaseCommand):
    help = "Seed N complaints over 24 months, 8 properties, 25,000 units, residents and staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--complaints", type=int, required=True, help="how many complaints")
        parser.add_argument(
            "--units", type=int, default=UNITS, help=f"units in all (default {UNITS:,})"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every login (default: {DEFAULT_PASSWORD})",
        )

    def handle(self, *args, complaints: int, units: int, seed: int, password: str, **options):
        if complaints < 1 or units < 8:
            raise CommandError("--complaints must be at least 1 and --units at least 8.")
        if Complaint.objects.exists() or get_user_model().objects.filter(username="admin").exists():
            raise CommandError("The database already has data: seed_scale needs an empty one.")
        started = time.monotonic()
        figures = ScaleSeeder(
            complaints=complaints,
            units=units,
            password=password,
            seed=seed,
            log=lambda line: self.stderr.write(line),
        ).run()
        for name, count in figures.items():
            self.stdout.write(f"{name}: {count:,}")
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s; password: {password}")
