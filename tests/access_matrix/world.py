"""The access matrix's data: property X (Lakeside) and property Y (Riverside), a person
of every role, and objects of every admin model inside and outside each one's scope.

Every object whose text could leak carries a unique marker (``MK017Z``) in its name,
description, note or file name, and every resident has a phone number of their own, so a
response can be searched for anything that is not the reader's. `World.visible` says,
from the SPEC's rules alone (not from the code under test), which markers a user may see.

Complaints (filed at BUILT_AT, requests at REQUESTED_AT, three days later):

    key  property resident  unit  category  state       team               assignee
    A1   X        A         uA    C         dispatched  team 1 (eng.)      handler
    A2   X        A         uA    C         dispatched  team 2 (env.)      handler2
    AC   X        A         uA    C2        closed      team 1             handler
    B    X        B         uB    —         new         —                  —
    Y    Y        Y         uY    C         dispatched  Y engineering      handler_y
    YN   Y        Y         uY    —         new         —                  —

A1 and A2 are about the same unit and category, so A2 is in A1's "related complaints"
box: the team 1 handler must not read it there either. A2 went to team 1 first and was
sent on to team 2, and A1 and Y have an arrival on site: their oldest version in the
present state differs from today's row, so a history "revert" would show as a change.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from factories import (
    AgentFactory,
    BuildingFactory,
    CategoryFactory,
    ComplaintFactory,
    HandlerFactory,
    ProjectManagerFactory,
    PropertyFactory,
    ResidentFactory,
    SupervisorFactory,
    TeamFactory,
    TeamLeaderFactory,
    UnitFactory,
    UserFactory,
    complaint_walk,
    image_upload,
)

from buildings.models import Residency
from complaints import services
from complaints.models import (
    Breach,
    Deadline,
    Hold,
    MonthlySnapshot,
    PropertySlaOverride,
    SlaPolicy,
    State,
    Survey,
    WorkdayOverride,
)
from complaints.notifications import notification_build, notifications_save
from complaints.reports import snapshots_publish
from staff.models import Role, StaffProfile, Team

SHANGHAI = ZoneInfo("Asia/Shanghai")
BUILT_AT = datetime(2025, 3, 7, 9, 0, tzinfo=SHANGHAI)  # a Friday
REQUESTED_AT = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)  # the root conftest's FROZEN_NOW
PUBLISHED_MONTH = date(2025, 2, 1)
LIVE_MONTH = date(2025, 3, 1)

USERS = [
    "anonymous",
    "resident_a",
    "resident_b",
    "handler",
    "agent",
    "team_leader",
    "project_manager",
    "supervisor",
    "project_manager_y",
]
RESIDENTS = {"resident_a": "A", "resident_b": "B"}
STAFF_ROLES = {
    "handler": Role.HANDLER,
    "agent": Role.AGENT,
    "team_leader": Role.TEAM_LEADER,
    "project_manager": Role.PROJECT_MANAGER,
    "supervisor": Role.SUPERVISOR,
    "project_manager_y": Role.PROJECT_MANAGER,
}
STAFF_PROPERTIES = {key: {"Y"} if key.endswith("_y") else {"X"} for key in STAFF_ROLES}
PHONES = {"A": "13811110001", "B": "13822220002", "Y": "13833330003"}


@dataclass(frozen=True)
class Marker:
    """What a marker belongs to: `kind` is place, resident, team, staff or complaint;
    `prop` the property ("X"/"Y"); `owner` the resident or complaint key."""

    text: str
    kind: str
    prop: str
    owner: str = ""


@dataclass
class World:
    users: dict = field(default_factory=dict)  # key -> User (None for anonymous)
    props: dict = field(default_factory=dict)  # "X"/"Y" -> Property
    objects: dict = field(default_factory=dict)  # key -> model instance
    complaints: dict = field(default_factory=dict)  # "A1" … -> Complaint
    markers: list = field(default_factory=list)
    _count: int = 0

    # -- markers -----------------------------------------------------------------------

    def mark(self, kind: str, prop: str, owner: str = "") -> str:
        self._count += 1
        text = f"MK{self._count:03d}Z"
        self.markers.append(Marker(text, kind, prop, owner))
        return text

    # -- the SPEC's visibility, written out independently of complaints.selectors ---------

    def is_staff(self, user_key: str) -> bool:
        return user_key in STAFF_ROLES

    def role(self, user_key: str) -> str | None:
        return STAFF_ROLES.get(user_key)

    def scope(self, user_key: str) -> set[str]:
        """The properties a staff member may see (SPEC §2: the profile's properties)."""
        return STAFF_PROPERTIES.get(user_key, set())

    def sees_complaint(self, user_key: str, key: str) -> bool:
        """SPEC §7: residents their own; staff their properties; handlers only their
        team's and those assigned to them."""
        complaint = self.complaints[key]
        if user_key in RESIDENTS:
            return complaint.resident_id == self.objects[f"resident:{RESIDENTS[user_key]}"].pk
        if not self.is_staff(user_key):
            return False
        if self.prop_key(complaint.property_id) not in self.scope(user_key):
            return False
        if self.role(user_key) == Role.HANDLER:
            user = self.users[user_key]
            team_id = user.staff_profile.team_id
            return complaint.team_id == team_id or complaint.assignee_id == user.pk
        return True

    def sees_place(self, user_key: str, prop: str, owner: str = "") -> bool | None:
        if self.is_staff(user_key):
            return prop in self.scope(user_key)
        if user_key in RESIDENTS:
            # A resident reads their own home and its building and estate.
            if owner:
                return owner == RESIDENTS[user_key]
            return prop == "X"
        return False

    def visible(self, user_key: str, marker: Marker) -> bool | None:
        """True: may appear; False: must not; None: not checked for this user (team and
        staff names of the resident's own estate appear in their timeline)."""
        if marker.kind == "complaint":
            return self.sees_complaint(user_key, marker.owner)
        if marker.kind == "place":
            return self.sees_place(user_key, marker.prop, marker.owner)
        if marker.kind == "resident":
            if user_key in RESIDENTS:
                return marker.owner == RESIDENTS[user_key]
            if not self.is_staff(user_key) or marker.prop not in self.scope(user_key):
                return False
            if self.role(user_key) == Role.HANDLER:
                # Minimum necessary: a handler reads the residents of the complaints
                # they may see, nobody else's record.
                return any(
                    self.sees_complaint(user_key, key)
                    for key, complaint in self.complaints.items()
                    if complaint.resident_id == self.objects[f"resident:{marker.owner}"].pk
                )
            return True
        if marker.kind in ("team", "staff"):
            if self.is_staff(user_key):
                return marker.prop in self.scope(user_key)
            if user_key in RESIDENTS and marker.prop == "X":
                return None
            return False
        raise ValueError(marker.kind)

    def forbidden_markers(self, user_key: str) -> list[Marker]:
        return [m for m in self.markers if self.visible(user_key, m) is False]

    def forbidden_phones(self, user_key: str) -> dict[str, str]:
        """Full numbers this user must never read (SPEC §3/§7: masked unless a logged
        reveal): for staff every resident's, for a resident everyone else's."""
        own = RESIDENTS.get(user_key)
        return {key: phone for key, phone in PHONES.items() if key != own}

    def prop_key(self, property_id: int) -> str:
        return next(key for key, prop in self.props.items() if prop.pk == property_id)

    def obj(self, key: str):
        return self.objects[key]

    def pk(self, key: str) -> int:
        return self.objects[key].pk


def _first_version(instance) -> int:
    """The oldest stored version (of a complaint: the oldest in its present state, which a
    revert can write back without a state error — its team, assignee or on-site time
    differ from today's); rows made by a data migration get one by a plain save."""
    if not instance.history.exists():
        instance.save()
    versions = instance.history.order_by("history_id")
    if hasattr(instance, "state"):
        versions = versions.filter(state=instance.state)
    return versions.values_list("history_id", flat=True)[0]


def build_world() -> World:
    """Everything the matrix needs, filed through the services (the clock at BUILT_AT)."""
    w = World()
    o = w.objects

    for key, name in (("X", "Lakeside Garden"), ("Y", "Riverside Plaza")):
        prop = PropertyFactory(name=f"{name} {w.mark('place', key)}")
        w.props[key] = o[f"property:{key}"] = prop
    bx = o["building:X"] = BuildingFactory(property=w.props["X"], name=f"B3 {w.mark('place', 'X')}")
    by = o["building:Y"] = BuildingFactory(property=w.props["Y"], name=f"TA {w.mark('place', 'Y')}")
    units = {"A": bx, "B": bx, "Y": by}
    for key, building in units.items():
        prop = "Y" if key == "Y" else "X"
        o[f"unit:{key}"] = UnitFactory(
            building=building, entrance="2", floor=12, number=w.mark("place", prop, key)
        )

    teams = {
        "1": ("X", Team.Kind.ENGINEERING, "Engineering"),
        "2": ("X", Team.Kind.ENVIRONMENT, "Environment"),
        "cs": ("X", Team.Kind.CUSTOMER_SERVICE, "Customer service"),
        "Y": ("Y", Team.Kind.ENGINEERING, "Engineering"),
    }
    for key, (prop, kind, name) in teams.items():
        o[f"team:{key}"] = TeamFactory(
            property=w.props[prop], kind=kind, name=f"{name} {w.mark('team', prop)}"
        )

    def staff(factory, username, prop, **kwargs):
        return factory(
            username=username,
            first_name="Staff",
            last_name=w.mark("staff", prop),
            properties=[w.props[prop]],
            **kwargs,
        )

    u = w.users
    u["anonymous"] = None
    u["handler"] = staff(HandlerFactory, "handler", "X", team=o["team:1"])
    u["agent"] = staff(AgentFactory, "agent", "X", team=o["team:cs"])
    u["team_leader"] = staff(TeamLeaderFactory, "leader", "X", team=o["team:1"])
    u["project_manager"] = staff(ProjectManagerFactory, "manager", "X")
    u["supervisor"] = staff(SupervisorFactory, "supervisor", "X")
    u["project_manager_y"] = staff(ProjectManagerFactory, "manager-y", "Y")
    o["user:handler2"] = staff(HandlerFactory, "handler2", "X", team=o["team:2"])
    o["user:agent_y"] = staff(AgentFactory, "agent-y", "Y", team=o["team:Y"])
    o["user:handler_y"] = staff(HandlerFactory, "handler-y", "Y", team=o["team:Y"])
    o["team:1"].leader = u["team_leader"]
    o["team:1"].save()
    o["user:spare"] = UserFactory(username="spare")  # for the Resident add form

    for key in ("A", "B", "Y"):
        prop = "Y" if key == "Y" else "X"
        resident = ResidentFactory(
            user__username=f"resident-{key.lower()}",
            name=f"Resident {w.mark('resident', prop, key)}",
            phone=PHONES[key],
            unit=o[f"unit:{key}"],
        )
        o[f"resident:{key}"] = resident
        o[f"residency:{key}"] = Residency.objects.get(resident=resident)
    u["resident_a"] = o["resident:A"].user
    u["resident_b"] = o["resident:B"].user
    for key, user in u.items():
        if user is not None and key in STAFF_ROLES:
            o[f"profile:{key}"] = user.staff_profile
    for key in ("handler2", "handler_y"):
        o[f"profile:{key}"] = StaffProfile.objects.get(user=o[f"user:{key}"])

    cat = o["category:C"] = CategoryFactory(code="matrix-doorbell", name_en="Door bell")
    cat2 = o["category:C2"] = CategoryFactory(code="matrix-corridor", name_en="Corridor light")

    def file(key, resident, prop, to, *, team=None, handler=None, agent=None, category=cat):
        complaint = ComplaintFactory(
            resident=o[f"resident:{resident}"],
            description=f"{w.mark('complaint', prop, key)} The door bell does not ring",
            photos=[image_upload(f"{w.mark('complaint', prop, key)}.jpg")],
        )
        # Marked before walking: `sees_complaint` reads the stored team and assignee.
        w.complaints[key] = complaint
        if to != State.NEW:
            complaint = complaint_walk(
                complaint, to, agent=agent, handler=handler, team=team, category=category
            )
        w.complaints[key] = o[f"complaint:{key}"] = complaint
        return complaint

    x_staff = {"agent": u["agent"], "handler": u["handler"], "team": o["team:1"]}
    a1 = file("A1", "A", "X", State.DISPATCHED, **x_staff)
    services.complaint_mark_on_site(complaint_id=a1.pk, actor=u["handler"])
    a2 = file("A2", "A", "X", State.DISPATCHED, **x_staff)
    # Sent on to team 2: its first dispatched version still names team 1 and the handler.
    services.complaint_dispatch(
        complaint_id=a2.pk, actor=u["agent"], team=o["team:2"], assignee=o["user:handler2"]
    )
    file("AC", "A", "X", State.CLOSED, **x_staff, category=cat2)
    file("B", "B", "X", State.NEW)
    y_staff = {"agent": o["user:agent_y"], "handler": o["user:handler_y"], "team": o["team:Y"]}
    y = file("Y", "Y", "Y", State.DISPATCHED, **y_staff)
    services.complaint_mark_on_site(complaint_id=y.pk, actor=o["user:handler_y"])
    file("YN", "Y", "Y", State.NEW)
    for key, complaint in w.complaints.items():
        complaint.refresh_from_db()
        o[f"photo:{key}"] = complaint.photos.order_by("pk").first()

    # Rows hanging off complaints, each quoting a marker of its complaint.
    for key in ("A1", "A2", "Y"):
        complaint = w.complaints[key]
        prop = w.prop_key(complaint.property_id)
        o[f"breach:{key}"] = Breach.objects.create(
            complaint=complaint,
            deadline=Deadline.RESOLVE,
            cycle=0,
            level=complaint.level or 2,
            due_at=BUILT_AT + timedelta(hours=1),
            detected_at=BUILT_AT + timedelta(hours=2),
            owner=complaint.owner,
            team=complaint.team,
        )
        o[f"hold:{key}"] = Hold.objects.create(
            complaint=complaint,
            reason=Hold.Reason.PARTS,
            note=f"Seal on order {w.mark('complaint', prop, key)}",
            started_at=BUILT_AT,
            expected_resume_at=BUILT_AT + timedelta(hours=3),
            ended_at=BUILT_AT + timedelta(hours=1),
            started_by=complaint.owner,
            ended_by=complaint.owner,
        )
    for key in ("A2", "AC", "Y"):
        complaint = w.complaints[key]
        prop = w.prop_key(complaint.property_id)
        submitted = key != "AC"  # AC's survey is still to be answered in the portal
        o[f"survey:{key}"] = Survey.objects.create(
            complaint=complaint,
            cycle=0,
            sent_at=BUILT_AT,
            submitted_at=BUILT_AT if submitted else None,
            solved=90 if submitted else None,
            speed=90 if submitted else None,
            attitude=90 if submitted else None,
            comment=f"Quick {w.mark('complaint', prop, key)}" if submitted else "",
        )

    notes = {
        "handler": ("A1", u["handler"]),
        "handler2": ("A2", o["user:handler2"]),
        "handler_y": ("Y", o["user:handler_y"]),
        "resident_a": ("AC", u["resident_a"]),
        "resident_b": ("B", u["resident_b"]),
    }
    notifications_save(
        notification_build(
            recipient_id=user.pk,
            kind="revisit_due",
            event_key=f"matrix:{key}",
            now=BUILT_AT,
            complaint=w.complaints[complaint_key],
        )
        for key, (complaint_key, user) in notes.items()
    )
    for key, (_complaint, user) in notes.items():
        o[f"notification:{key}"] = user.notifications.get(event_key=f"matrix:{key}")

    policy = SlaPolicy.objects.get(level=2)
    o["slapolicy:2"] = policy
    for key in ("X", "Y"):
        o[f"override:{key}"] = PropertySlaOverride.objects.create(
            property=w.props[key], level=2, first_response=policy.first_response / 2
        )
    o["workday"] = WorkdayOverride.objects.order_by(
        "date"
    ).first() or WorkdayOverride.objects.create(
        date=date(2025, 10, 1), is_workday=False, name="National Day"
    )

    snapshots_publish(month=PUBLISHED_MONTH, now=BUILT_AT)
    for key in ("X", "Y"):
        o[f"snapshot:{key}"] = MonthlySnapshot.objects.get(
            property=w.props[key], month=PUBLISHED_MONTH, kind=MonthlySnapshot.Kind.RED_BLACK
        )

    # The first stored version of every object with a history page, for the revert URL.
    for key in (
        "property:X",
        "property:Y",
        "team:1",
        "team:Y",
        "complaint:A1",
        "complaint:A2",
        "complaint:Y",
        "override:X",
        "override:Y",
        "slapolicy:2",
        *(f"profile:{k}" for k in (*STAFF_ROLES, "handler2", "handler_y")),
    ):
        o[f"version:{key}"] = _first_version(o[key])
    o["user_model"] = get_user_model()
    return w
