"""The personal data access log (SPEC §7): every export and every reveal writes a row —
who, when, what kind, which complaint or export (filters, row count) — and project
managers read their properties' rows, read-only; superusers read all; nobody else."""

import pytest
from django.contrib.auth import get_user_model
from factories import PASSWORD, ProjectManagerFactory
from privacy_helpers import Kind, admin_url, log, logged_properties

from complaints import services
from complaints.models import PersonalDataAccess, State
from complaints.privacy.services import data_access_record

pytestmark = pytest.mark.django_db


def export_complaints(client, complaints, query: str = ""):
    response = client.post(
        admin_url("complaints_complaint_changelist") + query,
        {"action": "export_csv", "_selected_action": [c.pk for c in complaints], "index": 0},
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    return response


# --- What is logged -----------------------------------------------------------------------


def test_complaint_export_is_logged(client, now, walk, agent, prop):
    """The CSV export writes one "export" row: the agent, the file, the list's filters, the
    exported complaints and their number, the property."""
    chosen = [walk(State.DISPATCHED), walk(State.HANDLED)]
    client.force_login(agent)

    export_complaints(client, chosen, "?level__exact=2")

    entry = log(Kind.EXPORT).get()
    assert entry.user == agent
    assert entry.description == "complaints.csv"
    assert entry.row_count == 2
    assert entry.details["complaints"] == sorted(c.pk for c in chosen)
    assert entry.details["filters"] == "level__exact=2"
    assert logged_properties(entry) == {prop.pk}
    assert abs((entry.at - now).total_seconds()) < 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("report", ["red_black", "analysis"])
def test_report_export_is_logged(client, now, supervisor, prop, report, fmt):
    """Each report download writes one "export" row naming the file, report, month and
    format, with the number of rows of its tables."""
    client.force_login(supervisor)

    response = client.get(
        admin_url(f"complaints_monthlysnapshot_{report}_{fmt}"),
        {"month": "2025-02", "property": prop.pk},
    )

    assert response.status_code == 200
    entry = log(Kind.EXPORT).get()
    stem = "red-black" if report == "red_black" else "analysis"
    assert entry.description == f"{stem}-{prop.pk}-2025-02.{fmt}"
    assert entry.details == {
        "report": report,
        "property": prop.pk,
        "month": "2025-02",
        "format": fmt,
        "published": False,
    }
    assert entry.row_count is not None
    assert entry.user == supervisor
    assert logged_properties(entry) == {prop.pk}


def test_complaint_phone_reveal_is_logged_with_its_resident(client, now, walk, agent, prop):
    """A reveal on the complaint page names the complaint, its resident and property."""
    complaint = walk(State.DISPATCHED)
    client.force_login(agent)

    client.post(admin_url("complaints_complaint_reveal_phone", complaint.pk))

    entry = log(Kind.REVEAL).get()
    assert (entry.user, entry.complaint, entry.resident) == (agent, complaint, complaint.resident)
    assert logged_properties(entry) == {prop.pk}


def test_another_propertys_complaints_are_not_exported(client, now, walk, other_agent):
    """Riverside's agent posting Lakeside's complaint id exports no row of it; what is
    logged is an export of nothing."""
    complaint = walk(State.DISPATCHED)
    client.force_login(other_agent)

    response = client.post(
        admin_url("complaints_complaint_changelist"),
        {"action": "export_csv", "_selected_action": [complaint.pk], "index": 0},
    )

    if response.streaming:
        assert complaint.reference not in b"".join(response.streaming_content).decode()
    assert all(entry.row_count == 0 for entry in log(Kind.EXPORT))
    assert all(entry.details["complaints"] == [] for entry in log(Kind.EXPORT))
    assert not PersonalDataAccess.objects.filter(complaint=complaint).exists()


# --- Who reads it -------------------------------------------------------------------------


@pytest.fixture
def entries(now, resident, foreign_resident, agent, other_agent, prop, other_prop):
    """One view of each property's resident, by that property's agent."""
    return {
        "lakeside": data_access_record(
            actor=agent, kind=Kind.VIEW, resident_id=resident.pk, property_ids=[prop.pk]
        ),
        "riverside": data_access_record(
            actor=other_agent,
            kind=Kind.VIEW,
            resident_id=foreign_resident.pk,
            property_ids=[other_prop.pk],
        ),
    }


def listed(client) -> set[int]:
    response = client.get(admin_url("complaints_personaldataaccess_changelist"))
    assert response.status_code == 200
    return {entry.pk for entry in response.context["cl"].result_list}


def test_project_manager_reads_their_propertys_rows_only(client, entries, project_manager):
    """Lakeside's project manager lists Lakeside's row, opens it, and gets Riverside's as
    a missing object."""
    client.force_login(project_manager)

    assert listed(client) == {entries["lakeside"].pk}
    page = client.get(admin_url("complaints_personaldataaccess_change", entries["lakeside"].pk))
    assert page.status_code == 200
    assert "Zhang Wei" in page.content.decode()
    assert "13812341234" not in page.content.decode()
    foreign = client.get(admin_url("complaints_personaldataaccess_change", entries["riverside"].pk))
    assert foreign.status_code == 302


def test_superuser_reads_every_row(client, entries):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(admin)

    assert listed(client) == {entries["lakeside"].pk, entries["riverside"].pk}


@pytest.mark.parametrize("role", ["agent", "handler", "team_leader", "supervisor"])
def test_other_roles_cannot_read_the_log(request, client, entries, role):
    """Agents, handlers, team leaders and supervisors get 403 on the list and a row."""
    client.force_login(request.getfixturevalue(role))

    assert client.get(admin_url("complaints_personaldataaccess_changelist")).status_code == 403
    assert (
        client.get(
            admin_url("complaints_personaldataaccess_change", entries["lakeside"].pk)
        ).status_code
        == 403
    )


def test_the_log_is_read_only(client, entries, project_manager):
    """No add page, no delete, and a POST to a row's page changes nothing."""
    entry = entries["lakeside"]
    client.force_login(project_manager)

    assert client.get(admin_url("complaints_personaldataaccess_add")).status_code == 403
    assert (
        client.post(
            admin_url("complaints_personaldataaccess_delete", entry.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    client.post(
        admin_url("complaints_personaldataaccess_change", entry.pk),
        {"kind": "export", "reason": "rewritten"},
    )
    entry.refresh_from_db()
    assert (entry.kind, entry.reason) == (Kind.VIEW, "")
    assert PersonalDataAccess.objects.count() == 2


def test_a_row_about_two_properties_is_read_by_both_managers(client, now, agent, prop, other_prop):
    """An export that reached two properties shows in both project managers' logs."""
    entry = data_access_record(
        actor=agent,
        kind=Kind.EXPORT,
        description="complaints.csv",
        property_ids=[prop.pk, other_prop.pk],
    )
    other_manager = ProjectManagerFactory(username="riverside-manager", properties=[other_prop])
    client.force_login(other_manager)

    assert listed(client) == {entry.pk}


def test_revealing_on_a_complaint_through_the_service_is_logged(now, walk, agent):
    """The service itself logs, whichever interface calls it."""
    complaint = walk(State.DISPATCHED)

    services.complaint_reveal_contact(complaint_id=complaint.pk, actor=agent)

    assert log(Kind.REVEAL).get().complaint_id == complaint.pk
