"""Data at scale for benchmarks and load tests (`manage.py seed_scale`): properties,
buildings, 25,000 units, their residents, staff in every role and N complaints over the
24 months before now, written straight into the tables (COPY on PostgreSQL); the services
are bypassed so that a million complaints take minutes, not days.

What the rows look like, as the services would have left them:
- ids follow the filing time; filings double over the two years;
- the state by age: most of the last days' complaints open, ~8 % of the older ones
  stuck open (late, with their breaches); ~10 % open in all; the rest closed, revisited
  after their call, withdrawn or merged;
- every deadline from the SLA policies (level III through the working-day calendar), and
  for the open ones `next_due_at` and `sla_next_at` from `sla.refresh_schedule`, as the
  sweep leaves them; a breach row for every deadline met late or passed unmet;
- a tenth of the open field work still in time on hold; surveys sent for most closed complaints and
  answered for most of those; two history rows per complaint (filing and the latest
  change).

Logins (one password, `--password`): `admin` (superuser), `manager1`…, `supervisor1`,
`leader1`…, `agent1`…, `handler1`…, `resident1`…; `manager1`, `agent1` and `handler1`
work at the first property, `handler1` in its engineering team.
"""

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.duration import duration_microseconds

from buildings.models import Building, Property, Residency, Resident, Unit
from complaints import sla
from complaints.models import (
    Breach,
    Category,
    Channel,
    Complaint,
    Hold,
    Level,
    State,
    Survey,
    Transition,
)
from complaints.reasons import SystemReason, system_reason
from complaints.sla.deadlines import windows_for
from complaints.sla.workdays import add_working_days
from staff.models import Role, Team
from staff.services import staff_create

PROPERTIES = 8
UNITS = 25_000
MONTHS = 24
BATCH = 20_000
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FIELD_TEAMS = (Team.Kind.ENGINEERING, Team.Kind.ENVIRONMENT, Team.Kind.SECURITY)
AGENTS_PER_PROPERTY = 3
HANDLERS_PER_TEAM = 2
CHANNELS = {
    Channel.WEB: 45,
    Channel.APP: 20,
    Channel.PHONE: 25,
    Channel.WALK_IN: 5,
    Channel.PAPER: 2,
    Channel.COMMITTEE: 2,
    Channel.IOT: 1,
}
FROM_RESIDENT = (Channel.WEB, Channel.APP)
DESCRIPTIONS = {
    "elevator": ["电梯异响，运行时抖动", "电梯按钮失灵，到不了{floor}楼", "电梯门关不上"],
    "water-power": ["家里停水了，没有通知", "楼道跳闸，整层没电", "水压太低，热水器打不着"],
    "lighting": ["楼道灯坏了，晚上很黑", "地库照明一半不亮", "单元门口路灯不亮"],
    "leak": ["卫生间天花板漏水", "楼上渗水到我家墙面", "地下室水管爆了在漏水"],
    "fire-safety": ["消防通道被杂物堵住", "灭火器过期了", "烟感一直在响"],
    "garbage": ["垃圾桶满了没人清", "垃圾房很臭", "装修垃圾堆在楼下"],
    "cleaning": ["楼道很脏，很久没打扫", "电梯里有宠物粪便", "大堂地面湿滑"],
    "greening": ["草坪很久没修剪", "树枝挡住窗户", "绿化带有积水蚊子多"],
    "parking": ["车位被人占了", "地库道闸坏了", "消防通道停满车"],
    "outsiders": ["陌生人在楼道发广告", "外卖员随意进出小区", "晚上有人翻墙"],
    "safety-hazard": ["外墙瓷砖松动有掉落危险", "井盖缺失", "阳台栏杆松了"],
    "neighbour-dispute": ["楼上半夜噪音太大", "邻居在楼道堆放杂物", "邻居养狗不拴绳"],
    "fees": ["物业费账单金额不对", "停车费多收了", "发票一直没开"],
    "service-attitude": ["前台态度很差", "保安说话不礼貌", "维修师傅迟到还不道歉"],
    "suggestion": ["建议增加快递柜", "建议周末延长服务时间", "建议增加儿童游乐设施"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]


@dataclass
class Staff:
    manager: int
    agents: list[int]
    leaders: dict[str, int]
    handlers: dict[str, list[int]]
    teams: dict[str, int]


def rows_write(model: type[models.Model], rows: list[dict]) -> int:
    """Insert rows (dicts by attribute name; missing columns take the field's default)
    into the model's table: COPY on PostgreSQL, batched INSERTs elsewhere. Rows without
    a primary key get the database's."""
    if not rows:
        return 0
    pk = model._meta.pk
    fields = [
        field for field in model._meta.concrete_fields if field is not pk or pk.attname in rows[0]
    ]
    defaults = {field.attname: _default(field) for field in fields}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(name, defaults[name]) for name in defaults])
                    written += 1
            return written
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        prepare = [(field.attname, _sqlite_prep(field)) for field in fields]
        for batch in _batches(rows, BATCH):
            values = []
            for row in batch:
                line = []
                for name, prep in prepare:
                    value = row.get(name, defaults[name])
                    line.append(prep(value) if prep and value is not None else value)
                values.append(line)
            cursor.executemany(sql, values)
            written += len(batch)
    return written


def _sqlite_prep(field: models.Field) -> Callable | None:
    """What Django's SQLite backend stores for our values, without its per-value checks:
    datetimes as naive UTC text, durations as microseconds."""
    if isinstance(field, models.DateTimeField):
        return lambda value: str(value.astimezone(UTC).replace(tzinfo=None))
    if isinstance(field, models.DurationField):
        return duration_microseconds
    return None


def _default(field: models.Field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return None


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def sequences_reset(*model_classes: type[models.Model]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), model_classes)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class ScaleSeeder:
    def __init__(
        self,
        *,
        complaints: int,
        password: str,
        seed: int = 2026,
        now: datetime | None = None,
        units: int = UNITS,
        log: Callable[[str], None] = print,
    ) -> None:
        self.total = complaints
        self.password = password
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.unit_total = units
        self.log = log
        self.figures: Counter[str] = Counter()
        self._workday_dues: dict[tuple[date, int], datetime] = {}

    def run(self) -> Counter:
        with transaction.atomic():
            self._places()
            self._people()
            self._windows()
            self._complaints()
            sequences_reset(Complaint, Complaint.history.model, Breach, Hold, Survey)
        with connection.cursor() as cursor:
            # As autovacuum leaves a running system: statistics and, on PostgreSQL, the
            # visibility map, without which an index-only scan reads the table too (the
            # superuser's queue counts at a million: 140 ms of SQL, 23 vacuumed).
            # VACUUM cannot run inside a caller's transaction; ANALYZE alone then.
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        return self.figures

    # Places and people ------------------------------------------------------------------

    def _places(self) -> None:
        properties = Property.objects.bulk_create(
            Property(
                name=f"Scale Garden {n}",
                kind=Property.Kind.RESIDENTIAL,
                city="Shanghai",
                address=f"{n} Scale Road",
            )
            for n in range(1, PROPERTIES + 1)
        )
        per_property = max(1, self.unit_total // PROPERTIES)
        buildings_each = max(1, per_property // 125)
        doors = max(1, -(-per_property // (buildings_each * 25)))
        Building.objects.bulk_create(
            Building(property=prop, name=f"{b}号楼")
            for prop in properties
            for b in range(1, buildings_each + 1)
        )
        self.buildings: dict[int, list[int]] = {prop.pk: [] for prop in properties}
        for building_id, property_id in Building.objects.filter(
            property__in=properties
        ).values_list("pk", "property_id"):
            self.buildings[property_id].append(building_id)
        Unit.objects.bulk_create(
            (
                Unit(
                    building_id=building_id, entrance="1", floor=floor, number=f"{floor}{door:02d}"
                )
                for building_ids in self.buildings.values()
                for building_id in building_ids
                for floor in range(1, 26)
                for door in range(1, doors + 1)
            ),
            batch_size=5_000,
        )
        self.units: dict[int, list[tuple[int, int, str]]] = {prop.pk: [] for prop in properties}
        building_property = {
            b: p for p, building_ids in self.buildings.items() for b in building_ids
        }
        for unit_id, building_id, number in Unit.objects.filter(
            building__property__in=properties
        ).values_list("pk", "building_id", "number"):
            self.units[building_property[building_id]].append((unit_id, building_id, number))
        self.properties = [prop.pk for prop in properties]
        # Bigger and smaller estates: the first property files the most.
        self.property_weights = [PROPERTIES + 4 - n for n in range(PROPERTIES)]
        self.figures["properties"] = len(properties)
        self.figures["units"] = sum(len(units) for units in self.units.values())

    def _people(self) -> None:
        User = get_user_model()
        hashed = make_password(self.password)
        self.staff: dict[int, Staff] = {}
        counters = Counter()
        with override_settings(PASSWORD_HASHERS=FAST_HASHER):
            admin = User.objects.create_superuser("admin", "admin@example.invalid", "-")
            staff_create(
                username="supervisor1",
                password="-",
                role=Role.SUPERVISOR,
                properties=Property.objects.filter(pk__in=self.properties),
            )
            for property_id in self.properties:
                prop = Property(pk=property_id)
                teams = {
                    kind: Team.objects.create(property=prop, name=kind.label, kind=kind).pk
                    for kind in (Team.Kind.CUSTOMER_SERVICE, *FIELD_TEAMS)
                }
                manager = self._staff_create(counters, prop, Role.PROJECT_MANAGER, "manager")
                leaders = {
                    kind: self._staff_create(counters, prop, Role.TEAM_LEADER, "leader", team)
                    for kind, team in teams.items()
                }
                Team.objects.bulk_update(
                    [Team(pk=teams[kind], leader_id=leaders[kind]) for kind in teams], ["leader"]
                )
                agents = [
                    self._staff_create(
                        counters, prop, Role.AGENT, "agent", teams[Team.Kind.CUSTOMER_SERVICE]
                    )
                    for _ in range(AGENTS_PER_PROPERTY)
                ]
                handlers = {
                    kind: [
                        self._staff_create(counters, prop, Role.HANDLER, "handler", teams[kind])
                        for _ in range(HANDLERS_PER_TEAM)
                    ]
                    for kind in FIELD_TEAMS
                }
                self.staff[property_id] = Staff(manager, agents, leaders, handlers, teams)
        self.system_id = admin.pk
        self.figures["staff"] = User.objects.filter(is_staff=True).count()

        users, residents, residencies = [], [], []
        self.unit_residents: dict[int, int] = {}
        number = 0
        for units in self.units.values():
            for unit_id, _building_id, _unit_number in units:
                number += 1
                users.append(User(username=f"resident{number}", password=hashed))
                residents.append(
                    Resident(
                        name=self.rng.choice(SURNAMES) + self.rng.choice(GIVEN),
                        phone=f"13{self.rng.randint(100000000, 999999999)}",
                    )
                )
                residencies.append(unit_id)
        User.objects.bulk_create(users, batch_size=5_000)
        user_ids = dict(
            User.objects.filter(username__startswith="resident").values_list("username", "pk")
        )
        for index, resident in enumerate(residents, start=1):
            resident.user_id = user_ids[f"resident{index}"]
        Resident.objects.bulk_create(residents, batch_size=5_000)
        resident_ids = dict(
            Resident.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "pk")
        )
        Residency.objects.bulk_create(
            (
                Residency(
                    resident_id=resident_ids[user_ids[f"resident{index}"]],
                    unit_id=unit_id,
                    relation=Residency.Relation.OWNER,
                )
                for index, unit_id in enumerate(residencies, start=1)
            ),
            batch_size=5_000,
        )
        for index, unit_id in enumerate(residencies, start=1):
            self.unit_residents[unit_id] = resident_ids[user_ids[f"resident{index}"]]
        self.resident_names = dict(
            Resident.objects.filter(pk__in=resident_ids.values()).values_list("pk", "name")
        )
        User.objects.filter(is_staff=True).update(password=hashed)
        self.figures["residents"] = len(residents)

    def _staff_create(
        self, counters: Counter, prop: Property, role: str, prefix: str, team: int | None = None
    ) -> int:
        counters[prefix] += 1
        return staff_create(
            username=f"{prefix}{counters[prefix]}",
            password="-",
            role=role,
            properties=[prop],
            team=Team(pk=team) if team else None,
            last_name=self.rng.choice(SURNAMES),
            first_name=self.rng.choice(GIVEN),
        ).pk

    # Deadlines ----------------------------------------------------------------------------

    def _windows(self) -> None:
        self.windows = {
            (property_id, level): windows_for(property_id=property_id, level=level)
            for property_id in self.properties
            for level in Level.values
        }
        categories = Category.objects.filter(is_active=True, parent__isnull=False).values_list(
            "pk", "code", "default_team_kind", "default_level"
        )
        top = Category.objects.filter(is_active=True, parent__isnull=True, children__isnull=True)
        self.categories = list(categories) + list(
            top.values_list("pk", "code", "default_team_kind", "default_level")
        )

    def _resolve_due(self, property_id: int, level: int, start: datetime) -> datetime:
        windows = self.windows[property_id, level]
        if not windows.resolve_working_days:
            return start + windows.resolve
        key = (timezone.localdate(start), windows.resolve_working_days)
        if key not in self._workday_dues:
            self._workday_dues[key] = add_working_days(start, windows.resolve_working_days)
        return self._workday_dues[key]

    # Complaints -------------------------------------------------------------------------

    def _filing_times(self) -> list[datetime]:
        """N moments over the 24 months before now, more in recent months, sorted."""
        span = timedelta(days=30 * MONTHS).total_seconds()
        rng = self.rng
        # A density that doubles from the first day to now, drawn by inverting its
        # distribution function: x in [0, 1], 1 being now.
        ages = sorted(
            (span * (2 - (1 + 3 * rng.random()) ** 0.5) for _ in range(self.total)), reverse=True
        )
        return [self.now - timedelta(seconds=age) for age in ages]

    def _complaints(self) -> None:
        history_model = Complaint.history.model
        complaints: list[dict] = []
        history: list[dict] = []
        breaches: list[dict] = []
        holds: list[dict] = []
        surveys: list[dict] = []
        history_id = 0
        for pk, created in enumerate(self._filing_times(), start=1):
            row, extra = self._complaint(pk, created)
            complaints.append(row)
            breaches += extra["breaches"]
            holds += extra["holds"]
            surveys += extra["surveys"]
            base = {
                key: value
                for key, value in row.items()
                if key not in ("sla_next_at", "next_due_at", "updated_at")
            }
            history_id += 1
            history.append(
                {
                    **base,
                    "history_id": history_id,
                    "id": pk,
                    "state": State.NEW,
                    "history_date": created,
                    "history_type": "+",
                    "history_user_id": row["created_by_id"],
                    "transition": Transition.CREATE,
                }
            )
            if row["state"] != State.NEW:
                history_id += 1
                history.append(
                    {
                        **base,
                        "history_id": history_id,
                        "id": pk,
                        "history_date": extra["changed_at"],
                        "history_type": "~",
                        "history_user_id": row["owner_id"] or self.system_id,
                        "transition": extra["transition"],
                        "history_change_reason": row.get("close_reason") or None,
                    }
                )
            if len(complaints) >= BATCH:
                self._flush(complaints, history, breaches, holds, surveys, history_model)
                self.log(f"  {pk:,} complaints")
        self._flush(complaints, history, breaches, holds, surveys, history_model)

    def _flush(self, complaints, history, breaches, holds, surveys, history_model) -> None:
        for model, rows, name in (
            (Complaint, complaints, "complaints"),
            (history_model, history, "history rows"),
            (Breach, breaches, "breaches"),
            (Hold, holds, "holds"),
            (Survey, surveys, "surveys"),
        ):
            self.figures[name] += rows_write(model, rows)
            rows.clear()

    def _state(self, age: timedelta) -> str:
        rng = self.rng
        days = age.total_seconds() / 86400
        open_share = 0.95 if days < 1 else 0.6 if days < 7 else 0.25 if days < 45 else 0.075
        draw = rng.random()
        if draw < open_share:
            if days < 0.05:
                weights = {
                    State.NEW: 4,
                    State.ACCEPTED: 2,
                    State.CLASSIFIED: 2,
                    State.DISPATCHED: 2,
                }
            elif days < 2:
                weights = {
                    State.NEW: 1,
                    State.ACCEPTED: 1,
                    State.CLASSIFIED: 2,
                    State.DISPATCHED: 10,
                    State.HANDLED: 4,
                }
            else:
                weights = {
                    State.CLASSIFIED: 1,
                    State.DISPATCHED: 8,
                    State.HANDLED: 2,
                    State.REOPENED: 1,
                }
            return rng.choices(list(weights), list(weights.values()))[0]
        draw = rng.random()
        if draw < 0.03:
            return State.WITHDRAWN
        if draw < 0.04:
            return State.MERGED
        revisited = 0.99 if days > 7 else 0.85 if days > 3 else 0
        return State.REVISITED if rng.random() < revisited else State.CLOSED

    def _complaint(self, pk: int, created: datetime) -> tuple[dict, dict]:
        rng, now = self.rng, self.now
        property_id = rng.choices(self.properties, self.property_weights)[0]
        staff = self.staff[property_id]
        category_id, code, team_kind, default_level = rng.choice(self.categories)
        channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
        state = self._state(now - created)
        unit_id = building_id = resident_id = None
        location_text = ""
        if rng.random() < 0.8:
            unit_id, building_id, unit_number = rng.choice(self.units[property_id])
            resident_id = self.unit_residents[unit_id]
            floor = unit_number[:-2]
        else:
            building_id = rng.choice(self.buildings[property_id])
            location_text = rng.choice(["大堂", "地库", "电梯厅", "小区正门", "花园"])
            floor = "1"
        if channel not in FROM_RESIDENT and rng.random() < 0.5:
            resident_id = None
        level = default_level if rng.random() < 0.8 else rng.choice((2, 2, 3, 1))
        suspected = level == Level.I and rng.random() < 0.5
        row = {
            "id": pk,
            "channel": channel,
            "property_id": property_id,
            "building_id": building_id,
            "unit_id": unit_id,
            "location_text": location_text,
            "description": rng.choice(DESCRIPTIONS.get(code, ["问题需要处理"])).format(floor=floor),
            "resident_id": resident_id,
            "contact_name": self.resident_names.get(resident_id, rng.choice(SURNAMES) + "先生"),
            "contact_phone": f"13{rng.randint(100000000, 999999999)}",
            "created_by_id": self.system_id,
            "created_at": created,
            "updated_at": created,
            "state": state,
            "suspected_emergency": suspected,
            "emergency_phrase": "困人" if suspected else "",
        }
        extra = {"breaches": [], "holds": [], "surveys": [], "changed_at": created}
        windows_first = self.windows[property_id, level].first_response
        if state == State.NEW:
            row["first_response_due"] = created + (
                self.windows[property_id, Level.I if suspected else default_level].first_response
            )
            if not suspected:
                row["suspected_emergency"] = False
            row["category_id"] = category_id if channel in FROM_RESIDENT else None
            extra["transition"] = Transition.CREATE
            return row, extra
        # Accepted, classified and dispatched within the first response, but for some.
        owner = rng.choice(staff.agents)
        late_response = rng.random() < 0.04
        dispatched = created + windows_first * (
            rng.uniform(1.0, 2.0) if late_response else rng.uniform(0.2, 0.95)
        )
        accepted = created + (dispatched - created) * rng.uniform(0.1, 0.4)
        classified = accepted + (dispatched - accepted) * rng.uniform(0.2, 0.8)
        row.update(
            owner_id=owner,
            category_id=category_id,
            level=level,
            accepted_at=accepted,
            sla_started_at=created,
            first_response_due=created + windows_first,
        )
        windows = self.windows[property_id, level]
        on_site_due = created + windows.on_site if windows.on_site else None
        resolve_due = self._resolve_due(property_id, level, created)
        row["on_site_due"] = on_site_due
        row["resolve_due"] = resolve_due
        if state in (State.WITHDRAWN, State.MERGED):
            moment = min(now, accepted + timedelta(hours=rng.uniform(0.2, 30)))
            if state == State.WITHDRAWN:
                row["withdrawn_at"] = moment
            else:
                row["merged_at"] = moment
                row["merged_into_id"] = max(1, pk - rng.randint(1, 50)) if pk > 1 else None
                if row["merged_into_id"] is None:
                    row["state"] = state = State.WITHDRAWN
                    row["withdrawn_at"] = moment
            extra["changed_at"] = moment
            extra["transition"] = (
                Transition.WITHDRAW if state == State.WITHDRAWN else Transition.MERGE
            )
            row["updated_at"] = moment
            return row, extra
        row["classified_at"] = min(classified, now)
        if state in (State.ACCEPTED,):
            row.update(classified_at=None, category_id=None, level=None, first_response_due=None)
            row.update(on_site_due=None, resolve_due=None, sla_started_at=None)
            row["first_response_due"] = created + windows_first
            extra["transition"] = Transition.ACCEPT
            extra["changed_at"] = accepted
            return row, extra
        team_kind = team_kind if team_kind in staff.teams else Team.Kind.CUSTOMER_SERVICE
        team = staff.teams[team_kind]
        if state == State.CLASSIFIED:
            extra["transition"] = Transition.CLASSIFY
            extra["changed_at"] = row["classified_at"]
            self._schedule(row, extra)
            return row, extra
        # Dispatched or later.
        dispatched = min(dispatched, now)
        row.update(team_id=team, dispatched_at=dispatched)
        if team_kind in staff.handlers and rng.random() < 0.8:
            row["assignee_id"] = rng.choice(staff.handlers[team_kind])
        window = resolve_due - created
        late = rng.random() < 0.06
        handled = dispatched + (
            window * rng.uniform(1.0, 1.6) if late else window * rng.uniform(0.1, 0.9)
        )
        if on_site_due is not None:
            row["on_site_at"] = dispatched + (on_site_due - dispatched) * rng.uniform(0.2, 1.3)
        if state == State.DISPATCHED or handled > now:
            row["state"] = state = State.DISPATCHED
            if row.get("on_site_at") and row["on_site_at"] > now:
                row["on_site_at"] = None
            if level != Level.I and rng.random() < 0.1 and resolve_due > now:
                self._hold(row, extra, dispatched)
            extra["transition"] = Transition.DISPATCH
            extra["changed_at"] = dispatched
            self._schedule(row, extra)
            return row, extra
        row["handled_at"] = handled
        row["resolution_note"] = "已处理完毕"
        extra["changed_at"] = handled
        if state == State.HANDLED:
            extra["transition"] = Transition.HANDLE
            self._schedule(row, extra)
            return row, extra
        closed = handled + timedelta(hours=rng.uniform(1, 72))
        if state == State.REOPENED or closed > now:
            if state == State.REOPENED:
                return self._reopened(row, extra, handled, now)
            row["state"] = State.HANDLED
            extra["transition"] = Transition.HANDLE
            self._schedule(row, extra)
            return row, extra
        row.update(
            closed_at=closed,
            close_reason=system_reason(SystemReason.RESIDENT_CONFIRMED),
            revisit_due_at=closed + timedelta(hours=48),
        )
        extra.update(changed_at=closed, transition=Transition.CLOSE)
        if state == State.REVISITED:
            revisited = closed + timedelta(hours=rng.uniform(2, 47))
            if revisited < now:
                row.update(revisited_at=revisited, revisit_note="住户表示满意")
                extra.update(changed_at=revisited, transition=Transition.REVISIT)
            else:
                row["state"] = State.CLOSED
        if rng.random() < 0.7:
            sent = closed + timedelta(hours=rng.uniform(1, 24))
            if sent < now:
                answered = rng.random() < 0.75
                scores = [rng.randint(50, 100) if late else rng.randint(70, 100) for _ in range(3)]
                extra["surveys"].append(
                    {
                        "complaint_id": pk,
                        "cycle": 0,
                        "sent_at": sent,
                        "submitted_at": sent + timedelta(hours=rng.uniform(0.5, 20))
                        if answered
                        else None,
                        "solved": scores[0] if answered else None,
                        "speed": scores[1] if answered else None,
                        "attitude": scores[2] if answered else None,
                    }
                )
        row["updated_at"] = extra["changed_at"]
        self._late_breaches(row, extra)
        return row, extra

    def _reopened(self, row, extra, handled, now):
        rng = self.rng
        reopened = handled + timedelta(hours=rng.uniform(2, 48))
        reopened = min(reopened, now - timedelta(minutes=5))
        row.update(
            state=State.REOPENED,
            reopen_count=1,
            reopened_at=reopened,
            handled_at=None,
            on_site_at=None,
            sla_started_at=reopened,
        )
        property_id, level = row["property_id"], row["level"]
        windows = self.windows[property_id, level]
        row["first_response_due"] = reopened + windows.first_response
        row["on_site_due"] = reopened + windows.on_site if windows.on_site else None
        row["resolve_due"] = self._resolve_due(property_id, level, reopened)
        row["dispatched_at"] = min(reopened + timedelta(minutes=rng.uniform(5, 40)), now)
        extra.update(changed_at=reopened, transition=Transition.REOPEN)
        self._schedule(row, extra)
        return row, extra

    def _hold(self, row, extra, dispatched) -> None:
        rng, now = self.rng, self.now
        started = dispatched + (now - dispatched) * rng.uniform(0.2, 0.9)
        until = now + timedelta(hours=rng.uniform(2, 72))
        row.update(held_since=started, held_until=until)
        extra["holds"].append(
            {
                "complaint_id": row["id"],
                "reason": rng.choice(Hold.Reason.values),
                "note": "等待配件",
                "started_at": started,
                "expected_resume_at": until,
                "started_by_id": row["owner_id"],
            }
        )

    def _schedule(self, row: dict, extra: dict) -> None:
        """An open complaint: its next deadline and next sweep as the sweep leaves them,
        and the breaches the sweep has recorded so far."""
        complaint = Complaint(**{key: value for key, value in row.items() if key != "id"})
        sla.refresh_schedule(complaint, now=self.now, swept=True)
        row["next_due_at"] = complaint.next_due_at
        row["sla_next_at"] = complaint.sla_next_at
        row["updated_at"] = extra["changed_at"]
        self._late_breaches(row, extra, complaint=complaint)

    def _late_breaches(self, row: dict, extra: dict, complaint=None) -> None:
        """The breaches the sweep would have recorded: deadlines met late
        (`sla.late_breaches`) and those still open past their due moment, each detected
        30 s after it and escalated one window later where that moment has passed."""
        now = self.now
        if complaint is None:
            complaint = Complaint(**{key: value for key, value in row.items() if key != "id"})
        if complaint.sla_started_at is None or complaint.level is None:
            return
        complaint.pk = row["id"]
        breaches = sla.late_breaches(complaint, now=now) + [
            sla.breach_of(complaint, deadline=times.deadline, due_at=times.due_at, detected_at=now)
            for times in sla.open_deadlines(complaint)
            if times.due_at <= now
        ]
        for breach in breaches:
            breach.detected_at = breach.due_at + timedelta(seconds=30)
            if breach.escalate_at <= now:
                breach.escalated_to_manager_at = breach.escalate_at
            extra["breaches"].append(
                {
                    field.attname: getattr(breach, field.attname)
                    for field in Breach._meta.concrete_fields
                    if not field.primary_key
                }
            )
