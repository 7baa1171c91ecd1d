"""Load demo data (`complaints.demo`): two properties with buildings and units, their
teams, staff in every role, residents, and a year of complaints told through the
services and the scheduled jobs: the twelve months before this one, each published as
the monthly reports, and the last weeks' complaints in every state of the lifecycle.

Running it again creates nothing and prints the logins.
"""

import time
import unicodedata

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from buildings.models import Property, Residency
from complaints.demo.people import DEMO_USERNAMES, NEIGHBOURS, RESIDENTS, STAFF
from complaints.demo.places import PROPERTIES, property_names
from complaints.demo.seeder import Seeder
from complaints.models import Complaint, MonthlySnapshot, State
from complaints.reports import month_of
from staff.models import Role

DEFAULT_PASSWORD = "demo12345"
DEFAULT_ADDR = "127.0.0.1:8000"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


class Command(BaseCommand):
    help = "Create demo properties, staff, residents and complaints in every state (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo login (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--addr",
            default=DEFAULT_ADDR,
            help=f"Address of the web server, for the printed links (default: {DEFAULT_ADDR}).",
        )

    def handle(self, *args, password: str, addr: str, **options) -> None:
        self.site_url = f"http://{addr}"
        started = time.monotonic()
        names = property_names()
        with transaction.atomic():
            present = Property.objects.filter(name__in=names).count()
            if present == len(names):
                self.stdout.write("Demo data already present; nothing created.")
                if not self._password_works(password):
                    self.stdout.write(
                        self.style.WARNING(
                            "The demo logins have another password than the one given; "
                            "passwords were not changed."
                        )
                    )
                    password = "(unchanged)"
                self._write_logins(password)
                return
            if present:
                raise CommandError(
                    f"Only some of the demo properties ({', '.join(names)}) exist; "
                    "remove them or start from an empty database."
                )
            taken = list(
                get_user_model()
                .objects.filter(username__in=DEMO_USERNAMES)
                .values_list("username", flat=True)
            )
            if taken:
                raise CommandError(
                    f"These demo usernames already belong to other users: {', '.join(taken)}."
                )
            Seeder(password=password).run()
        self._write_summary(names)
        self._write_logins(password)
        self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")

    def _password_works(self, password: str) -> bool:
        user = get_user_model().objects.filter(username=STAFF[0].username).first()
        return user is None or user.check_password(password)

    def _write_summary(self, names: list[str]) -> None:
        complaints = Complaint.objects.filter(property__name__in=names)
        counts = dict(complaints.values_list("state").annotate(n=Count("pk")).order_by())
        first = complaints.order_by("created_at").values_list("created_at", flat=True).first()
        since = f" since {month_of(first):%Y-%m}" if first else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {complaints.count()} demo complaints{since}:")
        )
        for state in State:
            self.stdout.write(f"  {state.value:<11} {counts.get(state.value, 0)}")
        months = sorted(
            set(
                MonthlySnapshot.objects.filter(property__name__in=names).values_list(
                    "month", flat=True
                )
            )
        )
        if months:
            self.stdout.write(
                f"Published the red/black list and the analysis of {len(months)} months "
                f"({months[0]:%Y-%m} … {months[-1]:%Y-%m}) through the monthly job."
            )

    def _write_logins(self, password: str) -> None:
        property_names = {key: spec["name"] for key, spec in PROPERTIES.items()}
        header = ("username", "password", "role", "property", "name")
        rows = [
            (
                spec.username,
                password,
                str(Role(spec.role).label),
                "、".join(property_names[key] for key in spec.properties),
                f"{spec.surname}{spec.given_name}",
            )
            for spec in STAFF
        ]
        rows += [
            (
                spec.username,
                password,
                f"resident ({Residency.Relation(spec.relation).label})",
                property_names[spec.property],
                f"{spec.surname}{spec.given_name}",
            )
            for spec in RESIDENTS
        ]
        widths = [max(_display_width(str(row[i])) for row in (header, *rows)) for i in range(5)]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for row in (header, tuple("-" * w for w in widths), *rows):
            self.stdout.write(
                "  ".join(_pad(str(cell), w) for cell, w in zip(row, widths, strict=True))
            )
        if NEIGHBOURS:
            self.stdout.write(
                f"and {len(NEIGHBOURS)} neighbours ({NEIGHBOURS[0].username} … "
                f"{NEIGHBOURS[-1].username}, same password), who filed most of the year's "
                "complaints."
            )
        self.stdout.write("")
        self.stdout.write(f"Staff sign in to the admin: {self.site_url}/admin/")
        self.stdout.write(
            "The year's reports: supervisor (or pm1, pm2) → Complaints → Published monthly reports."
        )
        try:
            portal = f"the resident portal at {self.site_url}{reverse('portal:login')}"
        except NoReverseMatch:
            portal = "the resident portal"
        self.stdout.write(
            f"Residents (resident1 …) cannot use the admin; they sign in to {portal} "
            "to file complaints, follow progress, confirm fixes and rate the service."
        )
