"""The API's documentation pages in a real browser (Debian's chromium, headless, against
the live server): Swagger UI and Redoc load their scripts and styles from this site (the
sidecar's files in our static, no CDN, no web fonts), show the API's operations, and
work under the site's Content-Security-Policy: no inline script, no 'unsafe-inline'.
Skipped, visibly, without chromium."""

from urllib.parse import urlsplit

import pytest
from browser import BROWSER_TEST

pytestmark = BROWSER_TEST

# Collects the page's violation reports; Playwright adds it through the DevTools
# protocol, so the policy under test does not block it.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


# Redoc's menu shows its maker's logo from their CDN, whatever the options; the policy
# refuses it (so nothing is fetched) and Redoc then leaves the logo out.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def docs_page(chromium, server):
    """(page, requested URLs, violations, failed requests) for one browser context on the
    live server."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    requested: list[str] = []
    violations: list[str] = []
    failed: dict[str, str] = {}
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
    page.on(
        "console",
        lambda message: (
            violations.append(f"console: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield page, requested, violations, failed
    finally:
        context.close()


def _open(page, server, path: str) -> None:
    response = page.goto(f"{server.url}{path}")
    assert response.status == 200, (path, response.status)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def _collect(page, violations: list[str]) -> None:
    violations.extend(page.evaluate("window.__cspViolations || []"))


def _only_this_site(server, requested: list[str]) -> list[str]:
    here = urlsplit(server.url).netloc
    return [url for url in requested if urlsplit(url).netloc not in (here, "")]


def test_swagger_ui_loads_from_our_static_and_shows_the_operations(docs_page, server):
    """/api/docs/: the sidecar's Swagger UI, its start-up script as a file of its own
    (no inline script), the schema fetched, the residents' operations listed."""
    page, requested, violations, _failed = docs_page
    _open(page, server, "/api/docs/")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/resident/complaints/" in text for text in paths)
    assert any("/api/v1/auth/login/" in text for text in paths)
    _collect(page, violations)

    assert _only_this_site(server, requested) == []
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requested)
    assert any(url.endswith("/api/docs/?script=") for url in requested)
    assert violations == [], "\n".join(violations)


def test_redoc_loads_from_our_static_and_shows_the_operations(docs_page, server):
    """/api/docs/redoc/: the sidecar's Redoc bundle, no web fonts of another site, the
    schema rendered with the residents' operations, the search working; the only thing
    refused is Redoc's logo from its maker's CDN, which is then not fetched."""
    page, requested, violations, failed = docs_page
    _open(page, server, "/api/docs/redoc/")
    page.locator("h2", has_text="File a complaint").first.wait_for()
    page.locator("h2", has_text="Mark my notifications read").first.wait_for()
    # The search runs in its worker.
    page.locator("input[placeholder^='Search']").fill("survey")
    page.locator("[data-role='search:results']", has_text="Rate the latest closing").wait_for()
    _collect(page, violations)

    assert _only_this_site(server, requested) == [REDOC_LOGO]
    assert failed[REDOC_LOGO] == "csp"
    assert any("/static/drf_spectacular_sidecar/redoc/" in url for url in requested)
    assert [item for item in violations if REDOC_LOGO not in item] == [], "\n".join(violations)
