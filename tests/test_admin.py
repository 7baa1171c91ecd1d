"""The admin is the staff UI: every role can log in and read its property's complaints,
nothing of another property shows, and the accept action goes through the service."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from factories import PASSWORD, ComplaintFactory, ResidentFactory, UnitFactory

from complaints.models import State, Transition
from complaints.services import complaint_accept

pytestmark = pytest.mark.django_db

ROLES = ["agent", "handler", "team_leader", "project_manager", "supervisor"]


def admin_url(name: str, *args) -> str:
    """Admin URLs in English (/en/admin/...), so assertions on Django's messages hold."""
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


@pytest.fixture
def dispatched(now, walk, complaint):
    """A complaint of Lakeside Garden, accepted by the agent and dispatched to the
    handler's engineering team, so every role of the property has a reason to see it."""
    return walk(State.DISPATCHED, complaint=complaint)


@pytest.fixture
def foreign(now, other_building):
    """A complaint of Riverside Plaza, filed by one of its residents."""
    neighbour = ResidentFactory(unit=UnitFactory(building=other_building), phone="13912345678")
    return ComplaintFactory(resident=neighbour, description="Riverside lift stuck on floor 9")


def log_in(client, user) -> None:
    response = client.post(
        admin_url("login"),
        {"username": user.get_username(), "password": PASSWORD, "next": admin_url("index")},
    )
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == admin_url("index")


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)] or [
        str(message) for message in response.context["messages"]
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_its_propertys_complaint(request, client, dispatched, role):
    """Agents, handlers, team leaders, project managers and supervisors log in with their
    password and open the admin index, the complaint list, the change page and the
    history page of a complaint of their property."""
    log_in(client, request.getfixturevalue(role))

    assert client.get(admin_url("index")).status_code == 200

    changelist = client.get(admin_url("complaints_complaint_changelist"))
    assert changelist.status_code == 200
    assert dispatched.reference in changelist.content.decode()

    change = client.get(admin_url("complaints_complaint_change", dispatched.pk))
    assert change.status_code == 200
    assert "Water leaking under the sink" in change.content.decode()

    history = client.get(admin_url("complaints_complaint_history", dispatched.pk))
    assert history.status_code == 200
    assert "<td>Accept</td>" in history.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_complaint_list_leaves_out_other_properties(request, client, dispatched, foreign, role):
    """The changelist shows only the user's properties."""
    client.force_login(request.getfixturevalue(role))

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    assert dispatched.reference in content
    assert foreign.reference not in content


@pytest.mark.parametrize("role", ROLES)
def test_change_page_of_another_propertys_complaint_is_not_shown(request, client, foreign, role):
    """Typing another property's complaint URL does not show it: Django 5.2's admin
    redirects to the index with a "doesn't exist" message, as for a missing object."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("complaints_complaint_change", foreign.pk), follow=True)

    assert response.redirect_chain == [(admin_url("index"), 302)]
    content = response.content.decode()
    assert "doesn’t exist" in content
    assert "Riverside lift stuck" not in content
    assert "13912345678" not in content


@pytest.mark.parametrize("role", ROLES)
def test_history_page_of_another_propertys_complaint_is_not_shown(request, client, foreign, role):
    """The history page is refused like the change page: no title, no rows, no data of a
    complaint outside the user's properties."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("complaints_complaint_history", foreign.pk))

    assert response.status_code in (302, 403, 404)
    assert "Riverside lift stuck" not in response.content.decode()


@pytest.mark.parametrize(
    ("url_name", "fixture"),
    [("staff_team_history", "other_engineering"), ("buildings_property_history", "other_prop")],
)
def test_history_of_other_scoped_objects_is_not_shown(request, client, agent, url_name, fixture):
    """Teams and properties of another property are hidden on their history pages too."""
    obj = request.getfixturevalue(fixture)
    client.force_login(agent)

    response = client.get(admin_url(url_name, obj.pk))

    assert response.status_code in (302, 403, 404)
    assert "Riverside Plaza" not in response.content.decode()


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_full_phone_number_is_hidden_without_view_contact_phone(
    request, client, dispatched, resident, role
):
    """SPEC §3: roles without view_contact_phone see the resident's phone masked
    (138****1234) on the change page, nowhere in full (contact field or resident)."""
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("complaints_complaint_change", dispatched.pk))

    assert response.status_code == 200
    assert "Water leaking under the sink" in response.content.decode()
    assert resident.phone not in response.content.decode()


def accept_via_admin(client, complaint):
    return client.post(
        admin_url("complaints_complaint_changelist"),
        {"action": "accept_selected", "_selected_action": [complaint.pk], "index": 0},
        follow=True,
    )


def test_accept_action_makes_the_agent_owner(client, now, complaint, agent):
    """The "accept selected" action calls the service: the agent owns it, is told that
    one complaint was done, and the history says "accept"."""
    client.force_login(agent)

    response = accept_via_admin(client, complaint)

    assert response.status_code == 200
    assert any("1 complaint updated" in text for text in message_texts(response))
    complaint.refresh_from_db()
    assert complaint.state == State.ACCEPTED
    assert complaint.owner == agent
    assert complaint.history.latest().transition == Transition.ACCEPT


def test_accept_action_tells_the_second_agent_who_owns_it(client, now, complaint, agent, agent2):
    """A second agent pressing accept is told "Already accepted by <owner>" and nothing
    changes."""
    complaint_accept(complaint_id=complaint.pk, actor=agent)
    client.force_login(agent2)

    response = accept_via_admin(client, complaint)

    assert response.status_code == 200
    assert f"{complaint.reference}: Already accepted by Na Li." in message_texts(response)
    complaint.refresh_from_db()
    assert complaint.owner == agent
    assert complaint.history.filter(transition=Transition.ACCEPT).count() == 1


def test_accept_action_is_not_offered_to_handlers(client, now, complaint, handler):
    """Without accept_complaint the action is neither listed nor run."""
    client.force_login(handler)

    changelist = client.get(admin_url("complaints_complaint_changelist")).content.decode()
    assert "accept_selected" not in changelist
    accept_via_admin(client, complaint)

    complaint.refresh_from_db()
    assert complaint.state == State.NEW
