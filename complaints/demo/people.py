"""The demo's people: staff in every role of both properties, the named residents whose
logins the command prints, and their neighbours, who filed most of the year's
complaints. Every login shares one password."""

import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from buildings.models import Residency, Resident, Unit
from complaints.demo.places import BUILDINGS, P1, P2, Places, unit_layout
from staff.models import Role, Team
from staff.selectors import system_user
from staff.services import staff_create


@dataclass(frozen=True)
class StaffSpec:
    username: str
    surname: str
    given_name: str
    role: str
    properties: tuple[str, ...]
    team: str = ""
    leads_team: bool = False


STAFF = (
    StaffSpec("pm1", "周", "明远", Role.PROJECT_MANAGER, (P1,), Team.Kind.MANAGEMENT, True),
    StaffSpec("agent1", "王", "丽", Role.AGENT, (P1,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("agent2", "李", "婷", Role.AGENT, (P1,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("leader4", "杨", "雪", Role.TEAM_LEADER, (P1,), Team.Kind.CUSTOMER_SERVICE, True),
    StaffSpec("leader1", "陈", "建国", Role.TEAM_LEADER, (P1,), Team.Kind.ENGINEERING, True),
    StaffSpec("handler1", "张", "伟", Role.HANDLER, (P1,), Team.Kind.ENGINEERING),
    StaffSpec("leader2", "孙", "海燕", Role.TEAM_LEADER, (P1,), Team.Kind.ENVIRONMENT, True),
    StaffSpec("handler2", "刘", "芳", Role.HANDLER, (P1,), Team.Kind.ENVIRONMENT),
    StaffSpec("leader3", "赵", "刚", Role.TEAM_LEADER, (P1,), Team.Kind.SECURITY, True),
    StaffSpec("handler3", "吴", "磊", Role.HANDLER, (P1,), Team.Kind.SECURITY),
    StaffSpec("pm2", "黄", "志强", Role.PROJECT_MANAGER, (P2,), Team.Kind.MANAGEMENT, True),
    StaffSpec("agent3", "徐", "静", Role.AGENT, (P2,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("agent4", "许", "诺", Role.AGENT, (P2,), Team.Kind.CUSTOMER_SERVICE),
    StaffSpec("leader8", "高", "敏", Role.TEAM_LEADER, (P2,), Team.Kind.CUSTOMER_SERVICE, True),
    StaffSpec("leader5", "马", "俊", Role.TEAM_LEADER, (P2,), Team.Kind.ENGINEERING, True),
    StaffSpec("handler4", "朱", "涛", Role.HANDLER, (P2,), Team.Kind.ENGINEERING),
    StaffSpec("leader6", "胡", "雪梅", Role.TEAM_LEADER, (P2,), Team.Kind.ENVIRONMENT, True),
    StaffSpec("handler5", "何", "丽娟", Role.HANDLER, (P2,), Team.Kind.ENVIRONMENT),
    StaffSpec("leader7", "郭", "勇", Role.TEAM_LEADER, (P2,), Team.Kind.SECURITY, True),
    StaffSpec("handler6", "林", "峰", Role.HANDLER, (P2,), Team.Kind.SECURITY),
    StaffSpec("supervisor", "郑", "敏", Role.SUPERVISOR, (P1, P2)),
)


@dataclass(frozen=True)
class ResidentSpec:
    username: str
    surname: str
    given_name: str
    property: str
    building: str
    entrance: str
    number: str
    relation: str


OWNER, TENANT, FAMILY = Residency.Relation.values
RESIDENTS = (
    ResidentSpec("resident1", "李", "建华", P1, "1幢", "1单元", "302", OWNER),
    ResidentSpec("resident2", "王", "秀英", P1, "2幢", "1单元", "702", OWNER),
    ResidentSpec("resident3", "李", "明", P1, "1幢", "1单元", "302", FAMILY),
    ResidentSpec("resident4", "陈", "晓燕", P1, "3幢", "2单元", "1201", TENANT),
    ResidentSpec("resident5", "刘", "洋", P1, "3幢", "1单元", "701", OWNER),
    ResidentSpec("resident6", "张", "桂兰", P1, "5幢", "1单元", "1202", OWNER),
    ResidentSpec("resident7", "赵", "磊", P1, "5幢", "2单元", "301", TENANT),
    ResidentSpec("resident8", "孙", "丽", P1, "2幢", "2单元", "1202", OWNER),
    ResidentSpec("resident9", "吴", "海波", P2, "A座", "", "1801", TENANT),
    ResidentSpec("resident10", "周", "婷", P2, "B座", "", "1202", TENANT),
    ResidentSpec("resident11", "钱", "国庆", P2, "C座", "", "L2-03", OWNER),
    ResidentSpec("resident12", "冯", "佳", P2, "A座", "", "2302", TENANT),
)
NEIGHBOUR_SURNAMES = (
    "王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
    "许韩邓曹彭曾肖田董潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜"
)
NEIGHBOUR_GIVEN_NAMES = (
    "志华", "秀兰", "建军", "丽华", "国强", "海燕", "文静", "晓东", "桂芳", "永红",
    "子涵", "雨桐", "宇航", "欣怡", "俊杰", "淑珍", "德明", "春梅", "浩然", "诗琪",
    "玉兰", "立新", "佳怡", "振宇", "美玲", "思远", "红霞", "家豪", "慧敏", "伟强",
)  # fmt: skip
# Two of every three units not a named resident's are lived in.
OCCUPIED = 3, 2


def neighbours_plan() -> tuple[ResidentSpec, ...]:
    """The neighbours: one resident (owner or tenant) in most of the units no named
    resident lives in, numbered on from the named residents' usernames."""
    taken = {(r.property, r.building, r.entrance, r.number) for r in RESIDENTS}
    free = [
        (key, building, entrance, number)
        for key in (P1, P2)
        for building in BUILDINGS[key]
        for entrance, _floor, number in unit_layout(key, building)
        if (key, building, entrance, number) not in taken
    ]
    every, kept = OCCUPIED
    specs = []
    for index, place in enumerate(place for i, place in enumerate(free) if i % every < kept):
        number = len(RESIDENTS) + index + 1
        surname = NEIGHBOUR_SURNAMES[(index * 7) % len(NEIGHBOUR_SURNAMES)]
        given = NEIGHBOUR_GIVEN_NAMES[(index * 11) % len(NEIGHBOUR_GIVEN_NAMES)]
        relation = TENANT if index % 4 == 3 else OWNER
        specs.append(ResidentSpec(f"resident{number}", surname, given, *place, relation))
    return tuple(specs)


NEIGHBOURS = neighbours_plan()
DEMO_USERNAMES = (
    tuple(s.username for s in STAFF)
    + tuple(r.username for r in RESIDENTS)
    + tuple(r.username for r in NEIGHBOURS)
)
PHONE_PREFIXES = ("138", "139", "137", "135", "158", "186", "189")


@dataclass
class People:
    """Who is in the demo, by what the stories need to find them."""

    system: AbstractBaseUser
    users: dict[int, AbstractBaseUser] = field(default_factory=dict)
    agents: dict[str, list[AbstractBaseUser]] = field(default_factory=lambda: {P1: [], P2: []})
    managers: dict[str, AbstractBaseUser] = field(default_factory=dict)
    # the named residents, whose logins the command prints
    residents: dict[str, list[Resident]] = field(default_factory=lambda: {P1: [], P2: []})
    resident_units: dict[int, list[Unit]] = field(default_factory=dict)
    # every resident, named or neighbour, by username
    by_username: dict[str, Resident] = field(default_factory=dict)


def chinese_name(user: AbstractBaseUser) -> str:
    return f"{user.last_name}{user.first_name}" or user.get_username()


def people_create(places: Places, *, password_hash: str, rng: random.Random) -> People:
    """Staff (team leaders lead their teams) and residents, every login with
    `password_hash`; the system actor is among the users but keeps no password."""
    system = system_user()
    people = People(system=system, users={system.pk: system})
    _staff_create(people, places, password_hash=password_hash, rng=rng)
    _residents_create(people, places, password_hash=password_hash, rng=rng)
    return people


def _phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _password_set(user: AbstractBaseUser, password_hash: str) -> None:
    # One hash for every demo login: hashing each password separately (PBKDF2) would
    # make the command take many seconds.
    user.password = password_hash
    user.save(update_fields=["password"])


def _staff_create(
    people: People, places: Places, *, password_hash: str, rng: random.Random
) -> None:
    for spec in STAFF:
        team = places.teams[spec.properties[0], spec.team] if spec.team else None
        # password=None keeps staff_create from hashing; the shared hash is set below.
        user = staff_create(
            username=spec.username,
            password=None,
            role=spec.role,
            properties=[places.properties[key] for key in spec.properties],
            team=team,
            first_name=spec.given_name,
            last_name=spec.surname,
            email=f"{spec.username}@example.com",
            phone=_phone(rng),
        )
        _password_set(user, password_hash)
        people.users[user.pk] = user
        if spec.leads_team:
            team.leader = user
            team.save()
        if spec.role == Role.AGENT:
            people.agents[spec.properties[0]].append(user)
        if spec.role == Role.PROJECT_MANAGER:
            people.managers[spec.properties[0]] = user


def _residents_create(
    people: People, places: Places, *, password_hash: str, rng: random.Random
) -> None:
    by_username = people.by_username
    named = {spec.username for spec in RESIDENTS}
    for spec in (*RESIDENTS, *NEIGHBOURS):
        resident = by_username.get(spec.username)
        if resident is None:
            user = get_user_model().objects.create_user(
                username=spec.username,
                password=None,
                first_name=spec.given_name,
                last_name=spec.surname,
            )
            _password_set(user, password_hash)
            resident = Resident.objects.create(
                user=user, name=f"{spec.surname}{spec.given_name}", phone=_phone(rng)
            )
            by_username[spec.username] = resident
            if spec.username in named:
                people.residents[spec.property].append(resident)
            people.users[user.pk] = user
        unit = places.units[spec.property, spec.building, spec.entrance, spec.number]
        Residency.objects.create(resident=resident, unit=unit, relation=spec.relation)
        people.resident_units.setdefault(resident.pk, []).append(unit)
