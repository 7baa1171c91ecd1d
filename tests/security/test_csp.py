"""Content-Security-Policy (django-csp): every page carries a policy that allows scripts
and styles from this site only, and no template holds an inline script or handler."""

import re
from pathlib import Path

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("url", ["/portal/login/", "/en/admin/login/"])
def test_pages_carry_the_policy(db, url):
    """The login pages (and so every page) send exactly the project's policy: no
    'unsafe-inline', no 'unsafe-eval', nothing from another origin."""
    response = Client().get(url)

    assert response.status_code == 200
    assert policy_of(response) == POLICY
    assert "unsafe" not in response["Content-Security-Policy"]


def test_logged_in_admin_pages_carry_the_policy(project_manager):
    client = Client()
    client.force_login(project_manager)

    assert policy_of(client.get("/en/admin/")) == POLICY


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script(template):
    """Scripts come from static files: no <script> without src, no on…= handler, no
    javascript: link in any of the project's templates."""
    text = template.read_text()

    assert not INLINE_SCRIPT.search(text)
    assert not INLINE_HANDLER.search(text)
    assert "javascript:" not in text.lower()
