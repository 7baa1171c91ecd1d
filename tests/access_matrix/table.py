"""The table: every URL pattern of the project and the rule that says, for each user,
what a GET and a POST to it must answer (SPEC §2, §7 and issue 10 — not what the code
does today).

`build_table()` maps a URL pattern's key (its namespaced name, or its route when it has none)
to a rule: a function of the user's context returning the requests to send, each with
its expectation. A pattern of the resolver that is not in the table fails the matrix.

Role rights per admin model are written out here (`MODELS`), from SPEC §2 ("roles are
Django groups with real permissions"), the supervisor's read-only part of SPEC §1/§5
and issue 10, independently of `staff.roles`:

- staff see only their properties, handlers only their team's complaints and those
  assigned to them (every page, export, photo and history alike);
- residents use only the portal and see only their own complaints;
- the supervisor reads (reports too) and writes nothing but quality inspections (scores,
  closing answered corrective actions: issue 16);
- history pages are read-only; the per-version "revert" page is not reachable;
- nobody changes their own staff profile's role or properties; a foreign-key or
  many-to-many choice outside the user's scope is a validation error;
- undeclared changelist lookups are refused (400) or ignored;
- company-wide data (categories, HQ's SLA policies, the working-day calendar) is beyond
  any one property's scope: no role edits it;
- report pages and exports: supervisors and project managers, their properties only.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from factories import PASSWORD

from complaints.models import Complaint, State
from staff.models import Role

from . import expect as E
from .runner import Req
from .world import LIVE_MONTH, PUBLISHED_MONTH, REQUESTED_AT, RESIDENTS, STAFF_ROLES, World

AGENT, HANDLER, LEADER, PM, SUPERVISOR = (
    Role.AGENT,
    Role.HANDLER,
    Role.TEAM_LEADER,
    Role.PROJECT_MANAGER,
    Role.SUPERVISOR,
)
ALL_STAFF = frozenset(Role.values)
NOBODY: frozenset = frozenset()

# Notes naming the pending fix of issue 10 a case is about (for the report).
N_HISTORY = "#1 history revert"
N_FORMS = "#2 admin form scoping / own profile"
N_LOOKUPS = "#3 undeclared lookups / masked phones"
N_TEAM = "#4 handler team rule"
N_NEXT = "#7 admin login next"
N_REPORTS = "reports scope"


@dataclass
class Ctx:
    """One user of the matrix, as the rules see them."""

    world: World
    user: str

    @property
    def is_staff(self) -> bool:
        return self.user in STAFF_ROLES

    @property
    def is_resident(self) -> bool:
        return self.user in RESIDENTS

    @property
    def role(self) -> str | None:
        return STAFF_ROLES.get(self.user)

    @property
    def home(self) -> str:
        return "Y" if self.user.endswith("_y") else "X"

    @property
    def away(self) -> str:
        return "X" if self.home == "Y" else "Y"

    @property
    def account(self):
        return self.world.users[self.user]

    def pk(self, key: str) -> int:
        return self.world.pk(key)

    def obj(self, key: str):
        return self.world.obj(key)

    def prop_pk(self, which: str) -> int:
        return self.world.props[which].pk


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args, kwargs=kwargs or None)


def admin_gate(ctx: Ctx) -> E.Expect | None:
    """Only staff reach the admin: anonymous users and residents go to its login."""
    return None if ctx.is_staff else E.login("admin")


def refusal(ctx: Ctx, *, allowed: bool, visible: bool) -> E.Expect | None:
    """None when allowed; else how the admin must refuse: out of scope it is hidden
    (403 also accepted when the user may not use the model at all)."""
    gate = admin_gate(ctx)
    if gate is not None:
        return gate
    if visible and allowed:
        return None
    if visible:
        return E.FORBIDDEN
    return E.HIDDEN if allowed else E.HIDDEN_OR_FORBIDDEN


# -- where objects belong -----------------------------------------------------------------


def property_of(world: World, key: str) -> set[str]:
    """The properties ("X"/"Y") an object of the world belongs to."""
    obj = world.obj(key)
    kind = key.split(":")[0]
    if kind == "property":
        return {world.prop_key(obj.pk)}
    if kind in ("building", "team", "override", "snapshot", "device"):
        return {world.prop_key(obj.property_id)}
    if kind == "unit":
        return {world.prop_key(obj.building.property_id)}
    if kind == "resident":
        return {world.prop_key(u.building.property_id) for u in obj.units.all()}
    if kind == "profile":
        return {world.prop_key(p.pk) for p in obj.properties.all()}
    if f"property-of:{key}" in world.objects:
        return {world.objects[f"property-of:{key}"]}
    raise ValueError(key)


def by_property(ctx: Ctx, key: str) -> bool:
    return ctx.is_staff and bool(property_of(ctx.world, key) & ctx.world.scope(ctx.user))


def by_complaint(ctx: Ctx, key: str) -> bool:
    return ctx.world.sees_complaint(ctx.user, key.split(":")[1])


def everyone(ctx: Ctx, key: str) -> bool:
    return ctx.is_staff


def nobody(ctx: Ctx, key: str) -> bool:
    return False


def own_notification(ctx: Ctx, key: str) -> bool:
    return ctx.is_staff and ctx.obj(key).recipient_id == ctx.account.pk


def report_scope(ctx: Ctx, key: str) -> bool:
    return ctx.role in (PM, SUPERVISOR) and by_property(ctx, key)


def access_log_scope(ctx: Ctx, key: str) -> bool:
    """The personal data access log: project managers, the rows of their properties."""
    return ctx.role == PM and by_property(ctx, key)


def visible_references(ctx: Ctx) -> tuple[str, ...]:
    return tuple(
        c.reference
        for k, c in ctx.world.complaints.items()
        if ctx.world.sees_complaint(ctx.user, k)
    )


def first_marker(ctx: Ctx, kind: str, owner: str = "", prop: str = "") -> str:
    return next(
        m.text
        for m in ctx.world.markers
        if m.kind == kind and (not owner or m.owner == owner) and (not prop or m.prop == prop)
    )


# -- admin models ---------------------------------------------------------------------------


@dataclass
class Body:
    label: str
    data: dict
    kind: str = "in"  # in: valid, in scope; out: a choice outside scope; own: own scope/role;
    # maybe: in scope, but who may do it is not settled by the SPEC (any answer, in scope);
    # denied: in scope and a role that may change the model, but not this row (403 or error)


@dataclass
class Model:
    """An admin model: who may view/add/change/delete it, the objects to try and bodies."""

    label: str
    view: frozenset = NOBODY
    add: frozenset = NOBODY
    change: frozenset = NOBODY
    delete: frozenset = NOBODY
    objects: Callable[[Ctx], list[str]] = lambda ctx: []
    visible: Callable[[Ctx, str], bool] = everyone
    add_bodies: Callable[[Ctx], list[Body]] = lambda ctx: [Body("empty", {})]
    change_bodies: Callable[[Ctx, str], list[Body]] = lambda ctx, key: [Body("empty", {})]
    versions: Callable[[Ctx, str], list[Body]] | None = None  # simple-history's revert
    lookup: dict = field(default_factory=dict)  # an undeclared lookup that matches nothing
    bulk: dict = field(default_factory=lambda: {"action": "delete_selected", "post": "yes"})
    note: str = ""

    @property
    def app_label(self) -> str:
        return self.label.split(".")[0]

    @property
    def model_name(self) -> str:
        return self.label.split(".")[1]

    def name(self, view: str) -> str:
        return f"admin:{self.app_label}_{self.model_name}_{view}"

    def pk(self, ctx: Ctx, key: str):
        return 999999 if key.startswith("missing") else ctx.pk(key)

    def is_visible(self, ctx: Ctx, key: str) -> bool:
        return not key.startswith("missing") and self.visible(ctx, key)

    def can(self, ctx: Ctx, right: str) -> bool:
        return ctx.role in getattr(self, right)

    def read_note(self, ctx: Ctx) -> str:
        """The issue-10 item a read of this model is about, for the report."""
        if self.note == N_TEAM and ctx.role != HANDLER:
            return ""
        return self.note


def changelist(m: Model) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = m.name("changelist")
        target = url(key)
        gate = refusal(ctx, allowed=m.can(ctx, "view"), visible=True)
        reqs = [
            Req(key, "list", "GET", target, gate or E.ok(), record_rows=m.label),
            Req(
                key,
                "bulk action on ids outside scope",
                "POST",
                target,
                gate or E.NO_CHANGE,
                data={
                    **m.bulk,
                    "_selected_action": [
                        m.pk(ctx, k) for k in m.objects(ctx) if not m.is_visible(ctx, k)
                    ]
                    or [999999],
                    "index": 0,
                },
            ),
        ]
        if gate is None:
            for param, value in m.lookup.items():
                reqs.append(
                    Req(
                        key,
                        f"undeclared lookup {param}",
                        "GET",
                        target,
                        E.NO_CHANGE,
                        data={param: value},
                        baseline=m.label,
                        note=N_LOOKUPS,
                    )
                )
        return reqs

    return rule


def add(m: Model) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = m.name("add")
        target = url(key)
        gate = refusal(ctx, allowed=m.can(ctx, "add"), visible=True)
        reqs = [Req(key, "form", "GET", target, gate or E.ok())]
        for body in m.add_bodies(ctx):
            reqs.append(
                Req(
                    key,
                    f"add {body.label}",
                    "POST",
                    target,
                    gate or body_expect(body),
                    data=body.data,
                    note=N_FORMS,
                )
            )
        return reqs

    return rule


def body_expect(body: Body) -> E.Expect:
    return {
        "in": E.SAVED,
        "out": E.INVALID,
        "own": E.OWN_SCOPE,
        "maybe": E.ANY_WRITE,
        "denied": E.DENIED,
    }[body.kind]


def change(m: Model) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = m.name("change")
        reqs = []
        for obj in m.objects(ctx):
            target = url(key, m.pk(ctx, obj))
            visible = m.is_visible(ctx, obj)
            can_view = m.can(ctx, "view") or m.can(ctx, "change")
            shows = ()
            if m.label == "complaints.complaint":
                shows = (first_marker(ctx, "complaint", owner=obj.split(":")[1]),)
            reqs.append(
                Req(
                    key,
                    obj,
                    "GET",
                    target,
                    refusal(ctx, allowed=can_view, visible=visible) or E.ok(),
                    note=m.read_note(ctx),
                    shows=shows,
                )
            )
            gate = refusal(ctx, allowed=m.can(ctx, "change"), visible=visible)
            for body in m.change_bodies(ctx, obj):
                reqs.append(
                    Req(
                        key,
                        f"{obj} {body.label}",
                        "POST",
                        target,
                        gate or body_expect(body),
                        data=body.data,
                        note=N_FORMS,
                    )
                )
        return reqs

    return rule


def delete(m: Model) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = m.name("delete")
        reqs = []
        for obj in m.objects(ctx):
            target = url(key, m.pk(ctx, obj))
            gate = refusal(ctx, allowed=m.can(ctx, "delete"), visible=m.is_visible(ctx, obj))
            reqs += [
                Req(key, obj, "GET", target, gate or E.ok(), note=m.read_note(ctx)),
                Req(
                    key,
                    obj,
                    "POST",
                    target,
                    gate or E.SAVED,
                    data={"post": "yes"},
                    note=m.read_note(ctx),
                ),
            ]
        return reqs

    return rule


def history(m: Model) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = m.name("history")
        reqs = []
        can_view = m.can(ctx, "view") or m.can(ctx, "change")
        for obj in m.objects(ctx):
            target = url(key, m.pk(ctx, obj))
            gate = refusal(ctx, allowed=can_view, visible=m.is_visible(ctx, obj))
            reqs += [
                Req(key, obj, "GET", target, gate or E.ok(), note=m.read_note(ctx)),
                Req(key, obj, "POST", target, gate or E.READ, note=m.read_note(ctx)),
            ]
        return reqs

    return rule


def bare(m: Model) -> Callable[[Ctx], list[Req]]:
    """`<model>/<id>/`: the admin's redirect to the change page."""

    def rule(ctx: Ctx) -> list[Req]:
        reqs = []
        for obj in m.objects(ctx)[:2]:
            change_url = url(m.name("change"), m.pk(ctx, obj))
            target = change_url.removesuffix("change/")
            expected = admin_gate(ctx) or E.redirect_to(change_url)
            reqs += [
                Req(bare_key(m), obj, "GET", target, expected),
                Req(bare_key(m), obj, "POST", target, expected),
            ]
        return reqs

    return rule


def bare_key(m: Model) -> str:
    return f"admin/{m.app_label}/{m.model_name}/<path:object_id>/"


def versions(m: Model) -> Callable[[Ctx], list[Req]]:
    """`<model>/<id>/history/<version>/`: simple-history's revert form. No role may
    write through it, and none may reach it (issue 10 #1); the URL is built by hand so it
    is tried even after the pattern is gone."""

    def rule(ctx: Ctx) -> list[Req]:
        reqs = []
        for obj in m.objects(ctx):
            version = ctx.world.objects.get(f"version:{obj}")
            if version is None:
                continue
            target = url(m.name("history"), m.pk(ctx, obj)) + f"{version}/"
            expected = admin_gate(ctx) or E.REFUSED
            reqs.append(
                Req(
                    m.name("simple_history"),
                    f"{obj} version",
                    "GET",
                    target,
                    expected,
                    note=N_HISTORY,
                )
            )
            for body in [Body("empty body", {}), *m.versions(ctx, obj)]:
                reqs.append(
                    Req(
                        m.name("simple_history"),
                        f"{obj} version, {body.label}",
                        "POST",
                        target,
                        expected,
                        data=body.data,
                        note=N_HISTORY,
                    )
                )
        return reqs

    return rule


def model_entries(m: Model) -> dict[str, Callable]:
    entries = {
        m.name("changelist"): changelist(m),
        m.name("add"): add(m),
        m.name("change"): change(m),
        m.name("delete"): delete(m),
        m.name("history"): history(m),
        bare_key(m): bare(m),
    }
    if m.versions is not None:
        entries[m.name("simple_history")] = versions(m)
    return entries


# -- the bodies of the admin forms ------------------------------------------------------------


def _away_user(ctx: Ctx):
    """A staff member of the other property."""
    return ctx.world.users["project_manager_y" if ctx.home == "X" else "handler"]


def building_add(ctx):
    return [
        Body("in own property", {"property": ctx.prop_pk(ctx.home), "name": "New wing"}),
        Body(
            "in the other property", {"property": ctx.prop_pk(ctx.away), "name": "New wing"}, "out"
        ),
    ]


def building_change(ctx, key):
    b = ctx.obj(key)
    return [
        Body("unchanged", {"property": b.property_id, "name": b.name}),
        Body(
            "moved to the other property",
            {"property": ctx.prop_pk(ctx.away), "name": b.name},
            "out",
        ),
    ]


def _device_body(ctx, prop: str, name: str) -> dict:
    return {
        "property": ctx.prop_pk(prop),
        "name": name,
        "kind": "water_leak",
        "location_text": "Pump room",
        "category": ctx.pk("category:C"),
        "level": "2",
        "is_active": "on",
    }


def device_add(ctx):
    return [
        Body("in own property", _device_body(ctx, ctx.home, "New sensor")),
        Body("in the other property", _device_body(ctx, ctx.away, "New sensor"), "out"),
    ]


def device_change(ctx, key):
    own = ctx.world.prop_key(ctx.obj(key).property_id)
    away = "Y" if own == "X" else "X"
    return [
        Body("unchanged", _device_body(ctx, own, ctx.obj(key).name)),
        Body("moved to the other property", _device_body(ctx, away, ctx.obj(key).name), "out"),
    ]


def _home_unit(ctx):
    return "unit:Y" if ctx.home == "Y" else "unit:A"


def _away_unit(ctx):
    return "unit:A" if ctx.home == "Y" else "unit:Y"


def unit_add(ctx):
    def body(building):
        return {"building": building, "entrance": "9", "floor": 1, "number": "901"}

    home_b = ctx.obj(_home_unit(ctx)).building_id
    away_b = ctx.obj(_away_unit(ctx)).building_id
    return [
        Body("in own building", body(home_b)),
        Body("in a building of the other property", body(away_b), "out"),
    ]


def unit_change(ctx, key):
    u = ctx.obj(key)
    data = {"building": u.building_id, "entrance": u.entrance, "floor": u.floor, "number": u.number}
    away_b = ctx.obj(_away_unit(ctx)).building_id
    return [
        Body("unchanged", data),
        Body("moved to the other property", {**data, "building": away_b}, "out"),
    ]


def property_change(ctx, key):
    p = ctx.obj(key)
    return [
        Body("unchanged", {"name": p.name, "kind": p.kind, "city": p.city, "address": p.address})
    ]


def _residencies(rows: list[dict], initial: int) -> dict:
    data = {
        "residencies-TOTAL_FORMS": len(rows),
        "residencies-INITIAL_FORMS": initial,
        "residencies-MIN_NUM_FORMS": 0,
        "residencies-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"residencies-{index}-{name}": value for name, value in row.items()})
    return data


def resident_add(ctx):
    def body(unit_key):
        return {
            "user": ctx.pk("user:spare"),
            "name": "New Resident",
            "phone": "13900000009",
            "new_phone": "13900000009",  # the form that never shows the number
            **_residencies([{"unit": ctx.pk(unit_key), "relation": "tenant"}], 0),
        }

    return [
        Body("living in own property", body(_home_unit(ctx))),
        Body("living in the other property", body(_away_unit(ctx)), "out"),
    ]


def resident_change(ctx, key):
    r = ctx.obj(key)
    residency = r.residencies.get()

    def body(unit_pk):
        row = {"id": residency.pk, "resident": r.pk, "unit": unit_pk, "relation": "owner"}
        return {"user": r.user_id, "name": r.name, **_residencies([row], 1)}

    return [
        Body("unchanged", body(residency.unit_id)),
        Body("moved to a unit of the other property", body(ctx.pk(_away_unit(ctx))), "out"),
    ]


def _team_data(team, **changes):
    return {
        "property": team.property_id,
        "name": team.name,
        "kind": team.kind,
        "leader": team.leader_id or "",
        **changes,
    }


def team_add(ctx):
    def body(prop):
        return {"property": ctx.prop_pk(prop), "name": "Security", "kind": "security", "leader": ""}

    return [
        Body("in own property", body(ctx.home)),
        Body("in the other property", body(ctx.away), "out"),
    ]


def team_change(ctx, key):
    t = ctx.obj(key)
    return [
        Body("unchanged", _team_data(t)),
        Body("moved to the other property", _team_data(t, property=ctx.prop_pk(ctx.away)), "out"),
        Body("led by staff of the other property", _team_data(t, leader=_away_user(ctx).pk), "out"),
    ]


def team_versions(ctx, key):
    t = ctx.obj(key)
    return [
        Body(
            "moved away and led by the poster",
            _team_data(
                t, property=ctx.prop_pk(ctx.away), leader=ctx.account.pk if ctx.account else ""
            ),
        )
    ]


def _profile_data(profile, **changes):
    data = {
        "user": profile.user_id,
        "role": profile.role,
        "team": profile.team_id or "",
        "properties": [p.pk for p in profile.properties.all()],
        "phone": profile.phone,
    }
    data.update(changes)
    return data


def _own_profile_key(ctx):
    return f"profile:{ctx.user}"


def profile_objects(ctx):
    own = [_own_profile_key(ctx)] if ctx.is_staff else []
    return [*own, "profile:handler2", "profile:handler_y"]


def profile_change(ctx, key):
    p = ctx.obj(key)
    both = [ctx.prop_pk("X"), ctx.prop_pk("Y")]
    if key == _own_profile_key(ctx):
        other_role = Role.SUPERVISOR if p.role == Role.PROJECT_MANAGER else Role.PROJECT_MANAGER
        return [
            Body("own: both properties", _profile_data(p, properties=both), "own"),
            Body(f"own: role {other_role}", _profile_data(p, role=other_role), "own"),
        ]
    mine = property_of(ctx.world, key)
    same = [ctx.prop_pk(x) for x in mine]
    return [
        Body(
            "colleague: unchanged scope, new phone",
            _profile_data(p, properties=same, phone="021-5555"),
            "maybe",
        ),
        Body("colleague: given the other property", _profile_data(p, properties=both), "out"),
        Body(
            "colleague: put in a team of the other property",
            _profile_data(
                p, properties=same, team=ctx.pk("team:1" if ctx.home == "Y" else "team:Y")
            ),
            "out",
        ),
    ]


def profile_versions(ctx, key):
    p = ctx.obj(key)
    both = [ctx.prop_pk("X"), ctx.prop_pk("Y")]
    return [
        Body(
            "both properties, project manager",
            _profile_data(p, properties=both, role=Role.PROJECT_MANAGER),
        )
    ]


def category_change(ctx, key):
    c = ctx.obj(key)
    data = {
        "code": c.code,
        "name_zh_hans": c.name_zh_hans,
        "name_en": c.name_en,
        "parent": "",
        "default_team_kind": c.default_team_kind,
        "default_level": c.default_level,
        "is_active": "on",
        "position": c.position,
    }
    return [Body("unchanged", data)]


def complaint_add(ctx):
    home_unit, away_unit = _home_unit(ctx), _away_unit(ctx)
    resident = {"unit:A": "resident:A", "unit:Y": "resident:Y"}

    def body(unit_key, resident_key):
        return {
            "channel": "phone",
            "resident": ctx.pk(resident_key),
            "unit": ctx.pk(unit_key),
            "building": "",
            "location_text": "Hall",
            "category": "",
            "description": "Phoned in: the hall light flickers",
            "contact_name": "",
            "contact_phone": "",
            "preferred_contact_time": "",
            "confirmed": "1",
        }

    return [
        Body("in own property", body(home_unit, resident[home_unit])),
        Body("unit of the other property", body(away_unit, resident[away_unit]), "out"),
        Body("resident of the other property", body(home_unit, resident[away_unit]), "out"),
        Body(
            "common area of a building of the other property",
            {
                **body(home_unit, resident[home_unit]),
                "unit": "",
                "resident": "",
                "building": ctx.obj(away_unit).building_id,
            },
            "out",
        ),
    ]


def complaint_change(ctx, key):
    return [Body("edit the description", {"description": "Edited"})]


def complaint_versions(ctx, key):
    away = ctx.away
    return [
        Body(
            "moved to the other property",
            {"property": ctx.prop_pk(away), "team": ctx.pk(f"team:{'Y' if away == 'Y' else '1'}")},
        )
    ]


def override_add(ctx):
    def body(prop):
        return {"property": ctx.prop_pk(prop), "level": 3, "first_response": "12:00:00"}

    return [
        Body("in own property", body(ctx.home)),
        Body("in the other property", body(ctx.away), "out"),
    ]


def _override_data(o, **changes):
    data = {
        "property": o.property_id,
        "level": o.level,
        "first_response": str(o.first_response),
        "on_site": "",
        "resolve": "",
        "resolve_working_days": "",
    }
    data.update(changes)
    return data


def override_change(ctx, key):
    o = ctx.obj(key)
    away = _override_data(o, property=ctx.prop_pk(ctx.away), level=1, first_response="0:05:00")
    return [Body("unchanged", _override_data(o)), Body("moved to the other property", away, "out")]


def override_versions(ctx, key):
    o = ctx.obj(key)
    away = _override_data(o, property=ctx.prop_pk(ctx.away), level=1, first_response="0:05:00")
    return [Body("moved to the other property", away)]


def policy_change(ctx, key):
    p = ctx.obj(key)
    return [
        Body(
            "loosened",
            {"level": p.level, "first_response": "99:00:00", "max_hold": str(p.max_hold)},
        )
    ]


def property_versions(ctx, key):
    p = ctx.obj(key)
    return [Body("renamed", {"name": "Renamed", "kind": p.kind, "city": p.city, "address": ""})]


def _webhook_data(ctx, props, **changes):
    return {
        "name": "ERP",
        "properties": [ctx.prop_pk(p) for p in props],
        "url": "https://erp.example.com/hooks",
        "format": "json",
        "events": ["accepted", "closed"],
        "is_active": "on",
        **changes,
    }


def webhook_add(ctx):
    return [
        Body("for own property", _webhook_data(ctx, [ctx.home])),
        Body("for the other property", _webhook_data(ctx, [ctx.away]), "out"),
        Body("for both properties", _webhook_data(ctx, ["X", "Y"]), "out"),
    ]


def webhook_change(ctx, key):
    h = ctx.obj(key)
    own = [ctx.world.objects[f"property-of:{key}"]]
    return [
        Body("unchanged", _webhook_data(ctx, own, name=h.name, url=h.url)),
        Body("moved to the other property", _webhook_data(ctx, [ctx.away]), "out"),
    ]


def _phrase_data(ctx, prop: str | None, phrase: str) -> dict:
    return {
        "phrase": phrase,
        "language": "zh-hans",
        "property": ctx.prop_pk(prop) if prop else "",
        "is_active": "on",
    }


def phrase_add(ctx):
    return [
        Body("for own property", _phrase_data(ctx, ctx.home, "天花板塌了")),
        Body("for the other property", _phrase_data(ctx, ctx.away, "天花板塌了"), "out"),
        Body("for every property", _phrase_data(ctx, None, "天花板塌了"), "out"),
    ]


def phrase_change(ctx, key):
    own = ctx.world.objects.get(f"property-of:{key}")
    phrase = ctx.obj(key).phrase
    return [
        Body("unchanged", _phrase_data(ctx, own, phrase)),
        Body("moved to the other property", _phrase_data(ctx, ctx.away, phrase), "out"),
    ]


def _duty_data(ctx, prop: str, user) -> dict:
    return {
        "property": ctx.prop_pk(prop),
        "user": user.pk,
        "starts_at_0": "2025-03-10",
        "starts_at_1": "08:00:00",
        "ends_at_0": "2025-03-10",
        "ends_at_1": "20:00:00",
    }


def _staff_of(ctx, prop: str):
    return ctx.world.users["agent"] if prop == "X" else ctx.obj("user:agent_y")


def duty_add(ctx):
    home, away = ctx.home, ctx.away
    return [
        Body("for own property", _duty_data(ctx, home, _staff_of(ctx, home))),
        Body("for the other property", _duty_data(ctx, away, _staff_of(ctx, away)), "out"),
        Body("staff of the other property", _duty_data(ctx, home, _staff_of(ctx, away)), "out"),
    ]


def duty_change(ctx, key):
    own = ctx.world.objects[f"property-of:{key}"]
    away = "Y" if own == "X" else "X"
    return [
        Body("unchanged", _duty_data(ctx, own, _staff_of(ctx, own))),
        Body("moved to the other property", _duty_data(ctx, away, _staff_of(ctx, away)), "out"),
    ]


def board_add(ctx):
    return [
        Body("for own property", {"property": ctx.prop_pk(ctx.home), "name": "Lobby TV"}),
        Body(
            "for the other property",
            {"property": ctx.prop_pk(ctx.away), "name": "Lobby TV"},
            "out",
        ),
    ]


def board_change(ctx, key):
    return [Body("renamed", {"name": "Renamed TV"})]


def _script_data(ctx, prop, **changes):
    return {
        "title": "Apology",
        "situation": "delay",
        "category": "",
        "property": ctx.prop_pk(prop) if prop else "",
        "text_zh_hans": "非常抱歉，{resident}。",
        "text_en": "We are very sorry, {resident}.",
        "is_active": "on",
        **changes,
    }


def script_add(ctx):
    return [
        Body("for own property", _script_data(ctx, ctx.home)),
        Body("for the other property", _script_data(ctx, ctx.away), "out"),
        Body("company-wide (head office's)", _script_data(ctx, None), "out"),
    ]


def script_change(ctx, key):
    s = ctx.obj(key)
    if s.property_id is None:
        return [Body("company-wide, retired", _script_data(ctx, None, is_active=""), "denied")]
    own = ctx.world.objects[f"property-of:{key}"]
    return [
        Body("retired", _script_data(ctx, own, title=s.title, is_active="")),
        Body("moved to the other property", _script_data(ctx, ctx.away, title=s.title), "out"),
    ]


def script_scope(ctx: Ctx, key: str) -> bool:
    """Company-wide scripts: all staff; a property's: its staff."""
    if ctx.obj(key).property_id is None:
        return ctx.is_staff
    return by_property(ctx, key)


def inspection_scope(ctx: Ctx, key: str) -> bool:
    """Issue 16: supervisors of the property, and the inspected team (members, leader)."""
    if ctx.role == SUPERVISOR:
        return by_property(ctx, key)
    if ctx.role not in (HANDLER, LEADER):
        return False
    team = ctx.obj(key).team
    return ctx.account.staff_profile.team_id == team.pk or team.leader_id == ctx.account.pk


def inspection_change(ctx, key):
    scores = {"response_time_score": 90, "handling_score": 90, "communication_score": 90}
    return [Body("scored", {**scores, "findings": "Good"})]


def corrective_action_change(ctx, key):
    answer = {"accountability": "Chen", "correction": "Rota", "training": "Friday"}
    return [Body("answered", answer)]


CASE_TEXT = {
    "title": "Seal replaced",
    "what_happened": "Water under the sink",
    "what_fixed_it": "A new seal",
    "what_to_avoid": "Waiting for parts",
}


def case_change(ctx, key):
    return [
        Body("rewritten", CASE_TEXT),
        Body("with a phone number", {**CASE_TEXT, "what_happened": "Call 138 1111 0001"}, "out"),
    ]


def complaint_keys(*keys):
    return lambda ctx: [f"complaint:{k}" for k in keys]


def keys(*names):
    return lambda ctx: list(names)


REPORT_READERS = frozenset({PM, SUPERVISOR})
VIEW_SLA = frozenset({AGENT, LEADER, PM, SUPERVISOR})

MODELS = [
    Model(
        "auth.group",
        objects=lambda ctx: ["group:agent"],
        change_bodies=lambda ctx, key: [Body("all permissions", {"name": "agent"})],
    ),
    Model(
        "auth.user",
        objects=lambda ctx: ["user:spare", "user:handler_y"],
        add_bodies=lambda ctx: [
            Body("new superuser", {"username": "evil", "password1": "x", "password2": "x"})
        ],
        change_bodies=lambda ctx, key: [
            Body("made superuser", {"username": "spare", "is_superuser": "on", "is_staff": "on"})
        ],
    ),
    Model(
        "django_q.schedule",
        objects=keys("missing"),
        add_bodies=lambda ctx: [
            Body(
                "run os.system",
                {"func": "os.system", "args": "'id'", "schedule_type": "O", "repeats": -1},
            )
        ],
    ),
    Model("django_q.success", objects=keys("missing")),
    Model("django_q.failure", objects=keys("missing")),
    Model("django_q.ormq", objects=keys("missing")),
    Model(
        "buildings.property",
        view=ALL_STAFF,
        change=frozenset({PM}),
        objects=keys("property:X", "property:Y"),
        visible=by_property,
        change_bodies=property_change,
        versions=property_versions,
        lookup={"address__startswith": "zzzz"},
    ),
    Model(
        "buildings.building",
        view=ALL_STAFF,
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("building:X", "building:Y"),
        visible=by_property,
        add_bodies=building_add,
        change_bodies=building_change,
        lookup={"name__startswith": "zzzz"},
    ),
    Model(
        "buildings.unit",
        view=ALL_STAFF,
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("unit:A", "unit:Y"),
        visible=by_property,
        add_bodies=unit_add,
        change_bodies=unit_change,
        lookup={"number__startswith": "zzzz"},
    ),
    Model(
        "buildings.resident",
        view=frozenset({AGENT, PM, SUPERVISOR}),
        add=frozenset({AGENT, PM}),
        change=frozenset({AGENT, PM}),
        objects=keys("resident:A", "resident:B", "resident:Y"),
        visible=by_property,
        add_bodies=resident_add,
        change_bodies=resident_change,
        lookup={"phone": "13000000000", "phone__startswith": "1300"},
        note=N_LOOKUPS,
        bulk={"action": "anonymise_selected", "apply": "1", "reason": "Moved out"},
    ),
    Model(
        "staff.team",
        view=frozenset({AGENT, LEADER, PM, SUPERVISOR}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("team:1", "team:Y"),
        visible=by_property,
        add_bodies=team_add,
        change_bodies=team_change,
        versions=team_versions,
        lookup={"name__startswith": "zzzz"},
    ),
    Model(
        "staff.staffprofile",
        view=frozenset({AGENT, LEADER, PM, SUPERVISOR}),
        change=frozenset({PM}),
        objects=profile_objects,
        visible=by_property,
        change_bodies=profile_change,
        versions=profile_versions,
        lookup={"phone__startswith": "zzzz"},
    ),
    Model(
        "complaints.category",
        view=ALL_STAFF,
        objects=keys("category:C"),
        change_bodies=category_change,
        lookup={"code__startswith": "zzzz"},
    ),
    Model(
        "complaints.complaint",
        view=ALL_STAFF,
        add=frozenset({AGENT, PM}),
        objects=complaint_keys("A1", "A2", "B", "Y"),
        visible=by_complaint,
        add_bodies=complaint_add,
        change_bodies=complaint_change,
        versions=complaint_versions,
        note=N_TEAM,
    ),
    Model(
        "complaints.slapolicy",
        view=VIEW_SLA,
        objects=keys("slapolicy:2"),
        change_bodies=policy_change,
        versions=lambda ctx, key: policy_change(ctx, key),
        lookup={"level": 9},
    ),
    Model(
        "complaints.propertyslaoverride",
        view=VIEW_SLA,
        add=frozenset({PM}),
        change=frozenset({PM}),
        delete=frozenset({PM}),
        objects=keys("override:X", "override:Y"),
        visible=by_property,
        add_bodies=override_add,
        change_bodies=override_change,
        versions=override_versions,
        lookup={"level": 9},
    ),
    Model(
        "complaints.workdayoverride",
        view=VIEW_SLA,
        objects=keys("workday"),
        change_bodies=lambda ctx, key: [
            Body("made a workday", {"date": "2025-10-01", "is_workday": "on"})
        ],
        lookup={"name__startswith": "zzzz"},
    ),
    Model(
        "complaints.breach",
        view=ALL_STAFF,
        objects=keys("breach:A1", "breach:A2", "breach:Y"),
        visible=by_complaint,
        lookup={"cycle": 9},
        note=N_TEAM,
    ),
    Model(
        "complaints.hold",
        view=ALL_STAFF,
        objects=keys("hold:A1", "hold:A2", "hold:Y"),
        visible=by_complaint,
        lookup={"note__startswith": "zzzz"},
        note=N_TEAM,
    ),
    Model(
        "complaints.survey",
        view=VIEW_SLA,
        objects=keys("survey:A2", "survey:AC", "survey:Y"),
        visible=by_complaint,
        lookup={"comment__startswith": "zzzz"},
        note=N_TEAM,
    ),
    Model(
        "complaints.notification",
        view=ALL_STAFF,
        objects=keys("notification:handler", "notification:handler2", "notification:handler_y"),
        visible=own_notification,
        lookup={"event_key__startswith": "zzzz"},
    ),
    Model(
        "complaints.monthlysnapshot",
        view=REPORT_READERS,
        objects=keys("snapshot:X", "snapshot:Y"),
        visible=report_scope,
        lookup={"month": "1999-01-01"},
    ),
    # Issue 14: a property's webhooks are its project managers' (their secrets sign what
    # leaves the company); deliveries are read-only, retried by hand.
    Model(
        "complaints.webhook",
        view=frozenset({PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        delete=frozenset({PM}),
        objects=keys("webhook:X", "webhook:Y"),
        visible=by_property,
        add_bodies=webhook_add,
        change_bodies=webhook_change,
        lookup={"url__startswith": "zzzz"},
        bulk={"action": "rotate_secret", "apply": "1"},
    ),
    # Issue 16: reply scripts are company-wide (head office's, read-only to project
    # managers) or a property's (its project managers'); every script of the world was
    # used, so none may be deleted, only retired.
    Model(
        "complaints.replyscript",
        view=frozenset({AGENT, PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("script:X", "script:Y", "script:HQ"),
        visible=script_scope,
        add_bodies=script_add,
        change_bodies=script_change,
        lookup={"text_en__startswith": "zzzz"},
    ),
    # Inspections: supervisors score them; the inspected team reads them. The world's
    # corrective actions are open: their leader answers, a supervisor closes only an
    # answered one (tests/quality), so here only the leader may change them.
    Model(
        "complaints.inspection",
        view=frozenset({HANDLER, LEADER, SUPERVISOR}),
        change=frozenset({SUPERVISOR}),
        objects=keys("inspection:1", "inspection:2", "inspection:Y"),
        visible=inspection_scope,
        change_bodies=inspection_change,
        lookup={"findings__startswith": "zzzz"},
    ),
    Model(
        "complaints.correctiveaction",
        view=frozenset({HANDLER, LEADER, SUPERVISOR}),
        change=frozenset({LEADER}),
        objects=keys("action:1", "action:2", "action:Y"),
        visible=inspection_scope,
        change_bodies=corrective_action_change,
        lookup={"training__startswith": "zzzz"},
    ),
    Model(
        "complaints.modelcase",
        view=ALL_STAFF,
        change=frozenset({AGENT, PM}),
        objects=keys("case:X", "case:Y"),
        visible=by_property,
        change_bodies=case_change,
        lookup={"what_happened__startswith": "zzzz"},
    ),
    Model(
        "complaints.webhookdelivery",
        view=frozenset({PM}),
        objects=keys("delivery:X", "delivery:Y"),
        visible=by_property,
        lookup={"event_key__startswith": "zzzz"},
        bulk={"action": "retry_now"},
    ),
    # Issue 17: a property's own emergency phrases and site board links are its project
    # managers'; phrases for every property and the keyword tables are head office's.
    Model(
        "complaints.emergencyphrase",
        view=frozenset({PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        delete=frozenset({PM}),
        objects=keys("phrase:X", "phrase:Y", "phrase:all"),
        visible=lambda ctx, key: key != "phrase:all" and by_property(ctx, key),
        add_bodies=phrase_add,
        change_bodies=phrase_change,
        lookup={"phrase__startswith": "zzzz"},
    ),
    Model(
        "complaints.boardtoken",
        view=frozenset({PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("board:X", "board:Y"),
        visible=by_property,
        add_bodies=board_add,
        change_bodies=board_change,
        lookup={"token_prefix__startswith": "zzzz"},
        bulk={"action": "revoke"},
    ),
    # The duty roster: a property's project managers keep it (and the leader of its
    # customer-service team, whom the world does not have); other team leaders read it.
    Model(
        "staff.duty",
        view=frozenset({LEADER, PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        delete=frozenset({PM}),
        objects=keys("duty:X", "duty:Y"),
        visible=by_property,
        add_bodies=duty_add,
        change_bodies=duty_change,
        versions=duty_change,
        lookup={"user__username__startswith": "zzzz"},
    ),
    Model(
        "complaints.categorykeyword",
        view=frozenset({PM}),
        objects=keys("keyword:1"),
        change_bodies=lambda ctx, key: [Body("reweighted", {"weight": 9})],
        lookup={"keyword__startswith": "zzzz"},
    ),
]
# Admins added by issue 10 itself (privacy log, login lockouts): in the table while they
# are registered.
OPTIONAL_MODELS = [
    Model(
        "complaints.device",
        view=frozenset({PM}),
        add=frozenset({PM}),
        change=frozenset({PM}),
        objects=keys("device:X", "device:Y"),
        visible=by_property,
        add_bodies=device_add,
        change_bodies=device_change,
        lookup={"name__startswith": "zzzz"},
        bulk={"action": "revoke_tokens"},
    ),
    Model(
        "complaints.personaldataaccess",
        view=frozenset({PM}),
        objects=keys("access:X", "access:Y"),
        visible=access_log_scope,
        lookup={"reason__startswith": "zzzz"},
    ),
    Model(
        "axes.accessattempt",
        view=frozenset({PM}),
        delete=frozenset({PM}),
        objects=keys("attempt:X", "attempt:Y"),
        visible=by_property,
        lookup={"username__startswith": "zzzz"},
        bulk={"action": "unlock"},
    ),
    Model("axes.accesslog", objects=keys("missing")),
]


def _registered(label: str) -> bool:
    return any(model._meta.label_lower == label for model in admin.site._registry)


MODELS += [m for m in OPTIONAL_MODELS if _registered(m.label)]
MODEL_BY_LABEL = {m.label: m for m in MODELS}


# -- the complaint workspace's own views --------------------------------------------------------

ACTIONS = [
    "accept",
    "classify",
    "dispatch",
    "handle",
    "close",
    "revisit",
    "reopen",
    "merge",
    "set_level",
    "hold",
    "resume",
    "on_site",
    "transfer",
    "message",
    "model_case",
]


def action_data(ctx: Ctx, c: Complaint, action: str) -> dict:
    team = c.team_id or ""
    data = {
        "accept": {},
        "classify": {"category": ctx.pk("category:C"), "level": "2"},
        "dispatch": {"team": team, "assignee": ""},
        "handle": {"note": "Replaced the seal."},
        "close": {"reason": "Resident unreachable"},
        "revisit": {"note": "Satisfied."},
        "reopen": {"reason": "Still broken."},
        "merge": {
            "into": ctx.obj(
                "complaint:B" if c.property_id == ctx.prop_pk("X") else "complaint:YN"
            ).reference
        },
        "set_level": {"level": "3", "reason": "Only a suggestion."},
        "hold": {"reason": "parts", "resume_at": "2025-03-10T15:00", "note": "Seal on order"},
        "resume": {},
        "on_site": {},
        "transfer": {
            "new_owner": ctx.world.users[
                "project_manager" if c.property_id == ctx.prop_pk("X") else "project_manager_y"
            ].pk,
            "reason": "On leave.",
        },
        "message": {"body": "We are on it.", "language": "en", "script": ""},
        "model_case": CASE_TEXT,
    }[action]
    return {"expected_state": c.state, **data}


def complaint_act(ctx: Ctx) -> list[Req]:
    """The action buttons: out of scope hidden; the supervisor changes nothing; for the
    others the state machine decides, but no action may reach outside their scope."""
    key = "admin:complaints_complaint_act"
    reqs = []
    home = "Y" if ctx.home == "Y" else "A1"
    plan = [
        (home, [*ACTIONS, "no-such-action"]),
        ("A2", ["handle", "dispatch"]),
        ("Y" if home == "A1" else "A1", ["handle", "accept"]),
    ]
    for complaint_key, actions in plan:
        c = ctx.world.complaints[complaint_key]
        visible = ctx.world.sees_complaint(ctx.user, complaint_key)
        for action in actions:
            target = url(key, c.pk, action)
            gate = admin_gate(ctx)
            if gate is None and not visible:
                gate = E.HIDDEN
            if gate is None and action == "no-such-action":
                gate = E.NOT_FOUND
            read = gate or E.NO_CHANGE
            write = gate or (E.NO_CHANGE if ctx.role == SUPERVISOR else E.ANY_WRITE)
            note = N_TEAM if complaint_key == "A2" and ctx.role == HANDLER else ""
            if complaint_key == home or action in ("handle",):
                reqs.append(
                    Req(key, f"{complaint_key} {action} form", "GET", target, read, note=note)
                )
            data = action_data(ctx, c, action) if action in ACTIONS else {}
            reqs.append(
                Req(key, f"{complaint_key} {action}", "POST", target, write, data=data, note=note)
            )
    # Choices outside scope, on the user's own complaint: refused whoever asks.
    c = ctx.world.complaints[home]
    away_team = ctx.pk("team:1" if ctx.home == "Y" else "team:Y")
    away_handler = ctx.world.users["handler"] if ctx.home == "Y" else ctx.obj("user:handler_y")
    away_complaint = ctx.world.complaints["B" if ctx.home == "Y" else "YN"]
    gate = admin_gate(ctx) or (
        E.NO_CHANGE if ctx.world.sees_complaint(ctx.user, home) else E.HIDDEN
    )
    for action, data, label in [
        (
            "dispatch",
            {"team": away_team, "assignee": away_handler.pk},
            "to a team of the other property",
        ),
        (
            "dispatch",
            {"team": c.team_id, "assignee": away_handler.pk},
            "to staff of the other property",
        ),
        (
            "transfer",
            {"new_owner": _away_user(ctx).pk, "reason": "x"},
            "to staff of the other property",
        ),
        ("merge", {"into": away_complaint.reference}, "into a complaint of the other property"),
    ]:
        reqs.append(
            Req(
                key,
                f"{home} {action} {label}",
                "POST",
                url(key, c.pk, action),
                gate,
                data={"expected_state": c.state, **data},
                note=N_FORMS,
            )
        )
    return reqs


def complaint_reveal(ctx: Ctx) -> list[Req]:
    """A logged reveal of the contact phone: owners and holders of view_contact_phone."""
    key = "admin:complaints_complaint_reveal_phone"
    reqs = []
    for complaint_key in ("A1", "A2", "Y"):
        c = ctx.world.complaints[complaint_key]
        target = url(key, c.pk)
        visible = ctx.world.sees_complaint(ctx.user, complaint_key)
        gate = admin_gate(ctx)
        reqs.append(
            Req(
                key,
                f"{complaint_key} (GET reveals nothing)",
                "GET",
                target,
                gate or E.redirect_to(url("admin:complaints_complaint_change", c.pk)),
            )
        )
        allowed = ctx.role in (AGENT, PM) or (ctx.is_staff and c.owner_id == ctx.account.pk)
        expected = refusal(ctx, allowed=allowed, visible=visible) or E.ok(writes=True)
        if expected is E.HIDDEN_OR_FORBIDDEN:
            expected = E.Expect("404 or 403", lambda a: a.status in (403, 404))
        elif expected is E.HIDDEN:
            expected = E.NOT_FOUND
        reqs.append(
            Req(
                key,
                complaint_key,
                "POST",
                target,
                expected,
                reveal=allowed and visible,
                note=N_TEAM if complaint_key == "A2" else "",
            )
        )
    return reqs


def complaint_changelist_extra(ctx: Ctx) -> list[Req]:
    """The complaint list: the CSV export, bulk accept outside scope, lookups and search
    on the masked contact phone."""
    key = "admin:complaints_complaint_changelist"
    target = url(key)
    gate = admin_gate(ctx)
    everything = list(Complaint.objects.values_list("pk", flat=True))
    outside_new = [
        c.pk
        for k, c in ctx.world.complaints.items()
        if c.state == State.NEW and not ctx.world.sees_complaint(ctx.user, k)
    ]
    reqs = [
        Req(key, "list (control)", "GET", target, gate or E.ok(), shows=visible_references(ctx)),
        Req(
            key,
            "CSV export of every id",
            "POST",
            target,
            gate or E.ok(),
            data={"action": "export_csv", "_selected_action": everything, "index": 0},
            note=N_TEAM if ctx.role == HANDLER else "",
            shows=visible_references(ctx),
        ),
        Req(
            key,
            "bulk accept outside scope",
            "POST",
            target,
            gate or E.NO_CHANGE,
            data={"action": "accept_selected", "_selected_action": outside_new, "index": 0},
        ),
    ]
    if gate is None:
        for param, value in [
            ("contact_phone__startswith", "1300"),
            ("contact_phone", "13000000000"),
            ("resident__phone__startswith", "1300"),
            ("description__icontains", "zzzz"),
        ]:
            reqs.append(
                Req(
                    key,
                    f"undeclared lookup {param}",
                    "GET",
                    target,
                    E.NO_CHANGE,
                    data={param: value},
                    baseline="complaints.complaint",
                    note=N_LOOKUPS,
                )
            )
        reqs += masked_field_probes(ctx, key, "contact_phone")
        if ctx.role in (HANDLER, LEADER, SUPERVISOR):
            phone = "13833330003" if ctx.home == "Y" else "13811110001"
            reqs.append(
                Req(
                    key,
                    "search by full phone",
                    "GET",
                    target,
                    E.NO_ROWS,
                    data={"q": phone},
                    echo=phone,
                    note=N_LOOKUPS,
                )
            )
    return reqs


def resident_changelist_extra(ctx: Ctx) -> list[Req]:
    """Anonymising a resident in scope (project managers only), and the search on the
    masked phone for those who may not reveal it."""
    key = "admin:buildings_resident_changelist"
    gate = admin_gate(ctx)
    spec = MODEL_BY_LABEL["buildings.resident"]
    if gate is None and ctx.role not in spec.view:
        gate = E.FORBIDDEN
    neighbour = ctx.obj("resident:B")
    in_scope = by_property(ctx, "resident:B")
    reqs = [
        Req(
            key,
            "anonymise resident B",
            "POST",
            url(key),
            gate or (E.ANY_WRITE if ctx.role == PM and in_scope else E.NO_CHANGE),
            data={
                "action": "anonymise_selected",
                "_selected_action": [neighbour.pk],
                "index": 0,
                "apply": "1",
                "reason": "Moved out",
            },
        ),
    ]
    if gate is None:
        reqs += masked_field_probes(ctx, key, "phone")
    if ctx.role == SUPERVISOR:
        phone = "13811110001"
        reqs.append(
            Req(
                key,
                "search by full phone",
                "GET",
                url(key),
                E.NO_ROWS,
                data={"q": phone},
                echo=phone,
                note=N_LOOKUPS,
            )
        )
    return reqs


def masked_field_probes(ctx: Ctx, key: str, field_name: str) -> list[Req]:
    """Two more ways to a masked phone through a changelist: a search on its first digits
    (rebuilds a number digit by digit, whoever may reveal it: a reveal is logged, this
    would not be) and the popup's `_to_field`, which would print the value into the page."""
    phone = "13833330003" if ctx.home == "Y" else "13811110001"
    return [
        Req(key, "search by the first digits of a phone", "GET", url(key), E.NO_ROWS,
            data={"q": phone[:7]}, echo=phone[:7], note=N_LOOKUPS),
        Req(key, f"popup to_field {field_name}", "GET", url(key), E.status(400, name="400"),
            data={"_to_field": field_name, "_popup": "1"}, note=N_LOOKUPS),
    ]  # fmt: skip


def resident_reveal(ctx: Ctx) -> list[Req]:
    """A logged reveal of a resident's phone: agents and project managers, in scope."""
    key = "admin:buildings_resident_reveal_phone"
    reqs = []
    for resident_key in ("resident:A", "resident:Y"):
        target = url(key, ctx.pk(resident_key))
        visible = by_property(ctx, resident_key)
        change_url = url("admin:buildings_resident_change", ctx.pk(resident_key))
        reqs.append(
            Req(
                key,
                f"{resident_key} (GET reveals nothing)",
                "GET",
                target,
                admin_gate(ctx) or E.redirect_to(change_url),
            )
        )
        allowed = ctx.role in (AGENT, PM)
        expected = refusal(ctx, allowed=allowed, visible=visible) or E.ok(writes=True)
        if expected in (E.HIDDEN, E.HIDDEN_OR_FORBIDDEN):
            expected = E.Expect("404 (or 403)", lambda a: a.status in (403, 404))
        reqs.append(
            Req(
                key,
                resident_key,
                "POST",
                target,
                expected,
                reveal=allowed and visible,
                note=N_LOOKUPS,
            )
        )
    return reqs


# -- reports -----------------------------------------------------------------------------------

REPORTS = [
    "red_black",
    "red_black_csv",
    "red_black_xlsx",
    "analysis",
    "analysis_csv",
    "analysis_xlsx",
]


def report(name: str) -> Callable[[Ctx], list[Req]]:
    def rule(ctx: Ctx) -> list[Req]:
        key = f"admin:complaints_monthlysnapshot_{name}"
        target = url(key)
        reqs = []
        for prop, month in [
            ("X", LIVE_MONTH),
            ("X", PUBLISHED_MONTH),
            ("Y", LIVE_MONTH),
            ("Y", PUBLISHED_MONTH),
            (None, None),
        ]:
            query = (
                {} if prop is None else {"property": ctx.prop_pk(prop), "month": f"{month:%Y-%m}"}
            )
            gate = admin_gate(ctx)
            if gate is None and ctx.role not in REPORT_READERS:
                gate = E.FORBIDDEN
            if gate is None and prop is not None and prop not in ctx.world.scope(ctx.user):
                gate = E.NOT_FOUND
            label = f"{prop or 'default'} {month or ''}".strip()
            shows = (first_marker(ctx, "place", prop=prop),) if prop else ()
            reqs.append(
                Req(
                    key,
                    label,
                    "GET",
                    target,
                    gate or E.ok(),
                    data=query,
                    note=N_REPORTS,
                    shows=shows,
                )
            )
            if prop is not None and month == LIVE_MONTH:
                reqs.append(
                    Req(
                        key,
                        label,
                        "POST",
                        target + "?" + "&".join(f"{k}={v}" for k, v in query.items()),
                        gate or E.READ,
                        note=N_REPORTS,
                    )
                )
        return reqs

    return rule


# -- the admin site's own views ----------------------------------------------------------------


def admin_index(ctx):
    target = url("admin:index")
    gate = admin_gate(ctx)
    return [
        Req("admin:index", "index", "GET", target, gate or E.ok()),
        Req("admin:index", "index", "POST", target, gate or E.READ),
    ]


def admin_login(ctx):
    key = "admin:login"
    target = url(key)
    reqs = [
        Req(
            key,
            "page",
            "GET",
            target,
            E.redirect_to(url("admin:index")) if ctx.is_staff else E.ok(),
        ),
        Req(
            key,
            "wrong password",
            "POST",
            target,
            E.INVALID,
            data={
                "username": ctx.account.get_username() if ctx.account else "agent",
                "password": "wrong-password",
            },
        ),
    ]
    if ctx.user == "anonymous":
        reqs.append(
            Req(
                key,
                "right password, unsafe next",
                "POST",
                target,
                E.redirect_to(url("admin:index")),
                note=N_NEXT,
                data={"username": "agent", "password": PASSWORD, "next": "https://evil.example/"},
            )
        )
    return reqs


def admin_logout(ctx):
    """Django's admin sends anyone but staff from its logout to its index (then login)."""
    target = url("admin:logout")
    if not ctx.is_staff:
        to_index = E.redirect_to(url("admin:index"))
        return [
            Req("admin:logout", "GET", "GET", target, to_index),
            Req("admin:logout", "POST", "POST", target, to_index),
        ]
    return [
        Req("admin:logout", "GET", "GET", target, E.NOT_ALLOWED),
        Req("admin:logout", "POST", "POST", target, E.ok()),
    ]


def password_change(ctx):
    target = url("admin:password_change")
    gate = admin_gate(ctx)
    return [
        Req("admin:password_change", "form", "GET", target, gate or E.ok()),
        Req(
            "admin:password_change",
            "wrong old password",
            "POST",
            target,
            gate or E.INVALID,
            data={
                "old_password": "wrong",
                "new_password1": "Xy7-long-new-pass",
                "new_password2": "Xy7-long-new-pass",
            },
        ),
    ]


def simple_page(name):
    def rule(ctx):
        target = url(name)
        gate = admin_gate(ctx)
        return [
            Req(name, "GET", "GET", target, gate or E.ok()),
            Req(name, "POST", "POST", target, gate or E.READ),
        ]

    return rule


def autocomplete_sources() -> list[tuple[str, str, str, str]]:
    """(app_label, model_name, field_name, remote label): for every registered admin with
    search fields, one model field that points at it (any model of the project)."""
    registry = admin.site._registry
    found = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not (f.is_relation and f.concrete) or (f.auto_created and not f.many_to_many):
                continue
            remote = f.related_model
            if remote is None or remote not in registry:
                continue
            label = remote._meta.label_lower
            if label in found:
                continue
            found[label] = (model._meta.app_label, model._meta.model_name, f.name, label)
    return sorted(found.values(), key=lambda item: item[3])


def autocomplete(ctx):
    key = "admin:autocomplete"
    target = url(key)
    reqs = []
    for app_label, model_name, field_name, remote in autocomplete_sources():
        spec = MODEL_BY_LABEL.get(remote)
        can_view = spec is not None and ctx.role in spec.view
        gate = admin_gate(ctx)
        expected = gate or (E.ok() if can_view else E.status(403, 404, name="403 (or 404)"))
        note = N_TEAM if remote == "complaints.complaint" and ctx.role == HANDLER else ""
        query = {
            "app_label": app_label,
            "model_name": model_name,
            "field_name": field_name,
            "term": "",
        }
        shows = visible_references(ctx) if remote == "complaints.complaint" else ()
        reqs.append(
            Req(
                key,
                f"{remote} via {model_name}.{field_name}",
                "GET",
                target,
                expected,
                data=query,
                note=note,
                shows=shows,
            )
        )
    reqs.append(Req(key, "POST", "POST", target, admin_gate(ctx) or E.NOT_ALLOWED))
    return reqs


def view_on_site(ctx):
    key = "admin:view_on_site"
    reqs = []
    for obj in ("complaint:Y", "complaint:A2", "building:Y"):
        instance = ctx.obj(obj)
        ct = ContentType.objects.get_for_model(instance)
        target = url(key, ct.pk, instance.pk)
        expected = admin_gate(ctx) or E.status(302, 404, name="302 or 404")
        reqs += [Req(key, obj, "GET", target, expected), Req(key, obj, "POST", target, expected)]
    return reqs


def app_list(ctx):
    key = "admin:app_list"
    reqs = []
    for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
        target = url(key, app_label=app_label)
        specs = [m for m in MODELS if m.app_label == app_label]
        sees = any(ctx.role in m.view | m.change for m in specs)
        gate = admin_gate(ctx) or (None if sees else E.NOT_FOUND)
        reqs += [
            Req(key, app_label, "GET", target, gate or E.ok()),
            Req(key, app_label, "POST", target, gate or E.READ),
        ]
    return reqs


def catch_all(ctx):
    target = url("admin:index") + "no-such-page/"
    expected = admin_gate(ctx) or E.NOT_FOUND
    key = "admin/(?P<url>.*)$"
    return [
        Req(key, "unknown page", "GET", target, expected),
        Req(key, "unknown page", "POST", target, expected),
    ]


# -- portal, photos, language ---------------------------------------------------------------------


def portal_gate(ctx) -> E.Expect | None:
    """The resident pages: anonymous users to the portal login, staff to the admin."""
    if ctx.user == "anonymous":
        return E.login("portal")
    if ctx.is_staff:
        return E.redirect_to(url("admin:index"))
    return None


def portal_home(ctx):
    target = url("portal:home")
    expected = {
        "anonymous": E.redirect_to(url("portal:login")),
    }.get(ctx.user) or (
        E.redirect_to(url("admin:index"))
        if ctx.is_staff
        else E.redirect_to(url("portal:complaint_list"))
    )
    return [
        Req("portal:home", "home", "GET", target, expected),
        Req("portal:home", "home", "POST", target, expected),
    ]


def portal_login(ctx):
    key = "portal:login"
    target = url(key)
    if ctx.user == "anonymous":
        page, post = E.ok(), E.INVALID
    elif ctx.is_staff:
        page = post = E.redirect_to(url("admin:index"))
    else:
        page = post = E.redirect_to(url("portal:complaint_list"))
    return [
        Req(key, "page", "GET", target, page),
        Req(
            key,
            "wrong password",
            "POST",
            target,
            post,
            data={"username": "resident-a", "password": "wrong-password"},
        ),
    ]


def portal_logout(ctx):
    target = url("portal:logout")
    return [
        Req("portal:logout", "GET", "GET", target, E.NOT_ALLOWED),
        Req("portal:logout", "POST", "POST", target, E.redirect_to(url("portal:login"))),
    ]


def portal_page(name):
    def rule(ctx):
        target = url(f"portal:{name}")
        gate = portal_gate(ctx)
        shows = visible_references(ctx) if name in ("complaint_list", "my_data") else ()
        return [
            Req(f"portal:{name}", name, "GET", target, gate or E.ok(), shows=shows),
            Req(f"portal:{name}", name, "POST", target, gate or E.ok()),
        ]

    return rule


def portal_new(ctx):
    key = "portal:complaint_new"
    target = url(key)
    gate = portal_gate(ctx)
    own_unit = {"resident_a": "unit:A", "resident_b": "unit:B"}.get(ctx.user, "unit:A")
    other_unit = "unit:B" if own_unit == "unit:A" else "unit:A"

    def body(place):
        return {
            "place": place,
            "category": "",
            "description": "The hall light flickers",
            "location_text": "",
            "preferred_contact_time": "",
        }

    return [
        Req(key, "form", "GET", target, gate or E.ok()),
        Req(
            key,
            "own unit",
            "POST",
            target,
            gate or E.SAVED,
            data=body(f"unit:{ctx.pk(own_unit)}"),
        ),
        Req(
            key,
            "a neighbour's unit",
            "POST",
            target,
            gate or E.INVALID,
            data=body(f"unit:{ctx.pk(other_unit)}"),
        ),
        Req(
            key,
            "a building of the other property",
            "POST",
            target,
            gate or E.INVALID,
            data=body(f"building:{ctx.pk('building:Y')}"),
        ),
    ]


PORTAL_OBJECT_VIEWS = {
    # name: (complaints to try, GET allowed?, POST body)
    "complaint_detail": (("A1", "AC", "B", "Y"), True, None),
    "complaint_submitted": (("A1", "B", "Y"), True, None),
    "complaint_withdraw": (("A1", "B", "Y"), False, {"reason": "Sorted out"}),
    "complaint_confirm": (("AC", "B", "Y"), False, {}),
    "complaint_reopen": (("AC", "B", "Y"), False, {"reason": "Broken again"}),
    "complaint_survey": (
        ("AC", "B", "Y"),
        True,
        {"solved": 90, "speed": 90, "attitude": 90, "comment": "Fine"},
    ),
}


def portal_object(name):
    complaints, gettable, body = PORTAL_OBJECT_VIEWS[name]

    def rule(ctx):
        key = f"portal:{name}"
        reqs = []
        for complaint_key in complaints:
            c = ctx.world.complaints[complaint_key]
            target = url(key, c.pk)
            gate = portal_gate(ctx)
            if gate is None and not ctx.world.sees_complaint(ctx.user, complaint_key):
                gate = E.NOT_FOUND
            reqs.append(
                Req(
                    key,
                    complaint_key,
                    "GET",
                    target,
                    (gate or E.PORTAL_OK) if gettable else E.NOT_ALLOWED,
                )
            )
            reqs.append(
                Req(key, complaint_key, "POST", target, gate or E.ok(writes=True), data=body or {})
            )
        return reqs

    return rule


def photo(ctx):
    key = "complaints:photo"
    reqs = []
    cases = [(k, "image") for k in ("A1", "A2", "AC", "B", "Y")]
    cases += [("A2", "thumbnail"), ("Y", "thumbnail"), ("A1", "original")]
    for complaint_key, variant in cases:
        target = url(key, ctx.pk(f"photo:{complaint_key}"), variant)
        allowed = ctx.world.sees_complaint(ctx.user, complaint_key) and variant != "original"
        refused = E.Expect(
            "404 (or a login redirect)",
            lambda a: a.status == 404 or (a.status == 302 and "/login/" in a.location),
        )
        note = N_TEAM if complaint_key == "A2" and ctx.role == HANDLER else ""
        reqs.append(
            Req(
                key,
                f"{complaint_key} {variant}",
                "GET",
                target,
                E.ok() if allowed else refused,
                note=note,
            )
        )
    reqs.append(Req(key, "A1 image", "POST", url(key, ctx.pk("photo:A1"), "image"), E.NOT_ALLOWED))
    return reqs


def set_language(ctx):
    key = "set_language"
    target = url(key)
    here = url("portal:complaint_list")
    local = E.Expect(
        "302 to a page of this site",
        lambda a: (
            a.status == 302 and a.location.startswith("/") and not a.location.startswith("//")
        ),
    )
    return [
        Req(key, "GET with next", "GET", target, E.redirect_to(here), data={"next": here}),
        Req(
            key,
            "switch",
            "POST",
            target,
            E.redirect_to(here),
            data={"language": "en", "next": here},
        ),
        Req(
            key,
            "unsafe next",
            "POST",
            target,
            local,
            data={"language": "en", "next": "https://evil.example/"},
        ),
    ]


def api_page(key: str):
    """The API's schema and docs are public, as the source they describe."""

    def rule(ctx):
        target = url(key)
        return [
            Req(key, "GET", "GET", target, E.ok()),
            Req(key, "POST", "POST", target, E.NOT_ALLOWED),
        ]

    return rule


UNAUTHENTICATED = E.status(401, name="401")
API_ANSWERED = E.Expect("answered (2xx or 4xx)", lambda a: a.status < 500, writes=True)
API_RESIDENT_LISTS = ("complaints", "filing_options", "notifications", "notifications_read")
API_RESIDENT_OBJECTS = {
    # name: (complaints to try, GET allowed?)
    "complaint_detail": (("A1", "AC", "B", "Y"), True),  # the others take POST only
    "complaint_withdraw": (("A1", "B", "Y"), False),
    "complaint_confirm": (("AC", "B", "Y"), False),
    "complaint_reopen": (("AC", "B", "Y"), False),
    "complaint_survey": (("AC", "B", "Y"), False),
}


def api_resident_gate(ctx) -> E.Expect | None:
    """The residents' API: 401 without credentials, 403 for staff."""
    if ctx.user == "anonymous":
        return UNAUTHENTICATED
    if ctx.is_staff:
        return E.FORBIDDEN
    return None


def api_resident_list(name: str):
    key = f"api:resident_{name}"
    gettable = name != "notifications_read"

    def rule(ctx):
        gate = api_resident_gate(ctx)
        target = url(key)
        return [
            Req(key, "GET", "GET", target, gate or (E.ok() if gettable else E.NOT_ALLOWED)),
            Req(key, "POST", "POST", target, gate or API_ANSWERED, data={}),
        ]

    return rule


def api_resident_object(name: str):
    key = f"api:resident_{name}"
    complaints, gettable = API_RESIDENT_OBJECTS[name]

    def rule(ctx):
        reqs = []
        for complaint_key in complaints:
            # A method the endpoint does not take is refused before any lookup.
            gate = api_resident_gate(ctx)
            wrong_method = gate or E.NOT_ALLOWED
            if gate is None and not ctx.world.sees_complaint(ctx.user, complaint_key):
                gate = E.NOT_FOUND
            target = url(key, ctx.world.complaints[complaint_key].pk)
            get = (gate or E.ok()) if gettable else wrong_method
            post = wrong_method if gettable else (gate or API_ANSWERED)
            reqs.append(Req(key, complaint_key, "GET", target, get))
            reqs.append(Req(key, complaint_key, "POST", target, post, data={}))
        return reqs

    return rule


def api_resident_photo(name: str):
    key = f"api:resident_{name}"

    def rule(ctx):
        reqs = []
        for complaint_key in ("A1", "A2", "B", "Y"):
            gate = api_resident_gate(ctx)
            reqs.append(
                Req(
                    key,
                    complaint_key,
                    "POST",
                    target := url(key, ctx.pk(f"photo:{complaint_key}")),
                    gate or E.NOT_ALLOWED,
                )
            )
            if gate is None and not ctx.world.sees_complaint(ctx.user, complaint_key):
                gate = E.NOT_FOUND
            reqs.append(Req(key, complaint_key, "GET", target, gate or E.ok()))
        return reqs

    return rule


def api_auth(name: str):
    """Token login answers anyone (a 400 for no password); logging out needs a token."""
    key = f"api:auth_{name}"

    def rule(ctx):
        target = url(key)
        # A session is not a token: logging out is refused even signed in.
        post = E.status(400, name="400") if name == "login" else UNAUTHENTICATED
        return [
            Req(key, "GET", "GET", target, E.NOT_ALLOWED if name == "login" else UNAUTHENTICATED),
            Req(key, "POST", "POST", target, post, data={}),
        ]

    return rule


def api_staff_gate(ctx) -> E.Expect | None:
    """The staff API: 401 without credentials, 403 for residents."""
    if ctx.user == "anonymous":
        return UNAUTHENTICATED
    if not ctx.is_staff:
        return E.FORBIDDEN
    return None


def api_staff_list(ctx):
    key = "api:staff-complaint-list"
    gate = api_staff_gate(ctx)
    return [
        Req(key, "list", "GET", url(key), gate or E.ok()),
        Req(key, "intake, empty", "POST", url(key), gate or API_ANSWERED, data={}),
    ]


def api_staff_object(name: str):
    key = f"api:staff-complaint-{name}"

    def rule(ctx):
        reqs = []
        for complaint_key in ("A1", "A2", "AC", "B", "Y"):
            pk = ctx.world.complaints[complaint_key].pk
            target = url(key, pk) if name == "detail" else url(key, pk, "accept")
            gate = api_staff_gate(ctx)
            wrong_method = gate or E.NOT_ALLOWED
            if gate is None and not ctx.world.sees_complaint(ctx.user, complaint_key):
                gate = E.NOT_FOUND
            note = N_TEAM if complaint_key == "A2" and ctx.role == HANDLER else ""
            if name == "detail":
                get, post = gate or E.ok(), wrong_method
            else:
                get, post = wrong_method, gate or API_ANSWERED
            reqs.append(Req(key, complaint_key, "GET", target, get, note=note))
            reqs.append(Req(key, complaint_key, "POST", target, post, data={}, note=note))
        return reqs

    return rule


def api_report(name: str):
    """Reports as JSON: supervisors and project managers, for their properties."""
    key = f"api:report-{name}"

    def rule(ctx):
        reqs = []
        for prop in ("X", "Y", None):
            gate = api_staff_gate(ctx)
            if gate is None and ctx.role not in REPORT_READERS:
                gate = E.FORBIDDEN
            # The snapshot list filtered by another property is empty, not refused.
            outside = prop is not None and prop not in ctx.world.scope(ctx.user)
            if gate is None and outside and name != "snapshot-list":
                gate = E.NOT_FOUND
            query = {} if prop is None else {"property": ctx.prop_pk(prop)}
            if name == "snapshot-detail":
                if prop is None:
                    continue
                target = url(key, ctx.pk(f"snapshot:{prop}"))
                query = {}
            else:
                target = url(key)
            reqs.append(Req(key, prop or "default", "GET", target, gate or E.ok(), data=query))
        reqs.append(
            Req(
                key,
                "POST",
                "POST",
                url(key) if name != "snapshot-detail" else target,
                api_staff_gate(ctx)
                or (E.FORBIDDEN if ctx.role not in REPORT_READERS else E.NOT_ALLOWED),
            )
        )
        return reqs

    return rule


def health(ctx):
    """Public, for monitors: 200 or 500 (no cluster sweeps in the tests' world)."""
    return [
        Req("health", "GET", "GET", url("health"), E.status(200, 500)),
        Req("health", "POST", "POST", url("health"), E.NOT_ALLOWED),
    ]


def health_web(ctx):
    """Public, for load balancers: the web host's own checks, which pass here."""
    return [
        Req("health-web", "GET", "GET", url("health-web"), E.status(200)),
        Req("health-web", "POST", "POST", url("health-web"), E.NOT_ALLOWED),
    ]


def metrics(ctx):
    """Prometheus's scrape: only METRICS_TOKEN's bearer token reads it, no login does."""
    return [
        Req("metrics", "GET", "GET", url("metrics"), E.status(401, name="401")),
        Req("metrics", "POST", "POST", url("metrics"), E.NOT_ALLOWED),
    ]


def iot_alerts(ctx):
    """Only a device's token files an alert: a signed-in person is not a device."""
    key = "api:iot_alerts"
    target = url(key)
    return [
        Req(key, "GET", "GET", target, UNAUTHENTICATED),
        Req(key, "alert", "POST", target, UNAUTHENTICATED, data={"fault": "leak"}),
    ]


def phrase_test(ctx):
    """The phrase tester reads (GET) for those who may view phrases; a property outside
    scope is a form error, never its phrases."""
    key = "admin:complaints_emergencyphrase_test"
    target = url(key)
    gate = refusal(ctx, allowed=ctx.role == PM, visible=True)
    return [
        Req(
            key,
            "own property",
            "GET",
            target,
            gate or E.ok(),
            data={"property": ctx.prop_pk(ctx.home), "sentence": "电梯困人"},
            shows=("matched 困人",),
        ),
        Req(
            key,
            "other property",
            "GET",
            target,
            gate or E.ok(),
            data={"property": ctx.prop_pk(ctx.away), "sentence": "电梯困人"},
        ),
        Req(key, "POST", "POST", target, admin_gate(ctx) or E.NOT_ALLOWED),
    ]


def suggestion_accuracy(ctx):
    """The keyword tables' accuracy page: a read for those who may view the tables."""
    key = "admin:complaints_categorykeyword_accuracy"
    target = url(key)
    return [
        Req(
            key, "GET", "GET", target, refusal(ctx, allowed=ctx.role == PM, visible=True) or E.ok()
        ),
        Req(key, "POST", "POST", target, admin_gate(ctx) or E.NOT_ALLOWED),
    ]


def portal_preview(ctx):
    """The filing form's live preview: POST only, a resident's own places only."""
    key = "portal:complaint_preview"
    target = url(key)
    gate = portal_gate(ctx)
    own_unit = {"resident_a": "unit:A", "resident_b": "unit:B"}.get(ctx.user, "unit:A")
    other_unit = "unit:B" if own_unit == "unit:A" else "unit:A"

    def body(place):
        return {"place": place, "description": "电梯困人", "location_text": ""}

    return [
        Req(key, "GET", "GET", target, E.NOT_ALLOWED),
        Req(key, "own unit", "POST", target, gate or E.ok(), data=body(f"unit:{ctx.pk(own_unit)}")),
        Req(
            key,
            "a neighbour's unit",
            "POST",
            target,
            gate or E.status(400),
            data=body(f"unit:{ctx.pk(other_unit)}"),
        ),
        Req(
            key,
            "a building of the other property",
            "POST",
            target,
            gate or E.status(400),
            data=body(f"building:{ctx.pk('building:Y')}"),
        ),
    ]


def _preview_bodies(ctx) -> list[tuple[str, dict, bool]]:
    away = _away_unit(ctx)
    return [
        ("own unit", {"unit": ctx.pk(_home_unit(ctx)), "description": "电梯困人"}, True),
        ("unit of the other property", {"unit": ctx.pk(away), "description": "漏水"}, False),
        (
            "building of the other property",
            {"building": ctx.obj(away).building_id, "description": "漏水"},
            False,
        ),
    ]


def intake_preview(ctx):
    """The intake page's live preview: POST only, for those who take complaints in, about
    places of their properties (another's is a field error, 400)."""
    key = "admin:complaints_complaint_intake_preview"
    target = url(key)
    gate = admin_gate(ctx)
    if gate is None and ctx.role not in (AGENT, PM):
        gate = E.FORBIDDEN
    reqs = [Req(key, "GET", "GET", target, admin_gate(ctx) or E.NOT_ALLOWED)]
    for label, data, inside in _preview_bodies(ctx):
        expected = gate or (E.ok() if inside else E.status(400))
        reqs.append(Req(key, label, "POST", target, expected, data=data))
    return reqs


def api_intake_preview(ctx):
    """The staff API's intake preview: as the admin page's."""
    key = "api:staff-complaint-intake-preview"
    target = url(key)
    gate = api_staff_gate(ctx)
    reqs = [Req(key, "GET", "GET", target, gate or E.NOT_ALLOWED)]
    if gate is None and ctx.role not in (AGENT, PM):
        gate = E.FORBIDDEN
    for label, data, inside in _preview_bodies(ctx):
        expected = gate or (E.ok() if inside else E.status(400))
        reqs.append(Req(key, label, "POST", target, expected, data=data))
    return reqs


def board_view(name: str):
    """A site board is reached with its link alone, by anyone holding it, login or not:
    it shows the counts of its property (whose name it echoes) and nothing else; an
    unknown or revoked link is 404, a POST 405."""

    def rule(ctx):
        key = f"board:{name}"
        world = ctx.world
        reqs = [
            Req(key, "unknown token", "GET", url(key, "x" * 40), E.NOT_FOUND),
            Req(key, "revoked token", "GET", url(key, world.objects["token:revoked"]), E.NOT_FOUND),
            Req(key, "POST", "POST", url(key, world.objects["token:X"]), E.NOT_ALLOWED),
        ]
        for prop in ("X", "Y"):
            reqs.append(
                Req(
                    key,
                    f"board of {prop}",
                    "GET",
                    url(key, world.objects[f"token:{prop}"]),
                    E.ok(),
                    echo=world.props[prop].name,
                )
            )
        return reqs

    return rule


# -- the table ------------------------------------------------------------------------------------


def _combine(*rules):
    return lambda ctx: [req for rule in rules for req in rule(ctx)]


def build_table() -> dict[str, Callable[[Ctx], list[Req]]]:
    table: dict[str, Callable[[Ctx], list[Req]]] = {
        "set_language": set_language,
        "complaints:photo": photo,
        "admin:index": admin_index,
        "admin:login": admin_login,
        "admin:logout": admin_logout,
        "admin:password_change": password_change,
        "admin:password_change_done": simple_page("admin:password_change_done"),
        "admin:autocomplete": autocomplete,
        "admin:jsi18n": simple_page("admin:jsi18n"),
        "admin:view_on_site": view_on_site,
        "admin:app_list": app_list,
        "admin/(?P<url>.*)$": catch_all,
        "portal:home": portal_home,
        "portal:login": portal_login,
        "portal:logout": portal_logout,
        "portal:complaint_list": portal_page("complaint_list"),
        "portal:notifications": portal_page("notifications"),
        "portal:my_data": portal_page("my_data"),
        "admin:buildings_resident_reveal_phone": resident_reveal,
        "portal:complaint_new": portal_new,
        **{f"portal:{name}": portal_object(name) for name in PORTAL_OBJECT_VIEWS},
        "admin:complaints_complaint_act": complaint_act,
        "admin:complaints_complaint_reveal_phone": complaint_reveal,
        **{f"admin:complaints_monthlysnapshot_{name}": report(name) for name in REPORTS},
        "admin:auth_user_password_change": user_password(),
        **{f"api:{name}": api_page(f"api:{name}") for name in ("schema", "docs", "redoc")},
        "api:iot_alerts": iot_alerts,
        "health": health,
        "health-web": health_web,
        "metrics": metrics,
        "api:staff-complaint-list": api_staff_list,
        "api:staff-complaint-detail": api_staff_object("detail"),
        "api:staff-complaint-transition": api_staff_object("transition"),
        **{
            f"api:report-{name}": api_report(name)
            for name in ("red-black", "analysis", "snapshot-list", "snapshot-detail")
        },
        **{f"api:auth_{name}": api_auth(name) for name in ("login", "logout", "logoutall")},
        **{f"api:resident_{name}": api_resident_list(name) for name in API_RESIDENT_LISTS},
        **{f"api:resident_{name}": api_resident_object(name) for name in API_RESIDENT_OBJECTS},
        **{
            f"api:resident_{name}": api_resident_photo(name)
            for name in ("photo", "photo_thumbnail")
        },
        "admin:complaints_emergencyphrase_test": phrase_test,
        "portal:complaint_preview": portal_preview,
        "admin:complaints_complaint_intake_preview": intake_preview,
        "api:staff-complaint-intake-preview": api_intake_preview,
        "admin:complaints_categorykeyword_accuracy": suggestion_accuracy,
        "board:page": board_view("page"),
        "board:data": board_view("data"),
    }
    for m in MODELS:
        table.update(model_entries(m))
    table["admin:complaints_complaint_changelist"] = _combine(
        table["admin:complaints_complaint_changelist"], complaint_changelist_extra
    )
    table["admin:buildings_resident_changelist"] = _combine(
        table["admin:buildings_resident_changelist"], resident_changelist_extra
    )
    return table


def user_password():
    def rule(ctx):
        key = "admin:auth_user_password_change"
        target = url(key, ctx.pk("user:spare"))
        gate = admin_gate(ctx) or E.FORBIDDEN
        return [
            Req(key, "spare", "GET", target, gate),
            Req(
                key,
                "spare",
                "POST",
                target,
                gate,
                data={"password1": "Xy7-long-new-pass", "password2": "Xy7-long-new-pass"},
            ),
        ]

    return rule


# Patterns simple-history adds: issue 10 removes the revert view, so they may be gone.
MAY_BE_REMOVED = {m.name("simple_history") for m in MODELS if m.versions is not None}


def world_extras(world: World) -> None:
    """Objects the table names that the world builder does not make itself: the role
    group, and rows of the admins issue 10 adds (while their models exist)."""
    o = world.objects
    o["group:agent"] = Group.objects.get(name=Role.AGENT)
    _webhooks(world)
    _intake_rules(world)
    _quality(world)
    if _registered("axes.accessattempt"):
        from axes.models import AccessAttempt

        for key, username in (("X", "handler"), ("Y", "manager-y")):
            o[f"attempt:{key}"] = AccessAttempt.objects.create(
                username=username,
                ip_address="10.0.0.9",
                user_agent=f"Browser {world.mark('staff', key)}",
                path_info="/en/admin/login/",
                get_data="",
                post_data="",
                failures_since_start=2,
            )
            o[f"property-of:attempt:{key}"] = key
    if _registered("complaints.device"):
        from complaints.models import Device

        for key in ("X", "Y"):
            o[f"device:{key}"] = Device.objects.create(
                property=world.props[key],
                name=f"Sensor {world.mark('team', key)}",  # staff of the property may read it
                kind="water_leak",
                category=o["category:C"],
            )
    if _registered("complaints.personaldataaccess"):
        from complaints.privacy.services import data_access_record

        for key, actor in (("X", world.users["agent"]), ("Y", o["user:agent_y"])):
            resident = o[f"resident:{'Y' if key == 'Y' else 'A'}"]
            o[f"access:{key}"] = data_access_record(
                actor=actor,
                kind="view",
                property_ids=[world.props[key].pk],
                resident_id=resident.pk,
                reason=f"Call back {world.mark('resident', key, 'Y' if key == 'Y' else 'A')}",
            )
            o[f"property-of:access:{key}"] = key


def _webhooks(world: World) -> None:
    """A webhook of each property with a failed delivery about one of its complaints."""
    from complaints.models import Webhook, WebhookDelivery
    from complaints.webhooks.events import complaint_payload

    o = world.objects
    for key, complaint_key in (("X", "A1"), ("Y", "Y")):
        hook = Webhook.objects.create(
            name=f"ERP {world.mark('staff', key)}",
            url=f"https://erp.example.com/{key}",
            events=["accepted"],
        )
        hook.properties.set([world.props[key]])
        complaint = world.complaints[complaint_key]
        o[f"webhook:{key}"] = hook
        o[f"delivery:{key}"] = WebhookDelivery.objects.create(
            webhook=hook,
            event="accepted",
            complaint=complaint,
            payload={"event": "accepted", "complaint": complaint_payload(complaint)},
            status=WebhookDelivery.Status.FAILED,
            last_error=f"HTTP 500 {world.mark('staff', key)}",
        )
        o[f"property-of:webhook:{key}"] = o[f"property-of:delivery:{key}"] = key


def _intake_rules(world: World) -> None:
    """A phrase of each property and one for all, a keyword, and a board link of each
    property (their tokens kept for the board's rules) plus a revoked one. The board's
    request counter lives in the cache: each user's run starts from none."""
    from django.core.cache import cache

    from complaints.models import BoardToken, CategoryKeyword, EmergencyPhrase
    from complaints.services.intake_rules import board_token_create, board_token_revoke

    cache.clear()
    o = world.objects
    for key in ("X", "Y"):
        o[f"phrase:{key}"] = EmergencyPhrase.objects.create(
            phrase=f"漏水 {world.mark('team', key)}", language="zh-hans", property=world.props[key]
        )
        o[f"property-of:phrase:{key}"] = key
        manager = world.users["project_manager" if key == "X" else "project_manager_y"]
        board = BoardToken(property=world.props[key], name=f"TV {world.mark('team', key)}")
        o[f"token:{key}"] = board_token_create(actor=manager, board=board)
        o[f"board:{key}"] = board
        o[f"property-of:board:{key}"] = key
    o["phrase:all"] = EmergencyPhrase.objects.get(phrase="困人", property=None)
    old = BoardToken(property=world.props["X"], name="Old TV")
    o["token:revoked"] = board_token_create(actor=world.users["project_manager"], board=old)
    board_token_revoke(actor=world.users["project_manager"], board_id=old.pk)
    o["keyword:1"] = CategoryKeyword.objects.order_by("pk").first()
    from staff.models import Duty

    for key, user in (("X", world.users["agent"]), ("Y", o["user:agent_y"])):
        o[f"duty:{key}"] = Duty.objects.create(
            property=world.props[key],
            user=user,
            starts_at=REQUESTED_AT - timedelta(hours=1),
            ends_at=REQUESTED_AT + timedelta(hours=7),
        )
        o[f"property-of:duty:{key}"] = key
        o[f"version:duty:{key}"] = o[f"duty:{key}"].history.values_list("history_id", flat=True)[0]


def _quality(world: World) -> None:
    """A reply script of each property and a company-wide one, each used in a message;
    an inspection of team 1 (its closed complaint), team 2 and Y's team, each failed
    with an open corrective action; a model case of each property."""
    from complaints.models import (
        ComplaintMessage,
        CorrectiveAction,
        Inspection,
        InspectionDraw,
        ModelCase,
        ReplyScript,
    )

    o = world.objects
    for key, prop, complaint_key in (("X", "X", "A1"), ("Y", "Y", "Y"), ("HQ", None, "A1")):
        script = ReplyScript.objects.create(
            title=f"Sorry {world.mark('staff', prop) if prop else 'HQ'}",
            situation=ReplyScript.Situation.DELAY,
            property=world.props[prop] if prop else None,
            text_zh_hans="{resident}您好，非常抱歉。",
            text_en="Dear {resident}, we are very sorry.",
        )
        complaint = world.complaints[complaint_key]
        ComplaintMessage.objects.create(
            complaint=complaint,
            script=script,
            body="We are very sorry.",
            sent_by=complaint.owner,
        )
        o[f"script:{key}"] = script
        if prop:
            o[f"property-of:script:{key}"] = prop
    for key, complaint_key, prop in (("1", "AC", "X"), ("2", "A2", "X"), ("Y", "Y", "Y")):
        complaint = world.complaints[complaint_key]
        team = o[f"team:{key}"]
        draw = InspectionDraw.objects.create(
            team=team,
            month=PUBLISHED_MONTH,
            seed="matrix",
            rate_percent=5,
            minimum=3,
            population=[complaint.pk],
            sample=[complaint.pk],
        )
        inspection = Inspection.objects.create(
            draw=draw, complaint=complaint, team=team, month=PUBLISHED_MONTH
        )
        o[f"inspection:{key}"] = inspection
        o[f"action:{key}"] = CorrectiveAction.objects.create(
            inspection=inspection,
            team=team,
            leader=team.leader,
            due_at=inspection.draw.drawn_at + timedelta(days=7),
        )
        o[f"property-of:inspection:{key}"] = o[f"property-of:action:{key}"] = prop
    for key, complaint_key in (("X", "AC"), ("Y", "Y")):
        complaint = world.complaints[complaint_key]
        o[f"case:{key}"] = ModelCase.objects.create(
            complaint=complaint,
            category=complaint.category,
            written_by=complaint.owner,
            **CASE_TEXT,
        )
        o[f"property-of:case:{key}"] = key
