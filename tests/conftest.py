"""Shared fixtures: one property with its teams and a person for every role, a second
property with its own staff, residents, frozen time and a private media root."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
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
    complaint_walk,
)

from complaints.models import Category
from staff.models import Team
from staff.selectors import system_user as get_system_user

POSTGRES_SKIP_REASON = "needs PostgreSQL for real concurrency"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FROZEN_NOW = datetime(2025, 3, 10, 9, 30, tzinfo=SHANGHAI)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip every `@pytest.mark.postgres` test, visibly, unless the database is PostgreSQL."""
    if item.get_closest_marker("postgres") is None:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip(POSTGRES_SKIP_REASON)


@pytest.fixture(autouse=True)
def empty_cache():
    """Every test starts and ends with an empty cache: the throttles, the board's rate
    counter, the intake phrase lists, the admin's sidebar and the capped list counts live
    there, and what a test cached would outlive the rows its transaction rolls back."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def server(django_db_setup, live_server):
    """The live server, started after the test database so that it stops (and lets go
    of its connection) before the database is dropped."""
    return live_server


@pytest.fixture
def chromium(monkeypatch):
    """Headless chromium (tests/browser.py); each test opens the contexts it needs."""
    from browser import CHROMIUM, CHROMIUM_ARGS
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made here
    # while it runs are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            # ORM calls made while the event loop ran used connections of their own.
            connections.close_all()
            browser.close()


@pytest.fixture(autouse=True)
def english():
    """Domain messages are asserted in English whatever locale files exist."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos go to a per-test directory, never to var/ (static files too, so
    WhiteNoise finds its directory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def now(time_machine):
    """Freeze the clock (Asia/Shanghai, Monday morning) and return the frozen instant."""
    time_machine.move_to(FROZEN_NOW, tick=False)
    return FROZEN_NOW


# --- Places --------------------------------------------------------------------------------


@pytest.fixture
def prop(db):
    return PropertyFactory(name="Lakeside Garden")


@pytest.fixture
def building(prop):
    return BuildingFactory(property=prop, name="Building 3")


@pytest.fixture
def unit(building):
    return UnitFactory(building=building, entrance="2", floor=12, number="1201")


@pytest.fixture
def other_prop(db):
    return PropertyFactory(name="Riverside Plaza")


@pytest.fixture
def other_building(other_prop):
    return BuildingFactory(property=other_prop, name="Tower A")


# --- Teams ---------------------------------------------------------------------------------


@pytest.fixture
def engineering(prop):
    return TeamFactory(property=prop, name="Engineering", kind=Team.Kind.ENGINEERING)


@pytest.fixture
def environment(prop):
    return TeamFactory(property=prop, name="Environment", kind=Team.Kind.ENVIRONMENT)


@pytest.fixture
def customer_service(prop):
    return TeamFactory(property=prop, name="Customer service", kind=Team.Kind.CUSTOMER_SERVICE)


@pytest.fixture
def other_engineering(other_prop):
    return TeamFactory(property=other_prop, name="Engineering", kind=Team.Kind.ENGINEERING)


# --- People --------------------------------------------------------------------------------


@pytest.fixture
def agent(customer_service):
    return AgentFactory(username="agent", team=customer_service, first_name="Na", last_name="Li")


@pytest.fixture
def agent2(customer_service):
    return AgentFactory(
        username="agent2", team=customer_service, first_name="Lei", last_name="Zhao"
    )


@pytest.fixture
def handler(engineering):
    return HandlerFactory(username="handler", team=engineering, first_name="Gang", last_name="Chen")


@pytest.fixture
def team_leader(engineering):
    leader = TeamLeaderFactory(
        username="leader", team=engineering, first_name="Qiang", last_name="Liu"
    )
    engineering.leader = leader
    engineering.save()
    return leader


@pytest.fixture
def project_manager(prop):
    return ProjectManagerFactory(
        username="manager", properties=[prop], first_name="Min", last_name="Sun"
    )


@pytest.fixture
def supervisor(prop):
    return SupervisorFactory(
        username="supervisor", properties=[prop], first_name="Hua", last_name="Zhou"
    )


@pytest.fixture
def other_agent(other_engineering):
    """Staff of ANOTHER property: must never see or touch Lakeside Garden's complaints."""
    return AgentFactory(
        username="outsider",
        team=other_engineering,
        properties=[other_engineering.property],
        first_name="Jun",
        last_name="He",
    )


@pytest.fixture
def resident(unit):
    return ResidentFactory(user__username="resident", name="Zhang Wei", unit=unit)


@pytest.fixture
def resident2(building):
    """A neighbour in the same building: not the one who filed the complaints."""
    return ResidentFactory(
        user__username="neighbour",
        name="Wu Fang",
        unit=UnitFactory(building=building, entrance="2", floor=11, number="1101"),
    )


@pytest.fixture
def system_user(db):
    return get_system_user()


# --- Complaints ----------------------------------------------------------------------------


@pytest.fixture
def category(db):
    """A category without the photo requirement, dispatched to engineering by default."""
    return CategoryFactory(code="test-no-photos", name_en="Door bell", default_level=2)


@pytest.fixture
def photo_category(db):
    """The seeded "Leaks & pipes" category, which needs an after photo when handled."""
    return Category.objects.get(code="leak")


@pytest.fixture
def complaint(resident):
    """A new complaint the resident filed about their own unit on the web form."""
    return ComplaintFactory(resident=resident, description="Water leaking under the sink")


@pytest.fixture
def walk(resident, agent, handler, engineering, category):
    """`walk(state)` files a resident complaint and moves it to `state` through the
    services; `walk(state, complaint=c, category=cat)` walks an existing new one."""

    def _walk(to, *, complaint=None, category=category):
        if complaint is None:
            complaint = ComplaintFactory(resident=resident)
        return complaint_walk(
            complaint, to, agent=agent, handler=handler, team=engineering, category=category
        )

    return _walk
