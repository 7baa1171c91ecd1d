"""The access matrix of issue 10: every URL pattern of the project, requested as every
kind of user, by GET and by POST, with objects inside and outside the user's scope.

For each request it asserts that the answer is allowed or refused as the table says
(`tests/access_matrix/table.py`, written from SPEC §2 and §7), that the body (HTML,
CSV, XLSX, JSON) holds no marker of anything outside the user's scope and no full
resident phone number, and that a refused request changed no row. Every violation of a
user is collected and reported in one assertion.
"""

import pytest
from access_matrix.runner import Result, run, snapshot, url_patterns
from access_matrix.table import MAY_BE_REMOVED, Ctx, build_table, world_extras
from access_matrix.world import BUILT_AT, REQUESTED_AT, USERS, build_world
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(time_machine):
    """The matrix's data, filed three days before the requests are made."""
    time_machine.move_to(BUILT_AT, tick=False)
    world = build_world()
    world_extras(world)
    time_machine.move_to(REQUESTED_AT, tick=False)
    return world


def test_every_url_pattern_is_in_the_table():
    """A URL pattern the table does not name fails here: add its rule to
    tests/access_matrix/table.py (who may GET and POST it, and with which objects)."""
    present = {key: route for key, route in url_patterns()}
    table = build_table()
    missing = sorted(f"{key}  ({route})" for key, route in present.items() if key not in table)
    stale = sorted(key for key in table if key not in present and key not in MAY_BE_REMOVED)
    assert not missing, "URL patterns without a rule in the access matrix:\n" + "\n".join(missing)
    assert not stale, "Rules for URL patterns that no longer exist:\n" + "\n".join(stale)


@pytest.mark.parametrize("user", USERS)
def test_access_matrix(world, user):
    """Every URL as this user: allowed or refused as the SPEC says, nothing of anyone
    else's in any answer, no full phone number, and no row changed by a refusal."""
    client = Client()
    if world.users[user] is not None:
        client.force_login(world.users[user])
    present = {key for key, _route in url_patterns()}
    table = build_table()
    ctx = Ctx(world, user)
    before = snapshot()
    result = Result()
    requests = [
        req
        for key in sorted(table)
        if key in present or key in MAY_BE_REMOVED  # else test_every_url_pattern_is_in_the_table
        for req in table[key](ctx)
    ]
    methods = {(req.key, req.method) for req in requests}
    untried = sorted(
        f"{key} {method}"
        for key in present & table.keys()
        for method in ("GET", "POST")
        if (key, method) not in methods
    )
    assert not untried, f"The table sends no request as {user} to:\n" + "\n".join(untried)
    for req in requests:
        run(client, req, world=world, user_key=user, before=before, result=result)
    assert not result.violations, (
        f"{len(result.violations)} violations in {result.requests} requests as {user}:\n"
        + "\n".join(result.violations)
    )
