"""The report fixtures: February 2025 of Lakeside Garden built by hand.

Complaints are filed and moved through the real services, then their timestamps,
deadlines, breaches and surveys are set to chosen values (`.update()` on timestamp
columns only; the state only ever changes through the services). The clock is frozen
on 2025-03-10 (root conftest), so February is over and not published yet.

Closed in February (local time), with the figures every test asserts:

    ref team        owner  lvl category     place         on time   reopened repeat survey  hours
    E1  Engineering agent  I   Door bell    B3 unit 1201  yes       no       yes    90/90/90    2
    E2  Engineering agent  II  Door bell    B3 unit 1201  BREACH    no       yes    60/70/80   30
    E3  Engineering agent2 II  Door bell    B3 unit 1202  yes       yes      no     —         384
    E4  Engineering agent2 II  Corridor     B3 unit 1202  yes       no       no     100×3      12
    E5  Engineering agent  III Corridor     B3 common     yes       no       no     —          96
    V1  Environment agent2 II  Cleaning     B3 common     BREACH×2  yes      no     50/50/50   30
    V2  Environment agent2 II  Cleaning     B3 common     BREACH    no       no     —          36
    V3  Environment agent  II  Cleaning     B5 unit 501   yes       no       no     80/80/80    4
    S1  Security    agent  II  Parking      B5 unit 502   yes       no       no     70/80/90   10
    S2  Security    agent  I   Fire alarm   B5 unit 502   yes       no       no     —           1

Around them: R1 (Door bell, unit 1201, filed 15 Jan, open) makes R1+E1+E2 a repeat
problem on 10 Feb (E2's filing): all three count as February's repeat problems, R1 too;
T1 (27 Jan) and T2 (28 Feb) about Parking in unit 502 are 32 days apart, so S1 between
them is no repeat problem in February, and T3 (3 Mar) makes S1+T2+T3 one in March;
V4 (Garbage, B5 common, open, breached, due 22 Feb) is not closed, so no figure counts
it, the talk rule neither (Environment's closed V1, V2 late and V3 on time are no
streak); the talk tests close it on 23 February (`v4_closed`), completing Environment's
streak V1 → V2 → V4 (约谈); X1 closed 31 Jan 23:50 (January, survey 60×3) and X2 closed
1 Mar 00:00 (March) sit on the month's edges; W1 was filed in February and withdrawn;
O1 is another property's breached complaint closed in February.
"""

import pytest
from factories import (
    BuildingFactory,
    CategoryFactory,
    ComplaintFactory,
    HandlerFactory,
    TeamFactory,
    UnitFactory,
)
from report_month import Case, at, build, feb

from complaints import services
from complaints.models import Complaint, Deadline
from staff.models import Team


@pytest.fixture
def security(prop):
    return TeamFactory(property=prop, name="Security", kind=Team.Kind.SECURITY)


@pytest.fixture
def env_handler(environment):
    return HandlerFactory(username="cleaner", team=environment, first_name="Mei", last_name="Lin")


@pytest.fixture
def guard(security):
    return HandlerFactory(username="guard", team=security, first_name="Bo", last_name="Guo")


@pytest.fixture
def categories(db):
    names = {
        "doorbell": "Door bell",
        "corridor": "Corridor light",
        "cleaning": "Cleaning",
        "garbage": "Garbage",
        "parking": "Parking",
        "fire": "Fire alarm",
    }
    return {
        key: CategoryFactory(code=f"report-{key}", name_en=name, name_zh_hans=f"{name}（中）")
        for key, name in names.items()
    }


@pytest.fixture
def month(
    now,
    prop,
    building,
    unit,
    resident,
    agent,
    agent2,
    handler,
    env_handler,
    guard,
    engineering,
    environment,
    security,
    customer_service,
    team_leader,
    categories,
    other_agent,
    other_engineering,
):
    """February 2025 as described in the module docstring; returns the complaints by
    their reference letters."""
    cat = categories
    b3 = building  # "Building 3"; `unit` is its unit 1201, the resident's home
    u1202 = UnitFactory(building=b3, entrance="2", floor=12, number="1202")
    b5 = BuildingFactory(property=prop, name="Building 5")
    u501 = UnitFactory(building=b5, entrance="1", floor=5, number="501")
    u502 = UnitFactory(building=b5, entrance="1", floor=5, number="502")
    u503 = UnitFactory(building=b5, entrance="1", floor=5, number="503")
    eng = {"team": engineering, "handler": handler}
    env = {"team": environment, "handler": env_handler}
    sec = {"team": security, "handler": guard}
    resolve = Deadline.RESOLVE
    cases = {
        "E1": Case(**eng, owner=agent, category=cat["doorbell"], level=1, unit=unit,
                   created=feb(3), handled=feb(3, 11), closed=feb(4), resolve_due=feb(3, 11),
                   survey=(90, 90, 90)),
        "E2": Case(**eng, owner=agent, category=cat["doorbell"], level=2, unit=unit,
                   created=feb(10), handled=feb(11, 15), closed=feb(12), resolve_due=feb(11),
                   breaches=((resolve, feb(11)),), survey=(60, 70, 80)),
        "E3": Case(**eng, owner=agent2, category=cat["doorbell"], level=2, unit=u1202,
                   created=at(1, 20), handled=feb(5), closed=feb(6), resolve_due=feb(5),
                   reopen=True),
        "E4": Case(**eng, owner=agent2, category=cat["corridor"], level=2, unit=u1202,
                   created=feb(14), handled=feb(14, 21), closed=feb(15), resolve_due=feb(15),
                   survey=(100, 100, 100)),
        "E5": Case(**eng, owner=agent, category=cat["corridor"], level=3, building=b3,
                   created=at(1, 27), handled=at(1, 31), closed=feb(1, 0, 10),
                   resolve_due=feb(3)),
        "V1": Case(**env, owner=agent2, category=cat["cleaning"], level=2, building=b3,
                   created=feb(2), handled=feb(3, 15), closed=feb(4), resolve_due=feb(3),
                   reopen=True, survey=(50, 50, 50),
                   breaches=((Deadline.FIRST_RESPONSE, feb(2, 11)), (resolve, feb(3)))),
        "V2": Case(**env, owner=agent2, category=cat["cleaning"], level=2, building=b3,
                   created=feb(20), handled=feb(21, 21), closed=feb(22), resolve_due=feb(21),
                   breaches=((resolve, feb(21)),)),
        "V3": Case(**env, owner=agent, category=cat["cleaning"], level=2, unit=u501,
                   created=feb(24), handled=feb(24, 13), closed=feb(25), resolve_due=feb(25),
                   survey=(80, 80, 80)),
        "V4": Case(**env, owner=agent, category=cat["garbage"], level=2, building=b5,
                   created=feb(21), resolve_due=feb(22), breaches=((resolve, feb(22)),)),
        "S1": Case(**sec, owner=agent, category=cat["parking"], level=2, unit=u502,
                   created=feb(16), handled=feb(16, 19), closed=feb(17), resolve_due=feb(17),
                   survey=(70, 80, 90)),
        "S2": Case(**sec, owner=agent, category=cat["fire"], level=1, unit=u502,
                   created=feb(26), handled=feb(26, 10), closed=feb(27),
                   resolve_due=feb(26, 11)),
        "R1": Case(**eng, owner=agent, category=cat["doorbell"], level=2, unit=unit,
                   created=at(1, 15), resolve_due=at(1, 16)),
        "T1": Case(**sec, owner=agent, category=cat["parking"], level=2, unit=u502,
                   created=at(1, 27), resolve_due=at(1, 28)),
        "T2": Case(**sec, owner=agent, category=cat["parking"], level=2, unit=u502,
                   created=feb(28), resolve_due=at(3, 1)),
        "T3": Case(**sec, owner=agent, category=cat["parking"], level=2, unit=u502,
                   created=at(3, 3), resolve_due=at(3, 4)),
        "X1": Case(**eng, owner=agent, category=cat["corridor"], level=2, unit=u503,
                   created=at(1, 30), handled=at(1, 31), closed=at(1, 31, 23, 50),
                   resolve_due=at(1, 31), survey=(60, 60, 60)),
        "X2": Case(**eng, owner=agent2, category=cat["doorbell"], level=2, unit=u503,
                   created=feb(27), handled=feb(28), closed=at(3, 1, 0, 0),
                   resolve_due=feb(28)),
    }  # fmt: skip
    built = {name: build(case) for name, case in cases.items()}

    withdrawn = ComplaintFactory(resident=resident, description="Never mind")
    services.complaint_withdraw(complaint_id=withdrawn.pk, actor=resident.user)
    Complaint.objects.filter(pk=withdrawn.pk).update(created_at=feb(5))
    built["W1"] = withdrawn

    other_handler = HandlerFactory(username="other-handler", team=other_engineering)
    built["O1"] = build(
        Case(
            team=other_engineering,
            owner=other_agent,
            handler=other_handler,
            category=cat["doorbell"],
            level=2,
            building=BuildingFactory(property=other_engineering.property, name="Tower A"),
            created=feb(9),
            handled=feb(10),
            closed=feb(10, 12),
            resolve_due=feb(9, 12),
            breaches=((resolve, feb(9, 12)),),
            survey=(10, 10, 10),
        )
    )
    return built


@pytest.fixture
def v4_closed(month, agent):
    """V4 handled on 22 February at 15:00 and closed on 23 February at 09:00 (through the
    services, then the moments set): Environment's closed complaints are then V1, V2, V4
    (late, in resolve-deadline order) and V3, and the talk rule flags V1 → V2 → V4."""
    v4 = month["V4"]
    services.complaint_handle(complaint_id=v4.pk, actor=v4.assignee, note="Removed.")
    services.complaint_close(complaint_id=v4.pk, actor=agent, reason="Resident unreachable")
    Complaint.objects.filter(pk=v4.pk).update(handled_at=feb(22, 15), closed_at=feb(23))
    month["V4"] = Complaint.objects.get(pk=v4.pk)
    return month
