"""The duty roster (SPEC §3: a suspected emergency "alerts the on-duty people"): a
suspected emergency alerts at once, and once, the staff on duty for its property at that
moment, the customer-service leader and the project managers; with nobody on duty the
leader and managers are alerted and told so. Project managers and the customer-service
leader keep the roster of their own properties only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from factories import AgentFactory, ComplaintFactory, TeamLeaderFactory

from complaints import services
from complaints.models import Category, Notification, State
from complaints.notifications import notification_text
from staff.models import Duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_leader(customer_service):
    leader = TeamLeaderFactory(username="cs-leader", team=customer_service)
    customer_service.leader = leader
    customer_service.save()
    return leader


def shift(user, prop, now, *, start=-1, end=7) -> Duty:
    return Duty.objects.create(
        user=user,
        property=prop,
        starts_at=now + timedelta(hours=start),
        ends_at=now + timedelta(hours=end),
    )


def alerted(complaint) -> list[int]:
    return sorted(
        Notification.objects.filter(complaint=complaint, kind="emergency").values_list(
            "recipient_id", flat=True
        )
    )


@pytest.fixture
def roster(now, prop, other_prop, agent, agent2, other_agent, service_leader, project_manager):
    """The agent is on duty now; agent2's shift ended an hour ago and the next starts in
    an hour; the other property's agent is on duty there."""
    shift(agent, prop, now)
    shift(agent2, prop, now, start=-9, end=-1)
    shift(agent2, prop, now, start=1, end=9)
    shift(other_agent, other_prop, now)


def test_emergency_alerts_on_duty_leader_and_manager_once(
    roster, resident, agent, service_leader, project_manager
):
    """Exactly the on-duty agent, the customer-service leader and the project manager,
    one notification each, at filing (not the off-duty agent, not the other property's
    agent on duty there)."""
    complaint = ComplaintFactory(resident=resident, description="电梯困人，快来人")

    assert complaint.suspected_emergency
    assert alerted(complaint) == sorted([agent.pk, service_leader.pk, project_manager.pk])
    note = Notification.objects.get(complaint=complaint, recipient=agent)
    assert notification_text(note).startswith(f"Suspected emergency {complaint.reference}")
    assert "Nobody is on the duty roster" not in notification_text(note)


def test_classifying_does_not_alert_again(roster, resident, agent, walk, category):
    """Confirming level I later alerts as level I, never a second emergency alert."""
    complaint = ComplaintFactory(resident=resident, description="电梯困人")
    before = alerted(complaint)

    walk(State.CLASSIFIED, complaint=complaint, category=Category.objects.get(code="elevator"))

    assert alerted(complaint) == before


def test_someone_both_on_duty_and_leading_is_alerted_once(
    now, prop, resident, service_leader, project_manager
):
    shift(service_leader, prop, now)

    complaint = ComplaintFactory(resident=resident, description="起火了")

    assert alerted(complaint) == sorted([service_leader.pk, project_manager.pk])


def test_a_shift_ends_at_its_until(now, prop, resident, agent, service_leader, project_manager):
    """From inclusive, until exclusive: a shift ending now is over."""
    shift(agent, prop, now, start=-8, end=0)

    complaint = ComplaintFactory(resident=resident, description="爆管了")

    assert agent.pk not in alerted(complaint)


def test_someone_no_longer_staff_there_is_not_alerted(
    now, prop, other_prop, resident, agent, service_leader
):
    shift(agent, prop, now)
    agent.staff_profile.properties.set([other_prop])

    complaint = ComplaintFactory(resident=resident, description="困人")

    assert agent.pk not in alerted(complaint)


def test_nobody_on_duty_alerts_leader_and_manager_and_says_so(
    now, prop, other_prop, resident, agent, other_agent, service_leader, project_manager
):
    """The other property's roster does not count here: the leader and manager are
    alerted as before, and the alert says nobody is on duty."""
    shift(other_agent, other_prop, now)

    complaint = ComplaintFactory(resident=resident, description="电梯困人")

    assert alerted(complaint) == sorted([service_leader.pk, project_manager.pk])
    for note in Notification.objects.filter(complaint=complaint):
        assert "Nobody is on the duty roster now" in notification_text(note)


def test_a_complaint_that_is_no_emergency_alerts_nobody(roster, resident):
    complaint = ComplaintFactory(resident=resident, description="楼道灯坏了")
    assert alerted(complaint) == []


def test_on_behalf_intake_alerts_the_duty_too(roster, agent2, unit, resident, agent):
    """Every channel: an emergency phoned in alerts the people on duty as well."""
    complaint = services.complaint_take_in(
        actor=agent2, channel="phone", description="地下车库起火", unit=unit, resident=resident
    )
    assert agent.pk in alerted(complaint)
    assert agent2.pk not in alerted(complaint)


# -- the roster in the admin -----------------------------------------------------------------


def add_url() -> str:
    return reverse("admin:staff_duty_add")


def body(user, prop, now) -> dict:
    return {
        "property": prop.pk,
        "user": user.pk,
        "starts_at_0": (now).strftime("%Y-%m-%d"),
        "starts_at_1": "08:00:00",
        "ends_at_0": (now).strftime("%Y-%m-%d"),
        "ends_at_1": "20:00:00",
    }


def test_project_manager_adds_a_shift_for_their_staff(client, now, prop, project_manager, agent):
    client.force_login(project_manager)

    answer = client.post(add_url(), body(agent, prop, now))

    assert answer.status_code == 302
    assert Duty.objects.get().user == agent


def test_the_customer_service_leader_keeps_the_roster(client, now, prop, service_leader, agent):
    client.force_login(service_leader)

    assert client.post(add_url(), body(agent, prop, now)).status_code == 302
    assert Duty.objects.filter(property=prop, user=agent).exists()


def test_another_teams_leader_reads_but_does_not_keep_it(
    client, now, prop, team_leader, agent, project_manager
):
    duty = shift(agent, prop, now)
    client.force_login(team_leader)
    change = reverse("admin:staff_duty_change", args=[duty.pk])

    assert client.get(reverse("admin:staff_duty_changelist")).status_code == 200
    assert client.get(add_url()).status_code == 403
    assert client.post(change, body(agent, prop, now)).status_code == 403
    assert (
        client.post(reverse("admin:staff_duty_delete", args=[duty.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Duty.objects.filter(pk=duty.pk).exists()


def test_no_shift_for_another_property_or_its_staff(
    client, now, prop, other_prop, project_manager, agent, other_agent
):
    client.force_login(project_manager)

    other_property = client.post(add_url(), body(agent, other_prop, now))
    other_staff = client.post(add_url(), body(other_agent, prop, now))

    assert other_property.status_code == other_staff.status_code == 200
    assert "property" in other_property.context["adminform"].form.errors
    assert "user" in other_staff.context["adminform"].form.errors
    assert not Duty.objects.exists()


def test_shift_ends_after_it_starts(client, now, prop, project_manager, agent):
    client.force_login(project_manager)
    data = {**body(agent, prop, now), "ends_at_1": "07:00:00"}

    answer = client.post(add_url(), data)

    assert "ends_at" in answer.context["adminform"].form.errors
    assert not Duty.objects.exists()


def test_another_propertys_manager_neither_sees_nor_edits_it(
    client, now, prop, other_prop, agent, project_manager
):
    duty = shift(agent, prop, now)
    outsider = AgentFactory(username="pm-y", role="project_manager", properties=[other_prop])
    client.force_login(outsider)

    listing = client.get(reverse("admin:staff_duty_changelist"))
    change = client.post(
        reverse("admin:staff_duty_change", args=[duty.pk]), body(agent, other_prop, now)
    )

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 0
    assert change.status_code == 302
    assert change["Location"] == reverse("admin:index")
    duty.refresh_from_db()
    assert duty.property == prop


def test_agents_have_no_roster_admin(client, agent):
    client.force_login(agent)
    assert client.get(reverse("admin:staff_duty_changelist")).status_code == 403
