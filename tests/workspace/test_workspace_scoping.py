"""Scoping and masking: another property's complaint does not exist for the user, a
handler sees only their team's complaints, phone numbers are masked everywhere and each
reveal is logged."""

import pytest
from django.contrib.auth.models import Permission
from workspace_helpers import (
    MASKED,
    PHONE,
    act_url,
    admin_url,
    change_url,
    messages,
    references,
    reveal_url,
)

from complaints import services
from complaints.models import PersonalDataAccess, State

pytestmark = pytest.mark.django_db


def reveals():
    """The phone reveals in the personal data access log."""
    return PersonalDataAccess.objects.filter(kind=PersonalDataAccess.Kind.REVEAL)


ROLES = ["agent", "handler", "team_leader", "project_manager", "supervisor"]


# --- Another property ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_another_propertys_complaint_by_url_is_not_shown(request, client, foreign_complaint, role):
    """Opening a complaint of another property by URL redirects to the admin index with
    Django's "doesn't exist" message; none of its data is shown."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(change_url(foreign_complaint), follow=True)

    assert response.redirect_chain == [(admin_url("index"), 302)]
    content = response.content.decode()
    assert "doesn’t exist" in content
    assert "Riverside lift" not in content
    assert "13912345678" not in content


@pytest.mark.parametrize("role", ["agent", "project_manager"])
def test_another_propertys_complaint_custom_urls_are_404(request, client, foreign_complaint, role):
    """The action and reveal URLs of another property's complaint answer 404 (GET and
    POST), log no reveal and change nothing."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(act_url(foreign_complaint, "accept")).status_code == 404
    assert (
        client.post(act_url(foreign_complaint, "accept"), {"expected_state": "new"}).status_code
        == 404
    )
    assert client.post(reveal_url(foreign_complaint)).status_code == 404
    foreign_complaint.refresh_from_db()
    assert foreign_complaint.state == State.NEW
    assert not reveals().exists()


# --- Handlers see their team's complaints --------------------------------------------------


@pytest.fixture
def by_team(in_state, agent, environment):
    """A new complaint, one dispatched to engineering (assigned to the handler) and one
    dispatched to environment."""
    to_environment = in_state(State.CLASSIFIED)
    services.complaint_dispatch(complaint_id=to_environment.pk, actor=agent, team=environment)
    return {
        "new": in_state(State.NEW),
        "engineering": in_state(State.DISPATCHED),
        "environment": to_environment,
    }


def test_handler_list_shows_only_their_teams_complaints(client, by_team, handler, env_handler):
    """Each handler lists the complaints dispatched to their team; no unassigned ones."""
    client.force_login(handler)
    engineering = references(client.get(admin_url("complaints_complaint_changelist")))
    client.force_login(env_handler)
    environment = references(client.get(admin_url("complaints_complaint_changelist")))

    assert engineering == [by_team["engineering"].reference]
    assert environment == [by_team["environment"].reference]


def test_the_team_rule_follows_the_permission_not_the_role_name(client, by_team, env_handler):
    """Granted `view_property_complaints` (which handlers lack, staff/roles.py), the
    environment handler lists the property's complaints; without it, only the team's."""
    env_handler.user_permissions.add(Permission.objects.get(codename="view_property_complaints"))
    client.force_login(env_handler)

    listed = references(client.get(admin_url("complaints_complaint_changelist")))

    assert sorted(listed) == sorted(c.reference for c in by_team.values())


def test_handler_cannot_open_another_teams_complaint(client, by_team, env_handler):
    """For the environment handler, engineering's complaint does not exist: its change page
    redirects to the index with "doesn't exist", its action URL is 404."""
    complaint = by_team["engineering"]
    client.force_login(env_handler)

    response = client.get(change_url(complaint), follow=True)

    assert response.redirect_chain == [(admin_url("index"), 302)]
    assert "doesn’t exist" in response.content.decode()
    assert client.get(act_url(complaint, "on_site")).status_code == 404


def test_handler_cannot_read_another_teams_complaint_history(client, by_team, env_handler):
    """The history page is scoped like the change page: engineering's complaint history
    (descriptions, reasons, owners) is not shown to an environment handler."""
    complaint = by_team["engineering"]
    client.force_login(env_handler)

    history = client.get(admin_url("complaints_complaint_history", complaint.pk))

    assert history.status_code in (302, 403, 404)


def test_team_leader_and_agent_list_the_whole_property(client, by_team, team_leader, agent):
    """Team leaders and agents are not limited to a team: they list all three."""
    expected = {complaint.reference for complaint in by_team.values()}
    for user in (team_leader, agent):
        client.force_login(user)
        listed = references(client.get(admin_url("complaints_complaint_changelist")))
        assert set(listed) == expected


# --- Masking ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_phone_is_masked_on_the_change_page_and_the_list(request, client, in_state, role):
    """Whoever looks, the change page and the changelist show 138****1234 (contact field
    and the resident's name), never the whole number."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))

    change = client.get(change_url(complaint)).content.decode()
    listing = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert f'<div class="readonly">{MASKED}</div>' in change
    assert f"Zhang Wei ({MASKED})" in change
    assert f'<td class="field-masked_contact">{MASKED}</td>' in listing
    assert PHONE not in change
    assert PHONE not in listing


@pytest.mark.parametrize("role", ROLES)
def test_phone_is_masked_on_the_history_pages(request, client, in_state, role):
    """The history list of the complaint does not show the number."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))

    history = client.get(admin_url("complaints_complaint_history", complaint.pk))

    assert history.status_code == 200
    assert PHONE not in history.content.decode()


def test_supervisor_following_the_resident_link_sees_no_full_phone(client, in_state, supervisor):
    """A supervisor has no view_contact_phone: the resident link on the complaint's change
    page must not lead to the whole number either (resident list and page)."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(supervisor)

    resident_list = client.get(admin_url("buildings_resident_changelist"))
    resident_page = client.get(admin_url("buildings_resident_change", complaint.resident_id))

    assert PHONE not in resident_list.content.decode()
    assert PHONE not in resident_page.content.decode()


def test_agent_reveals_the_phone_and_each_reveal_is_logged(client, in_state, agent):
    """An agent gets the "show the whole number" button; each POST shows the number in a
    message and logs one reveal of the complaint (two reveals, two rows)."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(agent)
    assert 'id="pd-reveal-phone"' in client.get(change_url(complaint)).content.decode()

    first = client.post(reveal_url(complaint), follow=True)
    second = client.post(reveal_url(complaint), follow=True)

    expected = f"{complaint.reference}: contact phone {PHONE} (this view is logged)."
    for response in (first, second):
        assert response.redirect_chain == [(change_url(complaint), 302)]
        assert messages(response) == [("info", expected)]
    logged = reveals().filter(complaint=complaint)
    assert logged.count() == 2
    assert set(logged.values_list("user", flat=True)) == {agent.pk}
    assert set(logged.values_list("resident", flat=True)) == {complaint.resident_id}
    assert set(logged.values_list("properties", flat=True)) == {complaint.property_id}


def test_reveal_needs_a_post(client, in_state, agent):
    """A GET of the reveal URL just goes back to the change page: no number, no log."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(agent)

    response = client.get(reveal_url(complaint), follow=True)

    assert response.redirect_chain == [(change_url(complaint), 302)]
    assert PHONE not in response.content.decode()
    assert not reveals().exists()


@pytest.mark.parametrize("role", ["handler", "team_leader", "supervisor"])
def test_reveal_without_view_contact_phone_is_refused(request, client, in_state, role):
    """Handlers (and team leaders, supervisors) get no reveal button; their POST is a 403
    that shows no number and logs nothing."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))
    assert 'id="pd-reveal-phone"' not in client.get(change_url(complaint)).content.decode()

    response = client.post(reveal_url(complaint))

    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not reveals().exists()


def test_owner_without_view_contact_phone_may_reveal(client, in_state, team_leader):
    """A team leader who accepted the complaint owns it, and owners see the number."""
    complaint = in_state(State.NEW)
    services.complaint_accept(complaint_id=complaint.pk, actor=team_leader)
    client.force_login(team_leader)

    response = client.post(reveal_url(complaint), follow=True)

    assert PHONE in messages(response)[0][1]
    assert reveals().get().user == team_leader


def test_reveal_without_a_phone_is_refused(client, now, agent, building):
    """A complaint with no phone number has nothing to reveal: no button, 403, no log."""
    complaint = services.complaint_create(
        actor=agent, channel="paper", building=building, description="Bins overflow"
    )
    client.force_login(agent)

    assert 'id="pd-reveal-phone"' not in client.get(change_url(complaint)).content.decode()
    assert client.post(reveal_url(complaint)).status_code == 403
    assert not reveals().exists()
