"""One visibility rule on every admin read (SPEC §7): the changelist filters only by its
declared filters, so masked phones cannot be rebuilt from URL lookups, and a handler finds
another team's complaints on no page: breaches, holds, surveys, related complaints."""

from datetime import timedelta

import pytest
from factories import ComplaintFactory
from workspace_helpers import PHONE, admin_url, change_url

from complaints import services
from complaints.models import Breach, Complaint, Deadline, Hold, State

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        f"?contact_phone__startswith={PHONE[:4]}",
        f"?contact_phone={PHONE}",
        "?id=1&contact_phone__startswith=1",
        "?description__icontains=leak",
        "?resident__phone__startswith=1",
        "?owner__password__startswith=md5",
    ],
)
@pytest.mark.parametrize("role", ["handler", "agent", "supervisor"])
def test_undeclared_lookups_are_refused(request, client, in_state, role, query):
    """A lookup that is not a declared list filter is a 400, whatever the role."""
    in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))

    response = client.get(admin_url("complaints_complaint_changelist") + query)

    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    ["?state__exact=dispatched", "?level__exact=2", "?queue=mine", "?created_at__year=2025"],
)
def test_declared_filters_still_work(client, in_state, agent, query):
    """The list filters, queues and date lookups keep working."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(agent)

    response = client.get(admin_url("complaints_complaint_changelist") + query)

    assert response.status_code == 200
    assert complaint.reference in response.content.decode()


def test_resident_phone_lookup_is_refused(client, agent, resident):
    """The Resident list refuses `?phone=` and `?phone__startswith=` as well."""
    client.force_login(agent)

    for query in (f"?phone={resident.phone}", f"?phone__startswith={resident.phone[:3]}"):
        response = client.get(admin_url("buildings_resident_changelist") + query)
        assert response.status_code == 400, query


@pytest.fixture
def other_teams(now, in_state, resident, agent, environment):
    """A complaint dispatched to the environment team, with a breach and a hold."""
    complaint = in_state(
        State.CLASSIFIED,
        complaint=ComplaintFactory(resident=resident, description="Environment-only bins full"),
    )
    services.complaint_dispatch(complaint_id=complaint.pk, actor=agent, team=environment)
    Breach.objects.create(
        complaint=complaint,
        deadline=Deadline.RESOLVE,
        cycle=1,
        level=2,
        due_at=now,
        detected_at=now,
        team=environment,
    )
    services.complaint_hold(
        complaint_id=complaint.pk,
        actor=agent,
        reason=Hold.Reason.ACCESS,
        resume_at=now + timedelta(hours=3),
    )
    return complaint


@pytest.mark.parametrize("url_name", ["complaints_breach_changelist", "complaints_hold_changelist"])
def test_handler_does_not_list_other_teams_breaches_or_holds(
    client, other_teams, handler, env_handler, url_name
):
    """The breach and hold lists follow the team rule: the environment handler lists
    environment's rows, the engineering handler none of them."""
    client.force_login(env_handler)
    assert other_teams.reference in client.get(admin_url(url_name)).content.decode()

    client.force_login(handler)
    assert other_teams.reference not in client.get(admin_url(url_name)).content.decode()


def test_related_box_quotes_no_other_teams_complaints(client, other_teams, in_state, handler):
    """The related-complaints box of an engineering complaint about the same unit does not
    quote the environment team's complaint to an engineering handler."""
    mine = in_state(State.DISPATCHED)
    Complaint.objects.filter(pk=other_teams.pk).update(category=mine.category)
    client.force_login(handler)

    response = client.get(change_url(mine))

    assert response.status_code == 200
    content = response.content.decode()
    assert other_teams.reference not in content
    assert "Environment-only" not in content
