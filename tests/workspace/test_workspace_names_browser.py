"""The dispatch form in a real browser: choosing a team leaves only that team's members
to choose as the person (complaints/dispatch.js, a static file the CSP allows)."""

from browser import BROWSER_TEST
from factories import ComplaintFactory
from workspace_helpers import browser_log_in

from complaints.models import State

pytestmark = BROWSER_TEST

OFFERED = "el => [...el.options].filter(o => o.value && !o.disabled && !o.hidden).map(o => o.text)"


def test_choosing_a_team_offers_only_its_members(
    page, server, walk, resident, agent, engineering, environment, team_leader, env_handler
):
    """Engineering (the category's default) offers Gang Chen and Qiang Liu; switching to
    environment offers only Fang Wu and clears a person of the other team; no script
    error or CSP refusal on the way."""
    complaint = walk(State.CLASSIFIED, complaint=ComplaintFactory(resident=resident))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    browser_log_in(page, server.url, agent)

    page.goto(f"{server.url}/en/admin/complaints/complaint/{complaint.pk}/act/dispatch/")
    page.select_option("select[name=team]", str(engineering.pk))
    engineers = page.eval_on_selector("select[name=assignee]", OFFERED)
    page.select_option("select[name=assignee]", label="Gang Chen")
    page.select_option("select[name=team]", str(environment.pk))
    cleaners = page.eval_on_selector("select[name=assignee]", OFFERED)
    chosen = page.eval_on_selector("select[name=assignee]", "el => el.value")

    assert engineers == ["Gang Chen", "Qiang Liu"]
    assert cleaners == ["Fang Wu"]
    assert chosen == ""
    assert errors == []
