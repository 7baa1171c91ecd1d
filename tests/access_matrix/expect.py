"""What a request may answer: allowed, or refused in one precise way.

Every expectation but `ok`/`any_status(writes=True)` also means "changes no row".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.contrib.messages import get_messages
from django.urls import reverse


@dataclass(frozen=True)
class Expect:
    name: str
    accepts: Callable[["Answer"], bool] = field(compare=False)
    writes: bool = False  # may change rows (the runner then checks they stay in scope)

    def __str__(self) -> str:
        return self.name


@dataclass
class Answer:
    """A response as the checks see it."""

    status: int
    location: str
    body: str
    messages: list[str]
    rows: int | None  # changelist rows, when the body is an admin changelist


def answer_of(response, body: str) -> Answer:
    location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
    try:
        messages = [str(m) for m in get_messages(response.wsgi_request)]
    except Exception:  # no message storage on this request (e.g. a 405 before middleware)
        messages = []
    return Answer(response.status_code, location, body, messages, changelist_rows(body))


def changelist_rows(body: str) -> int | None:
    """Rows of an admin changelist (`#result_list`); 0 when the page says there are none."""
    if 'id="changelist"' not in body:
        return None
    match = re.search(r'<table id="result_list">.*?<tbody>(.*?)</tbody>', body, re.S)
    if match is None:
        return 0
    return len(re.findall(r"<tr[\s>]", match.group(1)))


def _path(url: str) -> str:
    return urlsplit(url).path


def _has_error(a: Answer) -> bool:
    return bool(re.search(r'class="(errornote|errorlist|form-errors)[" ]', a.body))


def ok(*, writes: bool = False) -> Expect:
    """Allowed: the page (200), or for a write the saved redirect (302, not to a login)."""

    def accepts(a: Answer) -> bool:
        if a.status == 200:
            return True
        return writes and a.status == 302 and "/login/" not in a.location

    return Expect("allowed (200" + (" or saved 302)" if writes else ")"), accepts, writes)


SAVED = Expect(
    "saved (302 on, not to a login page)",
    lambda a: a.status == 302 and "/login/" not in a.location,
    writes=True,
)


def redirect_to(url: str) -> Expect:
    return Expect(f"302 to {url}", lambda a: a.status == 302 and _path(a.location) == _path(url))


def login(kind: str) -> Expect:
    url = reverse("admin:login" if kind == "admin" else "portal:login")
    return Expect(
        f"302 to the {kind} login",
        lambda a: a.status == 302 and _path(a.location) == url,
    )


def status(*codes: int, name: str = "") -> Expect:
    return Expect(name or " or ".join(map(str, codes)), lambda a: a.status in codes)


def _missing_redirect(a: Answer) -> bool:
    return (
        a.status == 302
        and _path(a.location) == reverse("admin:index")
        and any("exist" in text for text in a.messages)
    )


FORBIDDEN = status(403, name="403")
NOT_FOUND = status(404, name="404")
NOT_ALLOWED = status(405, name="405")
HIDDEN = Expect(
    "hidden (404, or the admin's “doesn't exist” redirect)",
    lambda a: a.status == 404 or _missing_redirect(a),
)
HIDDEN_OR_FORBIDDEN = Expect(
    "hidden or 403", lambda a: a.status in (403, 404) or _missing_redirect(a)
)
INVALID = Expect(
    "a validation error (200/400 with the error shown)",
    lambda a: a.status in (200, 400) and _has_error(a),
)
DENIED = Expect(
    "refused (403, or a validation error)",
    lambda a: a.status == 403 or (a.status in (200, 400) and _has_error(a)),
)
REFUSED = Expect(
    "refused (a redirect, 400, 403, 404 or 405 — not a form)",
    lambda a: a.status in (301, 302, 303, 307, 308, 400, 403, 404, 405),
)
READ = Expect("read-only (200 or 405)", lambda a: a.status in (200, 405))
NO_CHANGE = Expect("any answer, nothing changed", lambda a: a.status < 500)
ANY_WRITE = Expect("any answer, writes in scope only", lambda a: a.status < 500, writes=True)
OWN_SCOPE = Expect(
    "refused, or the role and properties left as they were (own profile)",
    lambda a: a.status < 500,
    writes=True,  # the runner refuses any change of the poster's own profile or account
)
PORTAL_OK = Expect(
    "allowed (200, or 302 to a portal page)",
    lambda a: (
        a.status == 200
        or (a.status == 302 and "/login/" not in a.location and "/admin/" not in a.location)
    ),
)
NO_ROWS = Expect(
    "no rows (the search does not match a masked field)",
    lambda a: a.status == 200 and a.rows == 0,
)


def lookup_refused_or_ignored(baseline: int | None) -> Expect:
    """An undeclared URL lookup: refused (400, or the admin's ?e=1 redirect) or ignored
    (the same rows as without it)."""

    def accepts(a: Answer) -> bool:
        if a.status == 400 or (a.status == 302 and "e=1" in a.location):
            return True
        return a.status == 200 and a.rows == baseline

    return Expect(f"refused (400) or ignored ({baseline} rows as without it)", accepts)
