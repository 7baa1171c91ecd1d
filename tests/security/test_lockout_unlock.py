"""Unlocking (the admin's failed-login list): a project manager sees and clears the
failed logins of the people in their properties only; superusers all of them; the other
roles none."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import DELETION, LogEntry
from django.test import Client
from factories import PASSWORD, AgentFactory, ProjectManagerFactory, UserFactory
from security_helpers import ADMIN_LOGIN, OTHER_IP, PORTAL_LOGIN, guess, log_in, logged_in

CHANGELIST = "/en/admin/axes/accessattempt/"


def change_url(attempt: AccessAttempt) -> str:
    return f"{CHANGELIST}{attempt.pk}/change/"


def delete_url(attempt: AccessAttempt) -> str:
    return f"{CHANGELIST}{attempt.pk}/delete/"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unlock(client: Client, *attempts: AccessAttempt):
    return client.post(
        CHANGELIST,
        {"action": "unlock", "_selected_action": [attempt.pk for attempt in attempts]},
    )


def attempts_of(username: str) -> list[AccessAttempt]:
    attempts = list(
        AccessAttempt.objects.filter(username=username).order_by("-failures_since_start")
    )
    assert attempts, username
    return attempts


def listed(page, username: str) -> bool:
    """Whether the changelist shows a row of this username."""
    return f'<td class="field-username">{username}</td>' in page.content.decode()


@pytest.fixture
def locked_resident(resident, axes_on):
    """The resident, locked out of the portal by guesses from one address."""
    guess(PORTAL_LOGIN, resident.user.username)
    assert log_in(PORTAL_LOGIN, resident.user.username, PASSWORD, ip=OTHER_IP)[1].status_code == 429
    return resident


@pytest.fixture
def other_manager(other_prop):
    """The project manager of Riverside Plaza."""
    return ProjectManagerFactory(username="other-manager", properties=[other_prop])


@pytest.fixture
def foreign_staff(other_engineering, axes_on):
    """An agent of Riverside Plaza with failed admin logins."""
    outsider = AgentFactory(username="riverside-agent", team=other_engineering)
    guess(ADMIN_LOGIN, outsider.username, times=2, ip="192.0.2.50")
    return outsider


def test_project_managers_hold_the_unlock_permissions(project_manager):
    """The project manager role carries axes' view and delete permissions on attempts."""
    assert project_manager.has_perm("axes.view_accessattempt")
    assert project_manager.has_perm("axes.delete_accessattempt")


def test_project_manager_unlocks_a_resident_of_their_property(project_manager, locked_resident):
    """The manager finds the resident's failed logins, unlocks, and the resident logs in
    again at once; the admin log records who cleared them."""
    attempts = attempts_of(locked_resident.user.username)
    client = admin_client(project_manager)

    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert listed(page, locked_resident.user.username)
    assert client.get(change_url(attempts[0])).status_code == 200

    response = unlock(client, *attempts)

    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=locked_resident.user.username).exists()
    assert LogEntry.objects.filter(
        user=project_manager, action_flag=DELETION, object_id=str(attempts[0].pk)
    ).exists()
    client, response = log_in(PORTAL_LOGIN, locked_resident.user.username, PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_project_manager_sees_the_staff_of_their_property(project_manager, agent, axes_on):
    """Staff whose scope shares the manager's property are in the list."""
    guess(ADMIN_LOGIN, agent.username, times=2)

    assert listed(admin_client(project_manager).get(CHANGELIST), agent.username)


def test_another_property_manager_neither_sees_nor_unlocks(
    other_manager, locked_resident, project_manager
):
    """The manager of Riverside Plaza does not see Lakeside's resident, cannot open,
    unlock or delete the record, and it stays."""
    attempts = attempts_of(locked_resident.user.username)
    client = admin_client(other_manager)

    assert not listed(client.get(CHANGELIST), locked_resident.user.username)
    assert client.get(change_url(attempts[0])).status_code == 302  # "does not exist"
    unlock(client, *attempts)
    client.post(delete_url(attempts[0]), {"post": "yes"})

    assert AccessAttempt.objects.filter(username=locked_resident.user.username).count() == len(
        attempts
    )
    assert log_in(PORTAL_LOGIN, locked_resident.user.username, PASSWORD)[1].status_code == 429


def test_managers_see_only_their_own_property(
    project_manager, other_manager, locked_resident, foreign_staff
):
    """Each manager's list holds exactly the failed logins of their own people."""
    ours = admin_client(project_manager).get(CHANGELIST)
    theirs = admin_client(other_manager).get(CHANGELIST)

    assert listed(ours, locked_resident.user.username)
    assert not listed(ours, foreign_staff.username)
    assert listed(theirs, foreign_staff.username)
    assert not listed(theirs, locked_resident.user.username)


def test_unknown_usernames_and_superusers_are_for_superusers_only(project_manager, prop, axes_on):
    """Guesses at invented usernames and at a superuser's account (even one in the
    manager's property) are not the manager's to see or clear; a superuser sees them."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    AgentFactory(username="agent-root-twin", properties=[prop])
    guess(ADMIN_LOGIN, "no-such-user", times=2)
    guess(ADMIN_LOGIN, root.username, times=2, ip=OTHER_IP)

    managers = admin_client(project_manager).get(CHANGELIST)
    superusers = admin_client(root).get(CHANGELIST)

    assert not listed(managers, "no-such-user")
    assert not listed(managers, root.username)
    assert listed(superusers, "no-such-user")
    assert listed(superusers, root.username)


def test_superuser_unlocks_anyone(locked_resident, foreign_staff):
    """A superuser clears records of any property at once."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    unlock(admin_client(root), *AccessAttempt.objects.all())

    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("role", ["agent", "handler", "team_leader", "supervisor"])
def test_other_roles_have_no_unlock(request, role, locked_resident):
    """Agents, handlers, team leaders and supervisors are refused the list and the
    unlock; nothing is cleared."""
    client = admin_client(request.getfixturevalue(role))
    attempts = attempts_of(locked_resident.user.username)

    assert client.get(CHANGELIST).status_code == 403
    unlock(client, *attempts)

    assert AccessAttempt.objects.count() == len(attempts)


def test_the_records_are_read_only(project_manager, locked_resident):
    """There is no add page and the change page saves nothing."""
    attempt = attempts_of(locked_resident.user.username)[0]
    client = admin_client(project_manager)

    assert client.get(f"{CHANGELIST}add/").status_code == 403
    client.post(change_url(attempt), {"username": "someone-else", "failures_since_start": 0})

    attempt.refresh_from_db()
    assert attempt.username == locked_resident.user.username
    assert attempt.failures_since_start >= 5


def test_the_site_wide_clean_up_is_for_superusers(project_manager, locked_resident):
    """Managers are offered "unlock" only, not axes' site-wide clean-up of expired
    attempts nor the generic delete; superusers get the clean-up too."""
    managers = admin_client(project_manager).get(CHANGELIST).content.decode()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    superusers = admin_client(root).get(CHANGELIST).content.decode()

    assert '<option value="unlock">' in managers
    assert "cleanup_expired_attempts" not in managers
    assert "delete_selected" not in managers
    assert '<option value="cleanup_expired_attempts">' in superusers


def test_successful_logins_are_for_superusers_only(project_manager):
    """axes' log of successful logins (address, browser) is not for managers."""
    assert admin_client(project_manager).get("/en/admin/axes/accesslog/").status_code == 403


def test_undeclared_lookups_are_refused(project_manager, locked_resident):
    """Only the declared filters: a lookup on any other field is a 400, as elsewhere."""
    client = admin_client(project_manager)

    assert client.get(f"{CHANGELIST}?username__startswith=res").status_code == 400
    assert client.get(f"{CHANGELIST}?locked_out=yes").status_code == 200


def test_the_autocomplete_answers_within_scope(other_manager, project_manager, locked_resident):
    """The admin's autocomplete over attempts lists the manager's own people only."""
    query = {
        "app_label": "axes",
        "model_name": "accessattemptexpiration",
        "field_name": "access_attempt",
        "term": "",
    }
    ours = admin_client(project_manager).get("/en/admin/autocomplete/", query)
    theirs = admin_client(other_manager).get("/en/admin/autocomplete/", query)

    assert ours.status_code == 200
    assert len(ours.json()["results"]) == len(attempts_of(locked_resident.user.username))
    assert theirs.json()["results"] == []


def test_the_failed_login_pages_speak_chinese(project_manager, locked_resident):
    """django-axes ships no Simplified Chinese: its section, list and columns read in the
    project's catalogue, not as "Axes" and "Access attempts"."""
    client = admin_client(project_manager)

    page = client.get("/admin/axes/accessattempt/").content.decode()

    assert "登录锁定" in page and "登录失败记录" in page and "尝试时间" in page
    assert "Access attempts" not in page and ">Axes<" not in page
