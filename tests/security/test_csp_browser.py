"""The Content-Security-Policy in a real browser (Debian's chromium, headless, against the
live server): a project manager's admin pages and a resident's portal pages load without
a single violation, and the scripts moved out of the templates still work. Skipped,
visibly, without chromium."""

import re

import pytest
from browser import BROWSER_TEST
from factories import PASSWORD, ComplaintFactory, image_upload

from complaints.models import State

# Collects the page's violation reports; Playwright adds it through the DevTools
# protocol, so the policy under test does not block it.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""

pytestmark = BROWSER_TEST


@pytest.fixture
def server(server, settings):
    """The live server with the login lockout on, as in production."""
    settings.AXES_ENABLED = True
    return server


class Visitor:
    """A browser page that records every CSP violation, from the page's own reports and
    from the console, across navigations."""

    def __init__(self, browser, base_url: str, **context_options) -> None:
        self.base_url = base_url
        self.context = browser.new_context(**context_options)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(COLLECT_VIOLATIONS)
        self.page = self.context.new_page()
        self.violations: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.violations.append(f"console: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def collect(self) -> None:
        self.page.wait_for_load_state("load")
        for report in self.page.evaluate("window.__cspViolations || []"):
            self.violations.append(f"{self.page.url}: {report}")
        self.page.evaluate("window.__cspViolations = []")

    def open(self, path: str) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response.status == 200, (path, response.status)
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        self.collect()

    def log_in(self, path: str, username: str, submit: str) -> None:
        self.open(path)
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        with self.page.expect_navigation():
            self.page.click(submit)
        self.collect()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def complaints(resident, walk, engineering):
    """A resident's complaint with a photo (new), and one walked to closed, so the
    change page, the timeline and the month's report all have something to show."""
    with_photo = ComplaintFactory(
        resident=resident,
        description="卫生间天花板漏水，滴到地上。",
        photos=[image_upload("ceiling.jpg")],
    )
    closed = walk(State.CLOSED)
    return with_photo, closed


def test_admin_pages_load_without_csp_violations(
    chromium, server, project_manager, complaints, other_prop
):
    """Admin index, complaint list, a change page, intake, both reports, the failed-login
    list: no violation. The language menu, a static script now, still switches."""
    with_photo, closed = complaints
    visitor = Visitor(chromium, server.url, viewport={"width": 1280, "height": 900})
    try:
        visitor.log_in("/admin/login/", project_manager.username, "input[type=submit]")
        assert visitor.page.url == f"{server.url}/admin/"
        for path in [
            "/admin/",
            "/admin/complaints/complaint/",
            f"/admin/complaints/complaint/{with_photo.pk}/change/",
            f"/admin/complaints/complaint/{closed.pk}/change/",
            "/admin/complaints/complaint/add/",
            "/admin/complaints/monthlysnapshot/red-black/",
            "/admin/complaints/monthlysnapshot/analysis/",
            "/admin/axes/accessattempt/",
            "/admin/buildings/building/add/",
        ]:
            visitor.open(path)

        # The intake's autocomplete menus keep their width from the stylesheet.
        visitor.open("/admin/complaints/complaint/add/")
        menu = visitor.page.locator("#id_unit + .select2-container")
        font = visitor.page.locator("#id_unit").evaluate(
            "select => parseFloat(getComputedStyle(select).fontSize)"
        )
        assert menu.bounding_box()["width"] == pytest.approx(24 * font, abs=2)

        visitor.open("/admin/")
        with visitor.page.expect_navigation():
            visitor.page.select_option("select[name=language]", "en")
        visitor.collect()
        assert re.search(r"/en/admin/$", visitor.page.url)
        assert visitor.page.locator("html").get_attribute("lang") == "en"

        assert visitor.violations == [], "\n".join(visitor.violations)
    finally:
        visitor.close()


def test_portal_pages_load_without_csp_violations(chromium, server, resident, complaints):
    """A resident's login, list, detail (with its photo) and new-complaint form: no
    violation."""
    with_photo, _closed = complaints
    visitor = Visitor(
        chromium,
        server.url,
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    try:
        visitor.log_in("/portal/login/", resident.user.username, "button[type=submit].primary")
        assert visitor.page.url == f"{server.url}/portal/complaints/"
        for path in [
            "/portal/complaints/",
            f"/portal/complaints/{with_photo.pk}/",
            "/portal/complaints/new/",
            "/portal/notifications/",
        ]:
            visitor.open(path)
        thumbnail = visitor.page.goto(f"{server.url}/portal/complaints/{with_photo.pk}/")
        assert thumbnail.status == 200
        image = visitor.page.locator(".photos img").first
        image.scroll_into_view_if_needed()
        visitor.page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        visitor.collect()

        assert visitor.violations == [], "\n".join(visitor.violations)
    finally:
        visitor.close()


def test_the_browser_reports_a_violation(chromium, server):
    """The check itself: an inline script added to a page is refused and reported, so
    an empty list above means no violation, not a deaf listener."""
    visitor = Visitor(chromium, server.url)
    try:
        visitor.open("/portal/login/")
        ran = visitor.page.evaluate(
            """() => {
              window.__ran = false;
              const script = document.createElement("script");
              script.textContent = "window.__ran = true";
              document.body.append(script);
              return window.__ran;
            }"""
        )
        visitor.page.wait_for_timeout(200)
        visitor.collect()

        assert ran is False
        assert any("script-src" in violation for violation in visitor.violations)
    finally:
        visitor.close()
