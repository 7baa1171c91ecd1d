"""Roles are Django groups with real permissions; one selector says which properties a
user may see; scheduled jobs act as a system user."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from factories import AgentFactory, UserFactory

from staff.models import Role, StaffProfile
from staff.roles import ROLE_PERMISSIONS, SYSTEM_ROLE, roles_sync
from staff.selectors import SYSTEM_USERNAME, property_ids_visible_to, system_user
from staff.services import staff_profile_set_role

pytestmark = pytest.mark.django_db

OWNER_ACTIONS = {"accept_complaint", "classify_complaint", "dispatch_complaint", "close_complaint"}


def codenames(role: str) -> set[str]:
    return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))


def test_every_role_has_a_group():
    """Each role of staff.models.Role exists as a group of the same name."""
    assert set(Group.objects.filter(name__in=Role.values).values_list("name", flat=True)) == set(
        Role.values
    )


def test_agent_permissions():
    """Agents own complaints end to end from intake to revisit, but never handle the
    work, transfer ownership or override owners."""
    perms = codenames(Role.AGENT)

    assert (
        OWNER_ACTIONS
        | {
            "add_complaint",
            "revisit_complaint",
            "reopen_complaint",
            "merge_complaint",
            "view_contact_phone",
        }
        <= perms
    )
    assert not {"handle_complaint", "transfer_complaint", "override_owner"} & perms
    assert "change_complaint" not in perms and "delete_complaint" not in perms


def test_handler_permissions():
    """Handlers record work and add photos; they cannot accept, close, see full phone
    numbers or file complaints."""
    perms = codenames(Role.HANDLER)

    assert {"handle_complaint", "add_photo", "view_complaint"} <= perms
    assert not (OWNER_ACTIONS | {"view_contact_phone", "add_complaint", "override_owner"}) & perms


def test_team_leader_permissions():
    """Team leaders handle and may own complaints, without overriding other owners."""
    perms = codenames(Role.TEAM_LEADER)

    assert OWNER_ACTIONS | {"handle_complaint"} <= perms
    assert not {"transfer_complaint", "override_owner", "revisit_complaint"} & perms


def test_project_manager_permissions():
    """Project managers transfer ownership and may override owners (with a reason)."""
    perms = codenames(Role.PROJECT_MANAGER)

    assert (
        OWNER_ACTIONS
        | {
            "transfer_complaint",
            "override_owner",
            "handle_complaint",
            "change_team",
            "grant_access",
        }
        <= perms
    )
    assert "delete_complaint" not in perms


def test_categories_and_the_calendar_are_headquarters_data():
    """Categories, HQ's SLA policies and the working-day calendar apply to every property:
    no role may change them, only superusers."""
    for role in Role.values:
        perms = codenames(role)
        for model in ("category", "slapolicy", "workdayoverride"):
            assert not {f"add_{model}", f"change_{model}", f"delete_{model}"} & perms, role


def test_only_project_managers_grant_roles_and_properties():
    """`staff.grant_access` is the one permission that grants roles and properties."""
    holders = {role for role in Role.values if "grant_access" in codenames(role)}

    assert holders == {Role.PROJECT_MANAGER}


def test_each_role_holds_exactly_its_declared_permissions():
    """After migrate every role group holds exactly the set declared in staff/roles.py;
    a permission added by hand is removed by the next sync."""
    for role, names in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == set(names), role

    group = Group.objects.get(name=Role.SUPERVISOR)
    group.permissions.add(Permission.objects.get(codename="change_complaint"))
    roles_sync()

    assert "change_complaint" not in codenames(Role.SUPERVISOR)


def test_supervisor_only_reads():
    """Supervisors read places, staff and complaints: view_* permissions only, and not the
    full phone numbers — except scoring quality inspections and closing their corrective
    actions (issue 16)."""
    perms = codenames(Role.SUPERVISOR)
    inspecting = {"change_inspection", "score_inspection", "change_correctiveaction"}

    assert {"view_complaint", "view_photo", "view_property", "view_team"} <= perms
    assert inspecting <= perms
    assert all(codename.startswith("view_") for codename in perms - inspecting)
    assert "view_contact_phone" not in perms


def test_no_role_may_change_or_delete_complaints_directly():
    """State changes only go through services: no role has change/delete on complaints."""
    for role in Role.values:
        assert not {"change_complaint", "delete_complaint"} & codenames(role), role


def test_staff_create_gives_the_role_group_and_admin_access(prop):
    """staff_create makes an admin user with exactly the role's group and a profile."""
    user = AgentFactory(properties=[prop])

    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == [Role.AGENT]
    assert user.has_perm("complaints.accept_complaint")
    profile = StaffProfile.objects.get(user=user)
    assert profile.role == Role.AGENT
    assert list(profile.properties.all()) == [prop]


def test_changing_the_role_swaps_the_group_and_the_permissions(prop):
    """A new role replaces the old role group; permissions follow at once."""
    user = AgentFactory(properties=[prop])
    assert user.has_perm("complaints.accept_complaint")

    staff_profile_set_role(profile=user.staff_profile, role=Role.HANDLER)

    assert list(user.groups.values_list("name", flat=True)) == [Role.HANDLER]
    assert user.has_perm("complaints.handle_complaint")
    assert not user.has_perm("complaints.accept_complaint")


def test_superuser_sees_every_property(prop, other_prop):
    """A superuser's scope is every property."""
    admin = UserFactory(is_superuser=True, is_staff=True)

    assert property_ids_visible_to(admin) == {prop.pk, other_prop.pk}


def test_staff_see_the_properties_in_their_profile(prop, other_prop, agent):
    """Staff see exactly the properties of their profile."""
    assert property_ids_visible_to(agent) == {prop.pk}
    regional = AgentFactory(properties=[prop, other_prop])
    assert property_ids_visible_to(regional) == {prop.pk, other_prop.pk}


def test_inactive_staff_see_nothing(prop, agent):
    """A deactivated account has no scope."""
    agent.is_active = False

    assert property_ids_visible_to(agent) == frozenset()


def test_residents_and_anonymous_visitors_see_no_property(prop, resident):
    """Residents see their own complaints, never a property's; anonymous users nothing."""
    assert property_ids_visible_to(resident.user) == frozenset()
    assert property_ids_visible_to(AnonymousUser()) == frozenset()


def test_system_user_exists():
    """The data migrations create the system actor: not a superuser, in its own group and
    no other, unable to log in, with no admin access."""
    user = system_user()

    assert user.get_username() == SYSTEM_USERNAME
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [SYSTEM_ROLE]
    assert not user.is_staff
    assert not user.has_usable_password()


def test_system_group_holds_only_what_the_jobs_need():
    """The jobs file sensor alerts, close unconfirmed complaints and end holds of
    complaints they do not own, of every property: nothing else (no accepting,
    dispatching, handling, reopening, transferring, seeing phone numbers or even viewing
    in the admin)."""
    assert codenames(SYSTEM_ROLE) == {
        "add_complaint",
        "close_complaint",
        "override_owner",
        "view_property_complaints",
    }


def test_system_user_reaches_every_property(prop, other_prop):
    """Without being a superuser, the system actor's scope is every property."""
    assert property_ids_visible_to(system_user()) == {prop.pk, other_prop.pk}
