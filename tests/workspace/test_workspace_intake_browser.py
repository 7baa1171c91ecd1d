"""The repeat warning's "Save anyway" and "Merge into …" buttons in a real browser. They
are submit buttons of the one intake form: a form nested in another is dropped by
browsers, so a button that works under the test client can post the wrong form (or
nothing) in every browser."""

import pytest
from browser import BROWSER_TEST
from factories import ComplaintFactory
from workspace_helpers import browser_log_in

from complaints.models import Complaint, State

pytestmark = BROWSER_TEST

ADD_PATH = "/en/admin/complaints/complaint/add/"


def change_path(complaint: Complaint) -> str:
    return f"/en/admin/complaints/complaint/{complaint.pk}/change/"


@pytest.fixture
def viewport():
    """Taller than the workspace's default: the warning and its buttons below the form."""
    return {"width": 1366, "height": 900}


@pytest.fixture
def warned(page, server, agent, resident, unit):
    """The agent has typed a call about the resident's unit, where two complaints were
    filed this month, and pressed "Check and save": the page shows the repeat warning.
    Returns the two earlier complaints, newest first."""
    earlier = [ComplaintFactory(resident=resident) for _ in range(2)][::-1]
    browser_log_in(page, server.url, agent)

    page.goto(f"{server.url}{ADD_PATH}")
    page.select_option("select[name=channel]", "phone")
    # The unit is an autocomplete (select2) menu: choose the unit as its script would.
    page.locator("select[name=unit]").evaluate(
        "(select, pk) => { select.add(new Option('unit', pk, true, true)); }", str(unit.pk)
    )
    page.fill("textarea[name=description]", "The bathroom ceiling drips again.")
    page.fill("input[name=location_text]", "Bathroom")
    with page.expect_navigation():
        page.click("input[type=submit].default")

    assert page.url.endswith(ADD_PATH)
    warning = page.locator(".pd-repeat-hint li.warning")
    assert "Repeat problem? 2 complaints" in warning.inner_text()
    assert page.input_value("textarea[name=description]") == "The bathroom ceiling drips again."
    # Each button belongs to the intake form itself, as the browser parsed the page.
    owners = page.locator(".submit-row button").evaluate_all(
        "buttons => buttons.map(b => b.form.id)"
    )
    assert owners == ["pd-intake-form"] * 3
    return earlier


def test_save_anyway_saves_the_call_owned_by_the_agent(page, server, agent, warned):
    """Clicking "Save anyway" files the call as a new complaint owned by the agent and
    opens it."""
    with page.expect_navigation():
        page.click("button.pd-save-anyway")

    complaint = Complaint.objects.latest("pk")
    assert complaint.pk not in {c.pk for c in warned}
    assert page.url.endswith(change_path(complaint))
    assert (complaint.state, complaint.owner_id) == (State.ACCEPTED, agent.pk)
    assert complaint.description == "The bathroom ceiling drips again."
    assert "recorded: you own it" in page.locator("ul.messagelist").inner_text()


def test_merge_into_merges_the_call_into_the_chosen_complaint(page, server, agent, warned):
    """Clicking "Merge into TS…" of the older complaint files the call merged into it and
    opens that complaint."""
    target = warned[1]

    with page.expect_navigation():
        page.click(f"button.pd-merge-into[value='{target.pk}']")

    complaint = Complaint.objects.latest("pk")
    assert (complaint.state, complaint.merged_into_id) == (State.MERGED, target.pk)
    assert page.url.endswith(change_path(target))
    assert f"merged into {target.reference}" in page.locator("ul.messagelist").inner_text()
