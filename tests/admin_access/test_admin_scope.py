"""Admin forms are scoped (SPEC §2, §7): every foreign-key and many-to-many choice is
limited to the user's properties and refused outside them, nobody edits their own scope or
role, and granting roles and properties is one explicit permission."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from factories import AgentFactory, BuildingFactory, ProjectManagerFactory, UserFactory

from buildings.models import Building, Unit
from complaints.models import PropertySlaOverride
from staff.models import Role, StaffProfile, Team

pytestmark = pytest.mark.django_db


def admin_url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def properties_of(user) -> set[int]:
    return set(StaffProfile.objects.get(user=user).properties.values_list("pk", flat=True))


def profile_body(profile: StaffProfile, **changes) -> dict:
    body = {
        "role": profile.role,
        "team": profile.team_id or "",
        "properties": [p.pk for p in profile.properties.all()],
        "phone": profile.phone,
    }
    body.update(changes)
    return body


@pytest.mark.parametrize("role", ["agent", "team_leader", "supervisor", "project_manager"])
def test_nobody_widens_their_own_profile(request, client, prop, other_prop, role):
    """Posting both properties, another role and another team to one's own staff profile
    changes none of them, whatever the role."""
    user = request.getfixturevalue(role)
    profile = user.staff_profile
    before = (profile.role, profile.team_id, properties_of(user))
    client.force_login(user)

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, role=Role.PROJECT_MANAGER, properties=[prop.pk, other_prop.pk]),
    )

    assert response.status_code in (200, 302, 403)
    profile.refresh_from_db()
    assert (profile.role, profile.team_id, properties_of(user)) == before
    assert list(user.groups.values_list("name", flat=True)) == [role]


def test_project_manager_sees_their_own_access_read_only(client, project_manager):
    """On their own profile a project manager finds role, team and properties read-only."""
    client.force_login(project_manager)

    response = client.get(admin_url("staff_staffprofile_change", project_manager.staff_profile.pk))

    form = response.context["adminform"].form
    assert not {"role", "team", "properties"} & set(form.fields)


def test_a_property_outside_scope_is_a_field_error(client, project_manager, agent, other_prop):
    """A project manager of X granting Y to an agent gets a validation error; nothing is
    saved."""
    client.force_login(project_manager)
    profile = agent.staff_profile
    before = properties_of(agent)

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, properties=[*before, other_prop.pk]),
    )

    assert response.status_code == 200
    assert "properties" in response.context["adminform"].form.errors
    assert properties_of(agent) == before


def test_a_team_of_another_property_is_refused(client, project_manager, agent, other_engineering):
    """The team choice is limited to the manager's properties."""
    client.force_login(project_manager)
    profile = agent.staff_profile

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, team=other_engineering.pk),
    )

    assert "team" in response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.team_id != other_engineering.pk


def test_project_manager_grants_a_role_within_their_property(
    client, project_manager, agent, engineering
):
    """A project manager may make an agent of their property a team leader of one of its
    teams: the role group follows."""
    client.force_login(project_manager)
    profile = agent.staff_profile

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, role=Role.TEAM_LEADER, team=engineering.pk),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert (profile.role, profile.team_id) == (Role.TEAM_LEADER, engineering.pk)
    assert list(agent.groups.values_list("name", flat=True)) == [Role.TEAM_LEADER]


def test_properties_the_manager_cannot_see_are_kept(client, project_manager, prop, other_prop):
    """Editing a regional agent who works in X and Y, the manager of X sees only X and
    saving keeps Y."""
    regional = AgentFactory(properties=[prop, other_prop])
    client.force_login(project_manager)
    profile = regional.staff_profile

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, properties=[prop.pk], phone="020-1234"),
    )

    assert response.status_code == 302
    assert properties_of(regional) == {prop.pk, other_prop.pk}


def test_granting_needs_the_grant_permission(client, prop, agent):
    """Changing staff profiles without `staff.grant_access` leaves access read-only."""
    manager = ProjectManagerFactory(properties=[prop])
    group = Group.objects.get(name=Role.PROJECT_MANAGER)
    manager.user_permissions.set(group.permissions.exclude(codename="grant_access"))
    manager.groups.clear()
    client.force_login(manager)
    profile = agent.staff_profile

    client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, role=Role.PROJECT_MANAGER),
    )

    profile.refresh_from_db()
    assert profile.role == Role.AGENT


def test_superuser_grants_any_property(client, agent, prop, other_prop):
    """A superuser's scope is every property."""
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    profile = agent.staff_profile

    response = client.post(
        admin_url("staff_staffprofile_change", profile.pk),
        profile_body(profile, properties=[prop.pk, other_prop.pk]),
    )

    assert response.status_code == 302
    assert properties_of(agent) == {prop.pk, other_prop.pk}


@pytest.mark.parametrize(
    ("url_name", "body", "model"),
    [
        ("buildings_building_add", lambda y: {"name": "Taken", "property": y.pk}, Building),
        (
            "buildings_unit_add",
            lambda y: {
                "building": BuildingFactory(property=y).pk,
                "floor": 1,
                "number": "101",
            },
            Unit,
        ),
        (
            "staff_team_add",
            lambda y: {"name": "Taken", "kind": Team.Kind.ENGINEERING, "property": y.pk},
            Team,
        ),
        (
            "complaints_propertyslaoverride_add",
            lambda y: {"property": y.pk, "level": 2, "resolve_working_days": ""},
            PropertySlaOverride,
        ),
    ],
)
def test_add_forms_refuse_another_property(
    client, project_manager, other_prop, url_name, body, model
):
    """Building, unit, team and SLA override add forms refuse a property outside scope
    with a field error and save nothing."""
    data = body(other_prop)
    count = model.objects.count()
    client.force_login(project_manager)

    response = client.post(admin_url(url_name), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert model.objects.count() == count


def test_building_cannot_be_moved_to_another_property(
    client, project_manager, building, other_prop
):
    """Changing a building's property to one outside scope is refused."""
    client.force_login(project_manager)

    response = client.post(
        admin_url("buildings_building_change", building.pk),
        {"name": building.name, "property": other_prop.pk},
    )

    assert "property" in response.context["adminform"].form.errors
    building.refresh_from_db()
    assert building.property_id != other_prop.pk


def test_team_leader_must_be_staff_of_the_property(
    client, project_manager, engineering, other_agent
):
    """A team's leader is chosen among the staff of its property."""
    client.force_login(project_manager)

    response = client.post(
        admin_url("staff_team_change", engineering.pk),
        {
            "name": engineering.name,
            "kind": engineering.kind,
            "property": engineering.property_id,
            "leader": other_agent.pk,
        },
    )

    assert "leader" in response.context["adminform"].form.errors
    engineering.refresh_from_db()
    assert engineering.leader_id != other_agent.pk


def test_choices_on_the_form_are_scoped(client, project_manager, prop, other_prop, other_agent):
    """The property, building and leader choices list only the manager's property."""
    client.force_login(project_manager)

    team_form = client.get(admin_url("staff_team_add")).context["adminform"].form
    building_form = client.get(admin_url("buildings_building_add")).context["adminform"].form

    assert set(team_form.fields["property"].queryset) == {prop}
    assert other_agent not in set(team_form.fields["leader"].queryset)
    assert set(building_form.fields["property"].queryset) == {prop}
