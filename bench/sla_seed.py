"""Benchmark data for the SLA sweep, bulk-created: services are bypassed on purpose.

Imported by `sla_sweep.py` after `django.setup()`. Every complaint is open (classified
or dispatched), has an owner, its level's real deadlines (the SLA policies of the
migration, level III through the PRC working-day calendar), and `next_due_at` and
`sla_next_at` as the sweep itself would have left them (`sla.refresh_schedule`):

- not due: the last sweep ran at `now`, so `sla_next_at` is the complaint's next
  warning, breach, escalation or hold end after `now`;
- due: the last sweep ran just before one of the complaint's moments that has come by
  `now` (a warning, a breach, an escalation, or the end of a hold), most of them up to
  ten minutes ago, as after a short outage; `sla_next_at` is that moment.

What those earlier sweeps did is seeded too, so the sweep meets its unique constraints
on events it already recorded: open holds; the breaches (escalated or not) of every
complaint; and, with history "due", the notifications of the due complaints only
("full": of every complaint, which triples the seeding time; "none": no breaches and
no notifications).
"""

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from buildings.models import Building, Property, Unit
from complaints import sla
from complaints.models import Breach, Channel, Complaint, Hold, Level, Notification, State
from complaints.notifications import notification_build
from complaints.sla.workdays import add_working_days
from staff.models import Role, Team
from staff.services import staff_create

BATCH = 10_000
LEVEL_WEIGHTS = {Level.I: 5, Level.II: 75, Level.III: 20}
DISPATCHED_SHARE = 0.8
HELD_SHARE = 0.03  # of dispatched level II/III complaints that are not due
# Due complaints, in turn: 3 warnings, 3 breaches, 3 escalations, 1 hold ending.
DUE_KINDS = ("warning",) * 3 + ("breach",) * 3 + ("escalation",) * 3 + ("resume",)
MAX_LAG = timedelta(minutes=10)
# Level III's reply window is 5 working days: about a week, for placing moments.
WORKING_DAYS_NOMINAL = timedelta(days=7)
OWNERS = 6
PASSWORD = "bench-only-not-a-secret"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Seeder:
    def __init__(
        self,
        *,
        now: datetime,
        total: int,
        due: int,
        seed: int,
        history: str = "due",
        log: Callable[[str], None] = print,
    ) -> None:
        if not 0 <= due <= total:
            raise ValueError("the due count must be between 0 and the open count")
        self.now = now
        self.total = total
        self.due = due
        # Due complaints draw from their own generator: the same due complaints, in the
        # same order, whatever the open total, so that two sizes differ in that alone.
        self.rng_due = random.Random(seed)
        self.rng = random.Random(seed + 1)
        self.history = history
        self.log = log
        self.figures: Counter[str] = Counter()
        self.timings: Counter[str] = Counter()
        self._working_day_dues: dict[tuple[date, int], datetime] = {}

    # Reference data -----------------------------------------------------------------

    def _places(self) -> None:
        self.property = Property.objects.create(
            name="Bench Garden", kind=Property.Kind.RESIDENTIAL, city="Shanghai"
        )
        buildings = Building.objects.bulk_create(
            Building(property=self.property, name=f"Building {n}") for n in range(1, 5)
        )
        units = Unit.objects.bulk_create(
            Unit(building=building, entrance="1", floor=floor, number=f"{floor:02d}{door:02d}")
            for building in buildings
            for floor in range(1, 21)
            for door in range(1, 6)
        )
        self.units = [(unit.building_id, unit.pk) for unit in units]

    def _people(self) -> None:
        kinds = (
            Team.Kind.CUSTOMER_SERVICE,
            Team.Kind.ENGINEERING,
            Team.Kind.ENVIRONMENT,
            Team.Kind.SECURITY,
        )
        teams = Team.objects.bulk_create(
            Team(property=self.property, name=kind.value, kind=kind) for kind in kinds
        )
        service = teams[0]
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            manager = staff_create(
                username="bench-manager",
                password=PASSWORD,
                role=Role.PROJECT_MANAGER,
                properties=[self.property],
                email="bench-manager@example.invalid",
            )
            for team in teams:
                team.leader = staff_create(
                    username=f"bench-leader-{team.kind}",
                    password=PASSWORD,
                    role=Role.TEAM_LEADER,
                    properties=[self.property],
                    team=team,
                )
            owners = [
                staff_create(
                    username=f"bench-agent-{n}",
                    password=PASSWORD,
                    role=Role.AGENT,
                    properties=[self.property],
                    team=service,
                )
                for n in range(1, OWNERS + 1)
            ]
        Team.objects.bulk_update(teams, ["leader"])
        self.manager_ids = [manager.pk]
        self.owner_ids = [owner.pk for owner in owners]
        self.service_leader_id = service.leader_id
        self.field_team_ids = [team.pk for team in teams[1:]]
        self.leader_by_team = {team.pk: team.leader_id for team in teams}
        self.figures["staff"] = 1 + len(teams) + len(owners)

    def _windows(self) -> None:
        self.windows = {
            level: sla.windows_for(property_id=self.property.pk, level=level) for level in Level
        }

    # Complaints ---------------------------------------------------------------------

    def _level(self, rng: random.Random) -> int:
        return rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]

    def _resolve_window(self, level: int) -> timedelta:
        return self.windows[level].resolve or WORKING_DAYS_NOMINAL

    def _primary_window(self, level: int, state: str) -> timedelta:
        """The window of the deadline that comes first for a complaint in this state."""
        windows = self.windows[level]
        if state == State.CLASSIFIED:
            return windows.first_response
        return windows.on_site or self._resolve_window(level)

    def _working_days_due(self, start: datetime, days: int) -> datetime:
        # add_working_days depends only on the local date of `start`: one call per date.
        key = (timezone.localdate(start), days)
        if key not in self._working_day_dues:
            self._working_day_dues[key] = add_working_days(start, days)
        return self._working_day_dues[key]

    def _build(self, rng, i: int, level: int, state: str, held: bool, kind, attempt: int):
        now, windows = self.now, self.windows[level]
        if kind is None:
            # Anywhere in the cycle up to the last escalation; closer to now on a retry.
            age = 2 * self._resolve_window(level) * rng.random() * 0.5**attempt
        elif kind == "resume":
            age = timedelta(hours=rng.uniform(3, 20))
        else:
            window = self._primary_window(level, state) * 1.25**attempt
            factor = {"warning": sla.warning_ratio(), "breach": 1.0, "escalation": 2.0}[kind]
            age = window * factor + min(MAX_LAG, window * 0.1) * rng.random()
        start = now - age
        first = min(age, windows.first_response)
        dispatched_at = start + first * 0.7 if state == State.DISPATCHED else None
        if windows.resolve_working_days:
            resolve_due = self._working_days_due(start, windows.resolve_working_days)
        else:
            resolve_due = start + windows.resolve
        held_since = held_until = None
        if held:
            if kind == "resume":
                held_until = now - MAX_LAG * rng.random()
                held_since = held_until - timedelta(hours=rng.uniform(0.5, 48))
            else:
                held_until = now + timedelta(hours=rng.uniform(1, 72))
                held_since = now - timedelta(hours=rng.uniform(0, 48))
            held_since = max(held_since, dispatched_at)
        owner_id = rng.choice(self.owner_ids)
        building_id, unit_id = rng.choice(self.units)
        return Complaint(
            channel=Channel.PHONE,
            property_id=self.property.pk,
            building_id=building_id,
            unit_id=unit_id,
            description=f"Bench complaint {i}: water is leaking in the stairwell.",
            created_by_id=owner_id,
            state=state,
            level=level,
            owner_id=owner_id,
            team_id=rng.choice(self.field_team_ids) if state == State.DISPATCHED else None,
            created_at=start,
            accepted_at=start + first * 0.2,
            classified_at=start + first * 0.4,
            dispatched_at=dispatched_at,
            sla_started_at=start,
            first_response_due=start + windows.first_response,
            on_site_due=start + windows.on_site if windows.on_site else None,
            resolve_due=resolve_due,
            held_since=held_since,
            held_until=held_until,
        )

    @staticmethod
    def _moments(complaint: Complaint) -> list[tuple[datetime, str]]:
        moments = [
            (moment, label)
            for times in sla.open_deadlines(complaint)
            for moment, label in (
                (times.warn_at, "warning"),
                (times.due_at, "breach"),
                (times.escalate_at, "escalation"),
            )
        ]
        if complaint.held_until is not None:
            moments.append((complaint.held_until, "resume"))
        return moments

    def _complaint(self, i: int, kind: str | None) -> tuple[Complaint, datetime, str | None]:
        """A complaint, when the sweep last looked at it, and what is due now (if anything)."""
        rng = self.rng if kind is None else self.rng_due
        if kind == "resume":
            level, state, held = rng.choice((Level.II, Level.III)), State.DISPATCHED, True
        else:
            level = self._level(rng)
            state = State.DISPATCHED if rng.random() < DISPATCHED_SHARE else State.CLASSIFIED
            held = (
                kind is None
                and state == State.DISPATCHED
                and level != Level.I
                and rng.random() < HELD_SHARE
            )
        for attempt in range(60):
            complaint = self._build(rng, i, level, state, held, kind, attempt)
            # The stored next deadline and next sweep time, as the sweep leaves them.
            sla.refresh_schedule(complaint, now=self.now, swept=True)
            if kind is None:
                if complaint.sla_next_at is not None and complaint.sla_next_at > self.now:
                    return complaint, self.now, None
            else:
                passed = [item for item in self._moments(complaint) if item[0] <= self.now]
                if passed:
                    moment, label = max(passed)
                    complaint.sla_next_at = moment
                    return complaint, moment - timedelta(microseconds=1), label
        raise RuntimeError(f"could not place complaint {i} (level {level}, {state}, {kind})")

    # Earlier sweeps -----------------------------------------------------------------

    def _notices(
        self, recipients: Iterable[int | None], kind: str, complaint, key, times, at
    ) -> list[Notification]:
        notices = []
        for user_id in set(recipients) - {None}:
            notice = notification_build(
                recipient_id=user_id,
                kind=kind,
                event_key=f"{kind}:{key}",
                now=at,
                complaint=complaint,
                params={
                    "deadline": times.deadline,
                    "due": timezone.localtime(times.due_at).strftime("%Y-%m-%d %H:%M"),
                },
            )
            notice.delivered_at = min(at + timedelta(minutes=1), self.now)
            notices.append(notice)
        return notices

    def _aftermath(self, seeded: list[tuple[Complaint, datetime, str | None]]) -> None:
        """Holds of held complaints, and what the sweeps up to `checked` recorded."""
        started = time.perf_counter()
        holds: list[Hold] = []
        breaches: list[Breach] = []
        notices: list[Notification] = []
        for complaint, checked, label in seeded:
            if label:
                self.figures[f"due: {label}"] += 1
            if complaint.held_since is not None:
                holds.append(
                    Hold(
                        complaint=complaint,
                        reason=Hold.Reason.values[complaint.pk % len(Hold.Reason.values)],
                        started_at=complaint.held_since,
                        expected_resume_at=complaint.held_until,
                        started_by_id=complaint.owner_id,
                    )
                )
            if self.history == "none":
                continue
            # Earlier notifications only where this sweep meets them again, unless "full".
            notify = self.history == "full" or label is not None
            leader_id = self.leader_by_team.get(complaint.team_id) or self.service_leader_id
            for times in sla.open_deadlines(complaint):
                key = f"{complaint.pk}:{times.deadline}:{complaint.reopen_count}"
                event = {"complaint": complaint, "key": key, "times": times}
                if notify and times.warn_at <= checked:
                    notices += self._notices(
                        [complaint.owner_id], "sla_warning", **event, at=times.warn_at
                    )
                if times.due_at <= checked:
                    escalated = times.escalate_at <= checked
                    breaches.append(
                        Breach(
                            complaint=complaint,
                            deadline=times.deadline,
                            cycle=complaint.reopen_count,
                            level=complaint.level,
                            due_at=times.due_at,
                            detected_at=times.due_at,
                            owner_id=complaint.owner_id,
                            team_id=complaint.team_id,
                            escalate_at=times.escalate_at,
                            escalated_to_manager_at=times.escalate_at if escalated else None,
                        )
                    )
                    if notify:
                        notices += self._notices(
                            [leader_id, complaint.owner_id], "sla_breach", **event, at=times.due_at
                        )
                if notify and times.escalate_at <= checked:
                    notices += self._notices(
                        self.manager_ids, "sla_escalation", **event, at=times.escalate_at
                    )
        self.timings["history built"] += time.perf_counter() - started
        started = time.perf_counter()
        Hold.objects.bulk_create(holds)
        Breach.objects.bulk_create(breaches)
        Notification.objects.bulk_create(notices)
        self.timings["history inserted"] += time.perf_counter() - started
        self.figures["holds"] += len(holds)
        self.figures["breaches"] += len(breaches)
        self.figures["notifications"] += len(notices)

    def run(self) -> dict[str, int]:
        # Level III deadlines past the calendar's years fall back to Monday-Friday with a
        # warning: expected here, and not what is measured.
        logging.getLogger("complaints.sla.workdays").setLevel(logging.ERROR)
        self._places()
        self._people()
        self._windows()
        due_positions = set(random.Random(self.total).sample(range(self.total), self.due))
        due_seen = 0
        for first in range(0, self.total, BATCH):
            started = time.perf_counter()
            seeded = []
            for i in range(first, min(first + BATCH, self.total)):
                kind = None
                if i in due_positions:
                    kind = DUE_KINDS[due_seen % len(DUE_KINDS)]
                    due_seen += 1
                seeded.append(self._complaint(i, kind))
            self.timings["complaints built"] += time.perf_counter() - started
            with transaction.atomic():
                started = time.perf_counter()
                Complaint.objects.bulk_create([complaint for complaint, _, _ in seeded])
                self.timings["complaints inserted"] += time.perf_counter() - started
                self._aftermath(seeded)
            self.figures["complaints"] += len(seeded)
            self.log(f"  seeded {self.figures['complaints']:,} of {self.total:,} complaints")
        self.figures["due"] = due_seen
        return {
            **self.figures,
            "timings": {key: round(value, 2) for key, value in self.timings.items()},
        }
