"""Bulk actions on the complaint list: dispatch the selected complaints to a team (a
two-step form, each complaint through the service) and export the selection to CSV with
masked phone numbers."""

import csv
import io
import re

import pytest
from django.utils import timezone
from workspace_helpers import MASKED, PHONE, admin_url, messages, references

from complaints.models import State

pytestmark = pytest.mark.django_db


def changelist() -> str:
    return admin_url("complaints_complaint_changelist")


def run_action(client, action: str, complaints, **extra):
    """POST the changelist's action form as the browser does (with `index`)."""
    return client.post(
        changelist(),
        {"action": action, "_selected_action": [c.pk for c in complaints], "index": 0, **extra},
    )


def apply_dispatch(client, complaints, team):
    """The second step: the intermediate page's form, posted without `index`."""
    return client.post(
        changelist(),
        {
            "action": "dispatch_selected",
            "_selected_action": [c.pk for c in complaints],
            "apply": "1",
            "team": team.pk,
        },
        follow=True,
    )


def test_dispatch_selected_asks_for_the_team_first(client, in_state, agent, engineering):
    """Choosing "Dispatch selected to a team" shows an intermediate page listing the
    selected complaints and the property's teams; nothing is dispatched yet."""
    chosen = [in_state(State.CLASSIFIED), in_state(State.CLASSIFIED)]
    client.force_login(agent)

    response = run_action(client, "dispatch_selected", chosen)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/complaints/complaint/bulk_dispatch.html"
    content = response.content.decode()
    for complaint in chosen:
        assert complaint.reference in content
        assert f'name="_selected_action" value="{complaint.pk}"' in content
    assert 'name="apply" value="1"' in content
    assert engineering in response.context["form"].fields["team"].queryset
    for complaint in chosen:
        complaint.refresh_from_db()
        assert complaint.state == State.CLASSIFIED


def test_dispatch_selected_to_a_team(client, in_state, agent, environment):
    """Applying the team dispatches each selected complaint through the service (history
    "dispatch" by the agent); one that cannot be dispatched is reported by reference and
    left alone."""
    ready = [in_state(State.CLASSIFIED), in_state(State.CLASSIFIED)]
    new = in_state(State.NEW)
    client.force_login(agent)

    response = apply_dispatch(client, [*ready, new], environment)

    assert response.redirect_chain == [(changelist(), 302)]
    assert sorted(messages(response)) == [
        ("info", "2 complaints updated."),
        ("warning", f"{new.reference}: Cannot dispatch: the complaint is now “New”."),
    ]
    for complaint in ready:
        complaint.refresh_from_db()
        assert (complaint.state, complaint.team) == (State.DISPATCHED, environment)
        latest = complaint.history.latest()
        assert (latest.transition, latest.history_user) == ("dispatch", agent)
    new.refresh_from_db()
    assert new.state == State.NEW


def test_dispatch_selected_refuses_what_the_agent_does_not_own(
    client, in_state, agent2, environment
):
    """Another agent's bulk dispatch of the agent's complaints is refused per complaint."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent2)

    response = apply_dispatch(client, [complaint], environment)

    assert messages(response) == [
        ("warning", f"{complaint.reference}: You are not allowed to do this.")
    ]
    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED


def test_dispatch_selected_to_a_team_of_another_property_is_refused(
    client, in_state, agent, other_engineering
):
    """A team outside the agent's properties is not a choice: the intermediate page comes
    back with the error and nothing is dispatched."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    response = apply_dispatch(client, [complaint], other_engineering)

    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED


@pytest.mark.parametrize("role", ["handler", "supervisor"])
def test_dispatch_selected_is_not_offered_without_the_permission(
    request, client, in_state, environment, role
):
    """Handlers and supervisors do not get the bulk dispatch (nor bulk accept) action,
    and posting it anyway dispatches nothing."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))

    content = client.get(changelist()).content.decode()
    apply_dispatch(client, [complaint], environment)

    assert 'value="dispatch_selected"' not in content
    assert 'value="accept_selected"' not in content
    complaint.refresh_from_db()
    assert complaint.team != environment


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


@pytest.mark.parametrize("role", ["agent", "handler", "supervisor"])
def test_csv_export_contains_the_selected_rows_with_masked_phones(request, client, in_state, role):
    """ "Export selected to CSV" streams a UTF-8 CSV (with BOM for Excel): the header and
    one row per selected complaint, the contact phone masked whoever exports."""
    chosen = [in_state(State.DISPATCHED), in_state(State.HANDLED)]
    left_out = in_state(State.DISPATCHED)
    client.force_login(request.getfixturevalue(role))

    response = run_action(client, "export_csv", chosen)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="complaints.csv"'
    header, *rows = read_csv(response)
    assert header[0] == "Reference"
    assert header[7] == "Contact phone"
    assert sorted(row[0] for row in rows) == sorted(c.reference for c in chosen)
    assert left_out.reference not in {row[0] for row in rows}
    assert {row[7] for row in rows} == {MASKED}
    assert {row[1] for row in rows} == {"Dispatched", "Handled"}
    assert all(PHONE not in cell for row in rows for cell in row)
    filed_at = header.index("Submitted at")
    local = timezone.localtime(chosen[0].created_at).strftime("%Y-%m-%d %H:%M")
    assert local in {row[filed_at] for row in rows}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", row[filed_at]) for row in rows)


def test_csv_export_of_a_queue_selection(client, in_state, agent):
    """Selecting from a filtered list exports only what was selected there."""
    handled = in_state(State.HANDLED)
    in_state(State.DISPATCHED)
    client.force_login(agent)
    listed = references(client.get(changelist(), {"queue": "to_confirm"}))
    assert listed == [handled.reference]

    response = client.post(
        changelist() + "?queue=to_confirm",
        {"action": "export_csv", "_selected_action": [handled.pk], "index": 0},
    )

    _header, *rows = read_csv(response)
    assert [row[0] for row in rows] == [handled.reference]
