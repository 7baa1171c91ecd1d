"""People appear by their full names and only where they can act (issue 13, item 6): the
list's owner and team columns, the change page, the CSV, the dispatch form (the chosen
team's active members only, refused otherwise) and the transfer candidates."""

import csv
import io
import re

import pytest
from factories import AgentFactory, HandlerFactory, ProjectManagerFactory, TeamFactory
from workspace_helpers import act_url, admin_url, change_url, field_error, post_action

from complaints.models import State
from staff.models import Team

pytestmark = pytest.mark.django_db


def options(content: str, name: str) -> list[tuple[str, str, str | None]]:
    """(value, label, data-team) of the options of <select name=…>, empty one left out."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', content, re.S)
    assert select is not None, name
    return [
        (value, label.strip(), team or None)
        for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))
        for value in re.findall(r'value="([^"]*)"', attrs)
        for team in [next(iter(re.findall(r'data-team="(\d+)"', attrs)), "")]
        if value
    ]


def test_list_shows_owner_and_team_by_name(client, in_state, agent, project_manager):
    """The owner column reads "Na Li" (not the login "agent"), the team column the
    team's own name."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(project_manager)

    content = client.get(admin_url("complaints_complaint_changelist")).content.decode()

    owner = re.search(r'<td class="field-owner_name">([^<]*)</td>', content).group(1)
    team = re.search(r'<td class="field-team_name">([^<]*)</td>', content).group(1)
    assert complaint.owner == agent
    assert owner == "Na Li"
    assert team == "Engineering"


def test_change_page_shows_owner_and_assignee_by_name(client, in_state, project_manager):
    """The change page names the owner (Na Li) and the assignee (Gang Chen)."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(project_manager)

    content = client.get(change_url(complaint)).content.decode()

    assert re.search(r'field-owner_name">.*?<div class="readonly">Na Li</div>', content, re.S)
    assert re.search(
        r'field-assignee_name">.*?<div class="readonly">Gang Chen</div>', content, re.S
    )


def test_csv_names_the_owner(client, in_state, agent):
    """The CSV's owner column holds the full name."""
    complaint = in_state(State.DISPATCHED)
    client.force_login(agent)

    response = client.post(
        admin_url("complaints_complaint_changelist"),
        {"action": "export_csv", "_selected_action": [complaint.pk], "index": 0},
    )

    body = b"".join(response.streaming_content).decode("utf-8")[1:]
    header, row = list(csv.reader(io.StringIO(body)))
    assert row[header.index("Owner")] == "Na Li"


@pytest.fixture
def crowd(prop, engineering, environment, handler, team_leader, env_handler, agent2):
    """Besides the fixtures' people: an inactive engineer and staff of another property."""
    retired = HandlerFactory(
        username="retired", team=engineering, first_name="Lao", last_name="Wang"
    )
    retired.is_active = False
    retired.save()
    elsewhere = TeamFactory(name="Elsewhere", kind=Team.Kind.ENGINEERING)
    HandlerFactory(username="far", team=elsewhere, first_name="Yuan", last_name="Fang")
    return {"retired": retired}


def test_dispatch_form_offers_each_teams_active_members_by_name(
    client, in_state, agent, engineering, environment, crowd
):
    """The person list holds the property's teams' active members, by full name, each
    marked with their team (the page's script shows only the chosen team's); logins,
    inactive people and other properties' staff are not offered."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    content = client.get(act_url(complaint, "dispatch")).content.decode()

    people = options(content, "assignee")
    by_team = {}
    for _value, label, team in people:
        by_team.setdefault(team, []).append(label)
    assert by_team == {
        str(engineering.pk): ["Gang Chen", "Qiang Liu"],
        str(environment.pk): ["Fang Wu"],
        str(agent.staff_profile.team_id): ["Na Li", "Lei Zhao"],
    }
    assert "complaints/dispatch.js" in content
    assert {label for _value, label, _team in options(content, "team")} == {
        "Customer service",
        "Engineering",
        "Environment",
    }


def test_dispatch_to_someone_outside_the_chosen_team_is_refused(
    client, in_state, agent, engineering, env_handler
):
    """Choosing the environment handler with the engineering team is refused next to
    the person field; the complaint stays classified."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    response = post_action(
        client, complaint, "dispatch", {"team": engineering.pk, "assignee": env_handler.pk}
    )

    assert field_error(response, "assignee") == ["The assignee is not a member of that team."]
    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED


def test_dispatch_to_an_inactive_member_is_refused(client, in_state, agent, engineering, crowd):
    """An inactive member is not a valid choice even when posted by hand."""
    complaint = in_state(State.CLASSIFIED)
    client.force_login(agent)

    response = post_action(
        client, complaint, "dispatch", {"team": engineering.pk, "assignee": crowd["retired"].pk}
    )

    assert field_error(response, "assignee")
    complaint.refresh_from_db()
    assert complaint.state == State.CLASSIFIED


def test_transfer_candidates_are_named(client, in_state, prop, project_manager, agent2):
    """The transfer form lists the people who may own the complaint by their full
    names (owner_candidates), not their logins, and not the current owner."""
    AgentFactory(username="agent9", properties=[prop], first_name="Xiu", last_name="Ma")
    ProjectManagerFactory(username="pm-far", first_name="Far", last_name="Away")
    complaint = in_state(State.ACCEPTED)
    client.force_login(project_manager)

    content = client.get(act_url(complaint, "transfer")).content.decode()

    labels = [label for _value, label, _team in options(content, "new_owner")]
    assert "Lei Zhao" in labels
    assert "Xiu Ma" in labels
    assert "Min Sun" in labels
    assert "Na Li" not in labels  # the owner
    assert "Far Away" not in labels
    assert not any(label in ("agent2", "agent9", "manager") for label in labels)


def test_bulk_dispatch_offers_the_selected_complaints_teams_only(
    client, in_state, agent, engineering, other_engineering
):
    """An agent of two properties dispatching a Lakeside complaint is offered only
    Lakeside's teams."""
    other_engineering.property.staff_profiles.add(agent.staff_profile)
    chosen = in_state(State.CLASSIFIED)
    client.force_login(agent)

    response = client.post(
        admin_url("complaints_complaint_changelist"),
        {"action": "dispatch_selected", "_selected_action": [chosen.pk], "index": 0},
    )

    teams = {value for value, _label, _team in options(response.content.decode(), "team")}
    assert str(engineering.pk) in teams
    assert str(other_engineering.pk) not in teams
