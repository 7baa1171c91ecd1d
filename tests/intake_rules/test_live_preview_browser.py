"""The live preview in a real browser (Debian's chromium, headless, against the live
server): typing into the portal's filing form and the admin's intake page shows the
suspected emergency and the suggestion with its reason; the intake page pre-selects the
suggested category and level until the agent chooses one, under the site's CSP (the
script is a static file). Skipped, visibly, without chromium."""

import pytest
from browser import BROWSER_TEST
from factories import PASSWORD

from complaints.models import Category, Complaint, Level

pytestmark = BROWSER_TEST

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(15_000)
    context.add_init_script(COLLECT_VIOLATIONS)
    try:
        yield context.new_page()
    finally:
        context.close()


def log_in(page, server, path: str, username: str) -> None:
    page.goto(f"{server.url}{path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form [type=submit]")


def test_resident_sees_the_suggestion_and_the_emergency_while_typing(page, server, resident):
    log_in(page, server, "/en/portal/login/", resident.user.get_username())
    page.goto(f"{server.url}/en/portal/complaints/new/")
    preview = page.locator("#pd-intake-preview")
    assert preview.is_hidden()

    page.locator("textarea[name=description]").press_sequentially("卫生间漏水，楼下滴水")

    suggestion = page.locator("#pd-intake-preview .pd-preview-suggestion")
    suggestion.wait_for(state="visible")
    assert "Leaks & pipes" in suggestion.inner_text()
    assert "matched 滴水、漏水 → Facilities & equipment / Leaks & pipes" in suggestion.inner_text()
    assert page.locator(".pd-preview-emergency").is_hidden()

    page.locator("textarea[name=description]").press_sequentially("，电梯里还困人了")

    emergency = page.locator("#pd-intake-preview .pd-preview-emergency")
    emergency.wait_for(state="visible")
    assert "This sounds like an emergency (困人)" in emergency.inner_text()
    assert page.evaluate("window.__cspViolations") == []

    # The resident's own choice of kind is not touched, and the form still files.
    assert page.input_value("select[name=category]") == ""
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    complaint = Complaint.objects.get()
    assert (complaint.suspected_emergency, complaint.emergency_phrase) == (True, "困人")


def test_agent_gets_category_and_level_preselected_until_choosing(
    page, server, agent, resident, unit, engineering
):
    elevator = Category.objects.get(code="elevator")
    leak = Category.objects.get(code="leak")
    log_in(page, server, "/en/admin/login/", agent.get_username())
    page.goto(f"{server.url}/en/admin/complaints/complaint/add/")
    page.select_option("select[name=channel]", "phone")
    # The unit is an autocomplete (select2) menu: choose the unit as its script would.
    page.locator("select[name=unit]").evaluate(
        "(select, pk) => { select.add(new Option('unit', pk, true, true)); }", str(unit.pk)
    )

    page.locator("textarea[name=description]").press_sequentially("3号电梯困人")

    suggestion = page.locator("#pd-intake-preview .pd-preview-suggestion")
    suggestion.wait_for(state="visible")
    text = suggestion.inner_text()
    assert str(elevator) in text
    assert str(Level.I.label) in text
    assert engineering.name in text
    assert f"matched 电梯 → {elevator}" in text
    emergency = page.locator("#pd-intake-preview .pd-preview-emergency")
    assert emergency.inner_text() == "This sounds like an emergency: 困人"
    page.wait_for_function(
        "pk => document.querySelector('select[name=category]').value === pk", arg=str(elevator.pk)
    )
    assert page.input_value("select[name=level]") == str(Level.I)

    # The agent chooses the category: it stays, whatever the text suggests next.
    page.select_option("select[name=category]", str(leak.pk))
    page.locator("textarea[name=description]").press_sequentially("，电梯井里有人")
    page.wait_for_timeout(1200)
    assert page.input_value("select[name=category]") == str(leak.pk)
    assert page.input_value("select[name=level]") == str(Level.I)
    assert page.evaluate("window.__cspViolations") == []

    with page.expect_navigation():
        page.click("input[type=submit].default")
    complaint = Complaint.objects.get()
    assert (complaint.category, complaint.level) == (leak, Level.I)
    assert complaint.owner == agent
