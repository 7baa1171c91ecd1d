"""The model backend's permissions: the user's own and their groups', read in one query,
the same set Django's own backend reads in two."""

import pytest
from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staff.auth import ModelBackend

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize(
    "role", ["agent", "handler", "team_leader", "project_manager", "supervisor", "admin_user"]
)
def test_every_role_has_the_permissions_djangos_backend_reads(request, role):
    user = request.getfixturevalue(role)

    ours = ModelBackend().get_all_permissions(fresh(user))

    assert ours == backends.ModelBackend().get_all_permissions(fresh(user))
    assert ours


def test_own_and_group_permissions_in_one_query(handler):
    own = Permission.objects.get(codename="view_unit")
    handler.user_permissions.add(own)
    extra = Group.objects.create(name="Auditors")
    extra.permissions.add(Permission.objects.get(codename="view_building"), own)
    handler.groups.add(extra)
    user = fresh(handler)

    with CaptureQueriesContext(connection) as queries:
        perms = ModelBackend().get_all_permissions(user)
        assert user.has_perm("buildings.view_unit") and user.has_perm("buildings.view_building")

    assert {"buildings.view_unit", "buildings.view_building"} <= perms
    assert perms == backends.ModelBackend().get_all_permissions(fresh(handler))
    assert len(queries.captured_queries) == 1


def test_an_inactive_user_or_an_object_has_none(handler, complaint):
    backend = ModelBackend()
    assert backend.get_all_permissions(fresh(handler), obj=complaint) == set()
    handler.is_active = False
    handler.save()
    assert backend.get_all_permissions(fresh(handler)) == set()
