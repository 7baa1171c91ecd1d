"""Walk the resolver, send one request, and check what came back.

Each request runs in a savepoint that is rolled back afterwards (and the client's
cookies are put back), so every request meets the same data and a leak found by one
request cannot spill into the next. The rows before are snapshotted once; after each
request the rows are compared with them inside the savepoint.
"""

import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.utils import translation
from django_q.models import Schedule

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints.models import (
    BoardToken,
    Breach,
    Category,
    CategoryKeyword,
    Complaint,
    ComplaintMessage,
    CorrectiveAction,
    EmergencyPhrase,
    Hold,
    Inspection,
    InspectionDraw,
    ModelCase,
    MonthlySnapshot,
    Photo,
    PropertySlaOverride,
    ReplyScript,
    SlaPolicy,
    Survey,
    Webhook,
    WebhookDelivery,
    WorkdayOverride,
)
from staff.models import StaffProfile, Team

from .expect import Answer, Expect, answer_of, lookup_refused_or_ignored
from .world import RESIDENTS, World

# -- the resolver ----------------------------------------------------------------------


def url_patterns() -> list[tuple[str, str]]:
    """(key, route) of every URL pattern: the key is the namespaced name, or the route
    for a pattern without a name."""
    found: list[tuple[str, str]] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = namespace
                if item.namespace:
                    inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
                # The language prefix of i18n_patterns is left out of the route.
                own = "" if isinstance(item.pattern, LocalePrefixPattern) else str(item.pattern)
                walk(item, prefix + own, inner)
            elif isinstance(item, URLPattern):
                route = prefix + str(item.pattern)
                if item.name:
                    key = f"{namespace}:{item.name}" if namespace else item.name
                else:
                    key = route
                found.append((key, route))

    walk(get_resolver(), "", "")
    return found


# -- rows ------------------------------------------------------------------------------

User = get_user_model()
TABLES = {
    "Property": (Property, None),
    "Building": (Building, None),
    "Unit": (Unit, None),
    "Resident": (Resident, None),
    "Residency": (Residency, None),
    "Team": (Team, None),
    "StaffProfile": (StaffProfile, None),
    "Complaint": (Complaint, ["updated_at"]),
    "Photo": (Photo, None),
    "Hold": (Hold, None),
    "Breach": (Breach, None),
    "Survey": (Survey, None),
    "Category": (Category, None),
    "SlaPolicy": (SlaPolicy, None),
    "PropertySlaOverride": (PropertySlaOverride, None),
    "WorkdayOverride": (WorkdayOverride, None),
    "MonthlySnapshot": (MonthlySnapshot, None),
    "Webhook": (Webhook, None),
    "WebhookDelivery": (WebhookDelivery, None),
    "EmergencyPhrase": (EmergencyPhrase, None),
    "CategoryKeyword": (CategoryKeyword, None),
    "BoardToken": (BoardToken, ["last_used_at"]),
    "ReplyScript": (ReplyScript, None),
    "ComplaintMessage": (ComplaintMessage, None),
    "InspectionDraw": (InspectionDraw, None),
    "Inspection": (Inspection, None),
    "CorrectiveAction": (CorrectiveAction, None),
    "ModelCase": (ModelCase, None),
    "User": (User, ["last_login"]),
    "Group": (Group, None),
    "Schedule": (Schedule, None),
}
if apps.is_installed("axes"):
    from axes.models import AccessAttempt

    TABLES["AccessAttempt"] = (AccessAttempt, None)
HISTORIES = [
    Property,
    Team,
    StaffProfile,
    Complaint,
    SlaPolicy,
    PropertySlaOverride,
    Webhook,
    ReplyScript,
    Inspection,
    CorrectiveAction,
    ModelCase,
]


def _names(table: str) -> list[str]:
    model, skip = TABLES[table]
    return ["pk"] + [
        f.attname for f in model._meta.concrete_fields if f.attname not in (skip or ())
    ]


def snapshot() -> dict[str, dict]:
    """Every row that a refused request must leave alone, by table and primary key."""
    rows: dict[str, dict] = {}
    for name, (model, _skip) in TABLES.items():
        rows[name] = {values[0]: values for values in model.objects.values_list(*_names(name))}
    m2m = [
        (
            "StaffProfile.properties",
            StaffProfile.properties.through,
            "staffprofile_id",
            "property_id",
        ),
        ("Webhook.properties", Webhook.properties.through, "webhook_id", "property_id"),
        ("User.groups", User.groups.through, "user_id", "group_id"),
        ("User.user_permissions", User.user_permissions.through, "user_id", "permission_id"),
        ("Group.permissions", Group.permissions.through, "group_id", "permission_id"),
    ]
    for name, through, left, right in m2m:
        grouped = defaultdict(set)
        for a, b in through.objects.values_list(left, right):
            grouped[a].add(b)
        rows[name] = {key: frozenset(value) for key, value in grouped.items()}
    for model in HISTORIES:
        rows[f"history of {model.__name__}"] = {"rows": model.history.count()}
    return rows


def changes(before: dict, after: dict) -> list[tuple[str, object, object, object]]:
    """(table, pk, before, after) of every row added, removed or changed."""
    found = []
    for table, old in before.items():
        new = after[table]
        for pk in sorted(old.keys() | new.keys(), key=str):
            if old.get(pk) != new.get(pk):
                found.append((table, pk, old.get(pk), new.get(pk)))
    return found


def value(snap: dict, table: str, pk, attname: str):
    row = snap[table].get(pk)
    return None if row is None else row[_names(table).index(attname)]


def properties_of(table: str, pk, snap: dict) -> set:
    """The property ids a row belongs to, read from the snapshot itself ("global" for
    rows of no property)."""

    def building(building_id):
        return {value(snap, "Building", building_id, "property_id")}

    def unit(unit_id):
        return building(value(snap, "Unit", unit_id, "building_id"))

    def team(team_id):
        return {value(snap, "Team", team_id, "property_id")} if team_id else set()

    def complaint(complaint_id):
        found = {value(snap, "Complaint", complaint_id, "property_id")}
        return found | team(value(snap, "Complaint", complaint_id, "team_id"))

    def profile(profile_id):
        found = set(snap["StaffProfile.properties"].get(profile_id, ()))
        return found | team(value(snap, "StaffProfile", profile_id, "team_id"))

    if table == "Property":
        return {pk}
    if table in ("Building", "Team", "PropertySlaOverride", "MonthlySnapshot", "BoardToken"):
        return {value(snap, table, pk, "property_id")}
    if table == "EmergencyPhrase":
        if pk not in snap[table]:
            return set()
        return {value(snap, table, pk, "property_id") or "all properties"}
    if table == "Unit":
        return unit(pk)
    if table == "Residency":
        return unit(value(snap, table, pk, "unit_id"))
    if table == "Resident":
        return {
            p
            for residency in snap["Residency"]
            if value(snap, "Residency", residency, "resident_id") == pk
            for p in unit(value(snap, "Residency", residency, "unit_id"))
        }
    if table == "Complaint":
        return complaint(pk)
    if table in ("Photo", "Hold", "Breach", "Survey", "ComplaintMessage", "ModelCase"):
        return complaint(value(snap, table, pk, "complaint_id"))
    if table == "ReplyScript":
        return {value(snap, table, pk, "property_id") or "global"}
    if table in ("InspectionDraw", "Inspection", "CorrectiveAction"):
        return team(value(snap, table, pk, "team_id"))
    if table in ("StaffProfile", "StaffProfile.properties"):
        return profile(pk)
    if table in ("Webhook", "Webhook.properties"):
        return set(snap["Webhook.properties"].get(pk, ()))
    if table == "WebhookDelivery":
        return set(snap["Webhook.properties"].get(value(snap, table, pk, "webhook_id"), ()))
    if table == "AccessAttempt":
        if pk not in snap[table]:
            return set()
        username = value(snap, table, pk, "username")
        users = [u for u in snap["User"] if value(snap, "User", u, "username") == username]
        profiles = [
            p for p in snap["StaffProfile"] if value(snap, "StaffProfile", p, "user_id") in users
        ]
        return {prop for p in profiles for prop in profile(p)} or {"unknown user"}
    return {"global"}


def describe_change(change: tuple) -> str:
    table, pk, old, new = change
    if old is None:
        return f"{table} #{pk} added"
    if new is None:
        return f"{table} #{pk} deleted"
    if table in TABLES:
        diff = [
            f"{name} {a!r}→{b!r}" if name != "password" else "password changed"
            for name, a, b in zip(_names(table), old, new, strict=True)
            if a != b
        ]
        return f"{table} #{pk}: " + ", ".join(diff)[:300]
    return (
        f"{table} #{pk}: {sorted(old, key=str) if isinstance(old, frozenset) else old!r}→"
        f"{sorted(new, key=str) if isinstance(new, frozenset) else new!r}"[:300]
    )


# -- one request -----------------------------------------------------------------------


@dataclass
class Req:
    """One request of the matrix and what the rule says it must answer."""

    key: str  # the URL pattern's key in the table
    label: str
    method: str
    url: str
    expect: Expect
    data: dict | None = None
    reveal: bool = False  # a logged reveal: the full phone may be in this answer
    note: str = ""  # which pending fix of issue 10 this case is about, for the report
    record_rows: str = ""  # remember this changelist's row count under this name
    baseline: str = ""  # compare with the rows remembered under this name
    echo: str = ""  # a value of the request the page shows back (a search term): not a leak
    shows: tuple = ()  # texts an allowed answer must contain (the checks are not vacuous)


@dataclass
class Result:
    violations: list[str] = field(default_factory=list)
    requests: int = 0
    rows: dict = field(default_factory=dict)
    tables: set = field(default_factory=lambda: tracked_tables())


class _Rollback(Exception):
    pass


def body_text(response) -> str:
    """The body as text: HTML, CSV and JSON decoded; XLSX unzipped into its XML."""
    if getattr(response, "streaming", False):
        # The test client closes the response once its content is read; closing it again
        # would run close_old_connections and drop the test's PostgreSQL connection.
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("image/"):
        return ""
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith((".xml", ".rels"))
            )
    return raw.decode("utf-8", "replace")


WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)


def tracked_tables() -> set[str]:
    """The database tables `snapshot` reads: a request that writes none of them changed
    nothing the matrix guards, and needs no snapshot."""
    models = [model for model, _skip in TABLES.values()] + [m.history.model for m in HISTORIES]
    tables = {model._meta.db_table for model in models}
    for model in (StaffProfile, User, Group, Webhook):
        tables |= {f.remote_field.through._meta.db_table for f in model._meta.many_to_many}
    tables |= {
        f.remote_field.through._meta.db_table
        for m in HISTORIES
        for f in m.history.model._meta.many_to_many
    }
    tables |= {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.db_table.startswith("staff_historical")
    }
    return tables


class WriteDetector:
    """An execute wrapper noting the tables that INSERT, UPDATE or DELETE statements touch."""

    def __init__(self, tables: set[str]) -> None:
        self.tables = tables
        self.written: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) in self.tables:
            self.written.add(match.group(1))
        return execute(sql, params, many, context)


def run(client, req: Req, *, world: World, user_key: str, before: dict, result: Result) -> None:
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)  # the request may log out or replace the session
    result.requests += 1
    where = f"[{user_key}] {req.method} {req.url} ({req.label})"
    detector = WriteDetector(result.tables)
    try:
        with translation.override("en"), transaction.atomic():
            with connection.execute_wrapper(detector):
                if req.method == "GET":
                    response = client.get(req.url, req.data or {})
                else:
                    response = client.post(req.url, req.data or {})
                body = body_text(response)
            answer = answer_of(response, body)
            after = snapshot() if detector.written else before
            _check(
                req,
                answer,
                world=world,
                user_key=user_key,
                before=before,
                after=after,
                result=result,
                where=where,
            )
            raise _Rollback
    except _Rollback:
        pass
    except Exception as error:  # a 500 in production
        result.violations.append(f"{where}: raised {type(error).__name__}: {error}"[:400])
    finally:
        client.cookies = cookies


def _residents_own(change: tuple, before: dict, after: dict, world: World, user_key: str) -> bool:
    table, pk, _old, _new = change
    if table.startswith("history of "):
        return True
    resident_id = world.obj(f"resident:{RESIDENTS[user_key]}").pk
    if table == "Complaint":
        complaint_ids = {pk}
    elif table in ("Photo", "Survey", "Hold", "Breach"):
        complaint_ids = {value(snap, table, pk, "complaint_id") for snap in (before, after)}
    else:
        return False
    return all(
        value(snap, "Complaint", complaint_id, "resident_id") in (resident_id, None)
        for complaint_id in complaint_ids - {None}
        for snap in (before, after)
    )


def _check(req, answer: Answer, *, world, user_key, before, after, result, where) -> None:
    note = f"  [{req.note}]" if req.note else ""
    if req.record_rows:
        result.rows[req.record_rows] = answer.rows
    expect = req.expect
    if req.baseline:
        expect = lookup_refused_or_ignored(result.rows.get(req.baseline))
    if not expect.accepts(answer):
        got = f"{answer.status}" + (f" → {answer.location}" if answer.location else "")
        if answer.status == 200 and answer.rows is not None:
            got += f" ({answer.rows} rows)"
        result.violations.append(f"{where}: expected {expect}, got {got}{note}")
    text = "\n".join([answer.body, answer.location, *answer.messages])
    if expect.accepts(answer) and answer.status == 200:
        absent = [item for item in req.shows if item not in text]
        if absent:
            result.violations.append(
                f"{where}: allowed, but does not show {', '.join(absent)} (the matrix's "
                "own control: the page should list what the user may see)"
            )
    if req.echo:
        # Only the term itself, not a longer number that starts with it.
        text = re.sub(rf"(?<![0-9]){re.escape(req.echo)}(?![0-9])", "", text)
    for marker in world.forbidden_markers(user_key):
        if marker.text in text:
            result.violations.append(
                f"{where}: LEAK of {marker.text} ({marker.kind} of {marker.prop}"
                f"{' ' + marker.owner if marker.owner else ''}){note}"
            )
    if not req.reveal:
        for resident, phone in world.forbidden_phones(user_key).items():
            if phone in text:
                result.violations.append(
                    f"{where}: FULL PHONE of resident {resident} in the answer{note}"
                )
    changed = changes(before, after)
    if not changed:
        return
    if not expect.writes:
        listed = "; ".join(describe_change(c) for c in changed[:6])
        result.violations.append(f"{where}: WROTE ROWS although refused: {listed}{note}")
        return
    scope = {world.props[p].pk for p in world.scope(user_key)}
    own_profile = getattr(world.users[user_key], "staff_profile", None)
    for change in changed:
        table, pk, _old, _new = change
        props = properties_of(table, pk, before) | properties_of(table, pk, after)
        outside = props - scope - {"global", None}
        if user_key in RESIDENTS:
            # A resident writes only their own complaints and what hangs off them.
            outside = (
                set()
                if _residents_own(change, before, after, world, user_key)
                else {"not their own complaint"}
            )
        own = table.startswith("StaffProfile") and own_profile and pk == own_profile.pk
        own |= (
            table.startswith("User")
            and world.users[user_key] is not None
            and (pk == world.users[user_key].pk)
        )
        if outside or own:
            why = "its own profile/account" if own else f"outside its scope ({outside})"
            result.violations.append(f"{where}: WROTE {describe_change(change)} — {why}{note}")
