"""The demo's places: a residential estate and a commercial complex, their buildings,
units and teams."""

from dataclasses import dataclass, field

from buildings.models import Building, Property, Unit
from staff.models import Team

P1, P2 = "p1", "p2"
PROPERTIES = {
    P1: {
        "name": "翠湖花园",
        "kind": Property.Kind.RESIDENTIAL,
        "city": "杭州",
        "address": "浙江省杭州市西湖区文一西路 588 号",
        "duty_phone": "0571-8851 2000",
    },
    P2: {
        "name": "金融港商业中心",
        "kind": Property.Kind.COMMERCIAL,
        "city": "杭州",
        "address": "浙江省杭州市滨江区江南大道 3850 号",
        "duty_phone": "0571-8677 3850",
    },
}
# There is no building 4 (四 sounds like 死), as in many real estates.
BUILDINGS = {P1: ("1幢", "2幢", "3幢", "5幢"), P2: ("A座", "B座", "C座")}

TEAM_NAMES = {
    Team.Kind.ENGINEERING: "工程维修部",
    Team.Kind.ENVIRONMENT: "环境部",
    Team.Kind.SECURITY: "秩序部",
    Team.Kind.CUSTOMER_SERVICE: "客服中心",
    Team.Kind.MANAGEMENT: "项目部",
}


def property_names() -> list[str]:
    return [spec["name"] for spec in PROPERTIES.values()]


@dataclass
class Places:
    """What `places_create` made, by the keys the demo's tables use."""

    properties: dict[str, Property] = field(default_factory=dict)
    buildings: dict[tuple[str, str], Building] = field(default_factory=dict)
    # (property, building, entrance, number)
    units: dict[tuple[str, str, str, str], Unit] = field(default_factory=dict)
    teams: dict[tuple[str, str], Team] = field(default_factory=dict)


def unit_layout(prop_key: str, building: str) -> list[tuple[str, int, str]]:
    """(entrance, floor, number) of each unit of a building."""
    if prop_key == P1:
        return [
            (f"{entrance}单元", floor, f"{floor}{room:02d}")
            for entrance in (1, 2)
            for floor in (3, 7, 12)
            for room in (1, 2)
        ]
    if building == "C座":  # retail podium: shops on three floors
        return [("", floor, f"L{floor}-{shop:02d}") for floor in (1, 2, 3) for shop in (1, 2, 3, 4)]
    return [("", floor, f"{floor}{room:02d}") for floor in (5, 12, 18, 23) for room in (1, 2, 3)]


def places_create() -> Places:
    """The properties with their buildings, units and one team of each kind."""
    places = Places()
    for key, spec in PROPERTIES.items():
        prop = Property.objects.create(**spec)
        places.properties[key] = prop
        for name in BUILDINGS[key]:
            places.buildings[key, name] = Building.objects.create(property=prop, name=name)
        for kind, name in TEAM_NAMES.items():
            places.teams[key, kind] = Team.objects.create(property=prop, name=name, kind=kind)
    units = [
        Unit(building=building, entrance=entrance, floor=floor, number=number)
        for (key, name), building in places.buildings.items()
        for entrance, floor, number in unit_layout(key, name)
    ]
    keys = {building.pk: key for key, building in places.buildings.items()}
    for unit in Unit.objects.bulk_create(units):
        prop_key, building_name = keys[unit.building_id]
        places.units[prop_key, building_name, unit.entrance, unit.number] = unit
    return places
