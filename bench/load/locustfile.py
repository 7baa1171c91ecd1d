"""The load test's users (locust), driven by bench/load/run.py; every page is read as a
browser reads it: forms and links come from the HTML, CSRF tokens from the forms.

- PortalResident: logs in through the portal's login form, lists their complaints, opens
  one, and now and then files one with a 12-megapixel photo.
- FilingResident: the filing wave: logs in and files, again and again, until the run has
  filed LOAD_FILINGS complaints (or its filing accounts are used up).
- AdminStaff: an agent, a handler or a project manager (in turn) logs in through the
  admin's login form, lists the complaint changelist and their queues, opens change
  pages; an agent also accepts new complaints through the change page's button.
- HelpdeskStaff: django-helpdesk's staff the same way: login form, ticket list (the page
  and the DataTables JSON it embeds), ticket view.

Settings come from the environment (run.py sets them): LOAD_PASSWORD, LOAD_RESIDENTS
(usernames, comma-separated, for reading), LOAD_FILERS (usernames that may file, each
given to one user), LOAD_STAFF, LOAD_PHOTO
(a JPEG file), LOAD_MAX_REQUESTS (the run stops after that many requests), LOAD_THINK
(each user waits between 0 and that many seconds between tasks; 0 by default),
LOAD_FILINGS and LOAD_PROXY_HTTPS (send X-Forwarded-Proto: https, as the TLS proxy in front of
gunicorn does, so that production settings' secure cookies and CSRF checks apply).
"""

import itertools
import json
import os
import random
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import gevent
import gevent.event
from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import RequestsCookieJar

PASSWORD = os.environ.get("LOAD_PASSWORD", "")
RESIDENTS = [name for name in os.environ.get("LOAD_RESIDENTS", "").split(",") if name]
FILERS = [name for name in os.environ.get("LOAD_FILERS", "").split(",") if name]
STAFF = [name for name in os.environ.get("LOAD_STAFF", "").split(",") if name]
PHOTO = Path(os.environ["LOAD_PHOTO"]).read_bytes() if os.environ.get("LOAD_PHOTO") else b""
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
THINK = float(os.environ.get("LOAD_THINK", "0"))
FILINGS = int(os.environ.get("LOAD_FILINGS", "0"))
PROXY_HTTPS = os.environ.get("LOAD_PROXY_HTTPS") == "1"
# The portal allows 10 filings per resident and hour; a user moves on to the next
# resident before that.
FILINGS_PER_RESIDENT = 8

_residents = itertools.cycle(RESIDENTS)
_filers = iter(FILERS)
_staff = itertools.cycle(STAFF)
_requests = 0
_filings_started = 0
_filings_done = 0


@events.request.add_listener
def _bound(**_kwargs) -> None:
    """Stop the whole run once LOAD_MAX_REQUESTS requests are done."""
    global _requests
    _requests += 1
    if MAX_REQUESTS and _requests == MAX_REQUESTS:
        runner = _environment.runner if _environment else None
        if runner is not None:
            gevent.spawn_later(0, runner.quit)


_environment = None
_logged_in = 0
_all_logged_in = gevent.event.Event()
_login_stats: dict[str, dict] = {}


@events.init.add_listener
def _keep_environment(environment, **_kwargs) -> None:
    global _environment
    _environment = environment


def _one_logged_in() -> None:
    """Once every user has logged in, the statistics start again: the figures are the
    steady state, not 32 password hashes at once. The logins' own figures are kept apart
    (LOAD_LOGIN_STATS)."""
    global _logged_in
    _logged_in += 1
    runner = _environment.runner if _environment else None
    if runner is None or _logged_in != runner.target_user_count:
        return
    for (name, _method), entry in _environment.stats.entries.items():
        if "login" in name:
            _login_stats[name] = {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
    _environment.stats.reset_all()
    _all_logged_in.set()


@events.quitting.add_listener
def _write_login_stats(**_kwargs) -> None:
    if os.environ.get("LOAD_LOGIN_STATS"):
        Path(os.environ["LOAD_LOGIN_STATS"]).write_text(json.dumps(_login_stats))


class Page(HTMLParser):
    """The forms (action, method, fields with their values, select options) and links of
    an HTML page."""

    def __init__(self, html: str, url: str = "") -> None:
        super().__init__()
        self.url = url  # the path answered, after any redirect
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: unescape(v or "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "id": a.get("id", ""), "fields": {}, "options": {}}
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("file", "submit"):
                self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["options"][self._select] = []
        elif tag == "option" and self._select:
            self.forms[-1]["options"][self._select].append(a.get("value", ""))
            if "selected" in a:
                self.forms[-1]["fields"][self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def form_with(self, field: str) -> dict:
        for form in self.forms:
            if field in form["fields"] or field in form["options"]:
                return form
        raise LookupError(f"no form with {field}")


class BehindTlsProxyJar(RequestsCookieJar):
    """The browser's side of the TLS proxy speaks HTTPS, so it sends the Secure cookies
    (session, CSRF) that production settings set; between proxy and gunicorn it is
    plain HTTP, where a cookie jar would keep them back."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class BrowserUser(HttpUser):
    """A browser's session: cookies (secure ones too, behind the TLS proxy), the page's
    address as Referer (Django's CSRF check on HTTPS asks for it)."""

    abstract = True
    wait_time = between(0.0, THINK)

    def on_start(self) -> None:
        if PROXY_HTTPS:
            self.client.headers["X-Forwarded-Proto"] = "https"
            self.client.cookies = BehindTlsProxyJar()

    def referer(self, path: str) -> dict:
        scheme = "https" if PROXY_HTTPS else "http"
        return {"Referer": f"{scheme}://{urlsplit(self.host).netloc}{path}"}

    def get_page(self, path: str, name: str) -> Page | None:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} at {path}")
                return None
            return Page(response.text, urlsplit(response.url).path)

    def login(self, path: str, username: str, name: str, *, landing: str) -> bool:
        """Fill the login form at `path`; a success redirects to `landing` (a path prefix)."""
        try:
            return self._login(path, username, name, landing=landing)
        finally:
            if not getattr(self, "counted", False):
                self.counted = True
                _one_logged_in()

    def _login(self, path: str, username: str, name: str, *, landing: str) -> bool:
        self.client.cookies.clear()
        page = self.get_page(path, f"{name} (form)")
        if page is None:
            return False
        fields = page.form_with("username")["fields"]
        fields.update(username=username, password=PASSWORD)
        with self.client.post(
            path,
            data=fields,
            name=f"{name} (POST)",
            headers=self.referer(path),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = urlsplit(response.headers.get("Location", "")).path
            if response.status_code != 302 or not location.startswith(landing):
                response.failure(f"{username}: {response.status_code} → {location or '-'}")
                return False
        return True


class Resident(BrowserUser):
    """A resident's session. Filing needs an account of LOAD_FILERS (each given to one
    user only, for FILINGS_PER_RESIDENT filings: the portal allows 10 per hour); once
    they are used up, a user logs in with any of LOAD_RESIDENTS and only reads."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        if not self.next_filer():
            self.log_in(next(_residents), budget=0)

    def next_filer(self) -> bool:
        username = next(_filers, None)
        return username is not None and self.log_in(username, budget=FILINGS_PER_RESIDENT)

    def log_in(self, username: str, *, budget: int) -> bool:
        self.username, self.budget = username, budget
        self.complaints: list[str] = []
        if not self.login("/portal/login/", username, "portal: login", landing="/portal/"):
            raise StopUser
        return True

    def may_file(self) -> bool:
        return self.budget > 0 or self.next_filer()


class PortalResident(Resident):
    weight = 3

    def list_complaints(self) -> None:
        page = self.get_page("/portal/complaints/", "portal: my complaints")
        if page is not None:
            self.complaints = sorted(
                {link for link in page.links if re.fullmatch(r"/portal/complaints/\d+/", link)}
            )

    @task(4)
    def my_complaints(self) -> None:
        self.list_complaints()

    @task(4)
    def open_complaint(self) -> None:
        if not self.complaints:
            self.list_complaints()
        if self.complaints:
            self.get_page(random.choice(self.complaints), "portal: complaint page")

    @task(1)
    def file_complaint(self) -> None:
        if self.may_file():
            file_one(self)


def file_one(user: BrowserUser) -> bool:
    """The filing form, filled as a resident does: their own home (or the first place
    offered), a description, one photo; then the page it leads to."""
    path = "/portal/complaints/new/"
    page = user.get_page(path, "portal: filing form")
    if page is None:
        return False
    form = page.form_with("description")
    fields = dict(form["fields"])
    places = [value for value in form["options"].get("place", []) if value]
    fields.update(
        place=fields.get("place") or next((p for p in places if p.startswith("unit:")), places[0]),
        category="",
        description="卫生间天花板漏水，墙面发霉。Water drips from the bathroom ceiling.",
        location_text="卫生间",
        preferred_contact_time="工作日 18:00 以后",
    )
    with user.client.post(
        path,
        data=fields,
        files={"photos": ("IMG_0001.JPG", PHOTO, "image/jpeg")},
        name="portal: file a complaint (POST, 12 MP photo)",
        headers=user.referer(path),
        allow_redirects=False,
        catch_response=True,
    ) as response:
        location = urlsplit(response.headers.get("Location", "")).path
        if response.status_code != 302 or not location.endswith("/submitted/"):
            response.failure(f"{user.username}: {response.status_code} → {location or '-'}")
            return False
    user.budget -= 1
    user.get_page(location, "portal: submitted page")
    return True


class FilingResident(Resident):
    """The filing wave: as many users at once as the run has, filing without pause until
    LOAD_FILINGS are done."""

    wait_time = between(0.0, 0.0)

    @task
    def file(self) -> None:
        global _filings_started, _filings_done
        _all_logged_in.wait()
        if _filings_started >= FILINGS or not self.may_file():
            raise StopUser
        _filings_started += 1
        try:
            file_one(self)
        finally:
            _filings_done += 1
            if _filings_done == FILINGS and _environment and _environment.runner:
                gevent.spawn_later(0, _environment.runner.quit)


class AdminStaff(BrowserUser):
    weight = 1
    changelist = "/admin/complaints/complaint/"

    def on_start(self) -> None:
        super().on_start()
        self.username = next(_staff)
        self.changes: list[str] = []
        landing = "/admin/"
        if not self.login(f"/admin/login/?next={landing}", self.username, "staff: login",
                          landing=landing):  # fmt: skip
            raise StopUser

    def collect(self, page: Page | None) -> None:
        if page is not None:
            # A filtered list's links carry the filters (?_changelist_filters=…).
            paths = (urlsplit(link).path for link in page.links)
            found = [
                p for p in paths if re.fullmatch(r"/admin/complaints/complaint/\d+/change/", p)
            ]
            if found:
                self.changes = found

    @task(4)
    def complaint_list(self) -> None:
        self.collect(self.get_page(self.changelist, "staff: complaint changelist"))

    @task(3)
    def queue(self) -> None:
        queue = random.choice(["unaccepted", "mine", "my_team", "due_soon", "overdue"])
        self.collect(self.get_page(f"{self.changelist}?queue={queue}", "staff: queue"))

    @task(4)
    def change_page(self) -> None:
        if not self.changes:
            self.complaint_list()
        if self.changes:
            self.get_page(random.choice(self.changes), "staff: change page")

    @task(2)
    def accept(self) -> None:
        """Accept a new complaint from the unaccepted queue, if this person may: the
        change page shows the button only then."""
        queue = self.get_page(f"{self.changelist}?queue=unaccepted", "staff: queue")
        self.collect(queue)
        if not self.changes:
            return
        change = random.choice(self.changes)
        page = self.get_page(change, "staff: change page")
        if page is None:
            return
        act = next((link for link in page.links if link.endswith("/act/accept/")), None)
        if act is None:
            return
        form_page = self.get_page(act, "staff: accept (form)")
        if form_page is None:
            return
        if form_page.url == change:
            # Accepted by someone else since the change page: the form's address sent
            # this user back to it with a message, as the product does.
            return
        fields = form_page.form_with("expected_state")["fields"]
        with self.client.post(
            act,
            data=fields,
            name="staff: accept (POST)",
            headers=self.referer(act),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = urlsplit(response.headers.get("Location", "")).path
            if response.status_code != 302 or location != change:
                response.failure(f"{self.username}: {response.status_code} → {location or '-'}")


class HelpdeskStaff(BrowserUser):
    """django-helpdesk's staff: the ticket list is a page whose rows come from the
    DataTables endpoint it embeds (25 rows, newest first, as the page asks)."""

    columns = ["id", "ticket", "priority", "queue", "status", "created", "due_date",
               "assigned_to", "submitter", "last_followup"]  # fmt: skip

    def on_start(self) -> None:
        super().on_start()
        self.username = next(_staff)
        self.tickets: list[int] = []
        self.data_url = ""
        if not self.login("/helpdesk/login/", self.username, "helpdesk: login",
                          landing="/helpdesk/"):  # fmt: skip
            raise StopUser

    def params(self) -> dict:
        params = {"draw": "1", "start": "0", "length": "25", "search[value]": "",
                  "search[regex]": "false", "order[0][column]": "5", "order[0][dir]": "desc",
                  "order[0][name]": "", "_": "1700000000000"}  # fmt: skip
        for i, column in enumerate(self.columns):
            params.update({
                f"columns[{i}][data]": column, f"columns[{i}][name]": "",
                f"columns[{i}][searchable]": "true",
                f"columns[{i}][orderable]": "false" if i == 0 else "true",
                f"columns[{i}][search][value]": "", f"columns[{i}][search][regex]": "false",
            })  # fmt: skip
        return params

    @task(4)
    def ticket_list(self) -> None:
        with self.client.get(
            "/helpdesk/tickets/", name="helpdesk: ticket list", catch_response=True
        ) as response:
            found = re.search(r"datatables_ticket_list/([A-Za-z0-9+/=]*)", response.text)
            if response.status_code != 200 or not found:
                response.failure(f"{response.status_code}, DataTables URL not found")
                return
            self.data_url = urljoin("/helpdesk/", f"datatables_ticket_list/{found.group(1)}")
        with self.client.get(
            self.data_url,
            params=self.params(),
            name="helpdesk: ticket list data (JSON)",
            headers={"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"},
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(str(response.status_code))
                return
            self.tickets = [row["id"] for row in response.json()["data"]] or self.tickets

    @task(4)
    def ticket_view(self) -> None:
        if not self.tickets:
            self.ticket_list()
        if self.tickets:
            ticket = random.choice(self.tickets)
            self.get_page(f"/helpdesk/tickets/{ticket}/", "helpdesk: ticket view")
