"""URLs, messages and button parsing for the staff workspace tests."""

import html
import re

from django.contrib.messages import get_messages
from django.urls import reverse
from factories import PASSWORD
from staff_cases import MASKED, PHONE  # noqa: F401  (the workspace tests import them here)

from complaints.models import Complaint


def browser_log_in(page, base_url: str, user, prefix: str = "/en") -> None:
    """Log `user` in through the admin's login form in a real browser; `prefix` is the
    language's ("" for Chinese, the default language)."""
    page.goto(f"{base_url}{prefix}/admin/login/")
    page.fill("input[name=username]", user.get_username())
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


def admin_url(name: str, *args) -> str:
    """An admin URL; the autouse `english` fixture makes it /en/admin/..."""
    return reverse(f"admin:{name}", args=args)


def change_url(complaint: Complaint) -> str:
    return admin_url("complaints_complaint_change", complaint.pk)


def act_url(complaint: Complaint, action: str) -> str:
    return admin_url("complaints_complaint_act", complaint.pk, action)


def reveal_url(complaint: Complaint) -> str:
    return admin_url("complaints_complaint_reveal_phone", complaint.pk)


def buttons(response) -> set[str]:
    """The action buttons rendered on a change page."""
    return set(re.findall(r'class="pd-action pd-action-([a-z_]+)"', response.content.decode()))


def messages(response) -> list[tuple[str, str]]:
    """(level tag, text) of the messages the request left for the user."""
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def message_texts(response) -> list[str]:
    return [text for _level, text in messages(response)]


def references(response) -> list[str]:
    """The complaint references of a changelist, in the order listed."""
    return re.findall(
        r'<td class="field-reference_link"><a href="[^"]+">(TS\d{8})</a>',
        (response.content.decode()),
    )


def post_action(client, complaint: Complaint, action: str, data: dict | None = None, **kwargs):
    """POST an action form as the page rendered now would (expected_state = current state),
    following the redirect back to the change page."""
    complaint.refresh_from_db()
    payload = {"expected_state": complaint.state, **(data or {})}
    return client.post(act_url(complaint, action), payload, follow=True, **kwargs)


def field_error(response, field: str) -> list[str]:
    """The errors the action form shows next to `field` (rendered right above its input)."""
    content = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>\s*'
        rf'<div class="flex-container"><label for="id_{field}"',
        content,
        re.S,
    )
    if match is None:
        return []
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", match.group(1))]
