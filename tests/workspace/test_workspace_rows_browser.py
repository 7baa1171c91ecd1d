"""The list's own rows (complaints.admin.rows) in a real browser: the admin's actions.js
finds their checkboxes, counts the selection, highlights the rows, and "Accept selected"
accepts exactly the ticked complaints; no script error or CSP refusal on the way."""

from browser import BROWSER_TEST
from workspace_helpers import browser_log_in

from complaints.models import Complaint, State

pytestmark = BROWSER_TEST


def test_ticking_rows_and_accepting_them(page, server, in_state, agent):
    new = [in_state(State.NEW) for _ in range(3)]
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    browser_log_in(page, server.url, agent)

    page.goto(f"{server.url}/en/admin/complaints/complaint/?queue=unaccepted")
    for complaint in new[:2]:
        page.check(f"input.action-select[value='{complaint.pk}']")
    counter = page.inner_text(".action-counter")
    selected_rows = page.eval_on_selector_all("#result_list tr.selected", "rows => rows.length")
    page.select_option("select[name=action]", "accept_selected")
    with page.expect_navigation():
        page.click("button[name=index]")

    assert counter == "2 of 3 selected"
    assert selected_rows == 2
    states = dict(Complaint.objects.filter(pk__in=[c.pk for c in new]).values_list("pk", "state"))
    assert [states[c.pk] for c in new] == [State.ACCEPTED, State.ACCEPTED, State.NEW]
    assert page.inner_text("ul.messagelist").strip() == "2 complaints updated."
    assert errors == []
