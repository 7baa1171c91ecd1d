"""Building blocks of the report fixtures: moments in Asia/Shanghai and `build`, which
files a complaint through the services and then sets its chosen moments, breaches and
survey. (A module of its own, so test modules can import it by a unique name.)"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from complaints import services
from complaints.models import Breach, Channel, Complaint, Deadline, Survey
from complaints.repeats import repeat_members_rebuild
from staff.models import Team

SHANGHAI = ZoneInfo("Asia/Shanghai")
FEBRUARY = datetime(2025, 2, 1).date()


def at(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def feb(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return at(2, day, hour, minute)


@dataclass
class Case:
    """One complaint to build: where it stands when the services are done with it."""

    team: Team
    owner: object
    handler: object
    category: object
    level: int
    created: datetime
    resolve_due: datetime | None
    unit: object = None
    building: object = None
    handled: datetime | None = None
    closed: datetime | None = None
    reopen: bool = False
    breaches: tuple = ()  # (deadline, due_at)
    survey: tuple | None = None  # (solved, speed, attitude)


def build(case: Case) -> Complaint:
    """File, accept, classify, dispatch (and handle, close, reopen …) through the
    services, then set the chosen moments, breaches and survey."""
    owner = case.owner
    complaint = services.complaint_create(
        actor=owner,
        description="Built for the February reports",
        channel=Channel.PHONE,
        unit=case.unit,
        building=case.building,
    )
    pk = complaint.pk
    services.complaint_accept(complaint_id=pk, actor=owner)
    services.complaint_classify(
        complaint_id=pk, actor=owner, category=case.category, level=case.level
    )
    services.complaint_dispatch(complaint_id=pk, actor=owner, team=case.team, assignee=case.handler)
    rounds = 2 if case.reopen else 1
    for round_ in range(rounds if case.closed else 0):
        services.complaint_handle(complaint_id=pk, actor=case.handler, note="Fixed.")
        services.complaint_close(complaint_id=pk, actor=owner, reason="Resident unreachable")
        if round_ + 1 < rounds:
            services.complaint_revisit(
                complaint_id=pk, actor=owner, note="Not fixed.", solved=False
            )
            services.complaint_dispatch(
                complaint_id=pk, actor=owner, team=case.team, assignee=case.handler
            )
    Complaint.objects.filter(pk=pk).update(
        created_at=case.created,
        handled_at=case.handled,
        closed_at=case.closed,
        resolve_due=case.resolve_due,
    )
    # Filing times moved: recount what the services kept at the old ones.
    repeat_members_rebuild(property_id=complaint.property_id)
    complaint = Complaint.objects.get(pk=pk)
    for deadline, due_at in case.breaches:
        breach_add(complaint, deadline=deadline, due_at=due_at)
    if case.survey is not None:
        solved, speed, attitude = case.survey
        Survey.objects.create(
            complaint=complaint,
            cycle=complaint.reopen_count,
            sent_at=case.closed + timedelta(days=1),
            submitted_at=case.closed + timedelta(days=1, hours=2),
            solved=solved,
            speed=speed,
            attitude=attitude,
        )
    return complaint


def breach_add(complaint: Complaint, *, deadline: str = Deadline.RESOLVE, due_at: datetime):
    return Breach.objects.create(
        complaint=complaint,
        deadline=deadline,
        cycle=complaint.reopen_count,
        level=complaint.level,
        due_at=due_at,
        detected_at=due_at + timedelta(minutes=1),
        owner_id=complaint.owner_id,
        team_id=complaint.team_id,
    )
