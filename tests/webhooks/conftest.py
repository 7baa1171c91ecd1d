"""A real receiver on 127.0.0.1 that checks every request's signature, webhooks that
point at it, and a frozen clock to move on."""

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from complaints.models import Webhook
from complaints.webhooks import signature_verify


@dataclass
class Received:
    path: str
    event: str
    delivery: str
    timestamp: str
    signature: str
    body: bytes
    signature_valid: bool

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers 401 to a signature that is not the secret's of the
    path's webhook, else the next of `statuses` (the last one once they run out), each
    a status code or a (status code, body) pair."""

    base_url: str
    secrets: dict[str, str] = field(default_factory=dict)
    statuses: list = field(default_factory=lambda: [200])
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, received: Received) -> tuple[int, bytes]:
        with self.lock:
            self.requests.append(received)
            if not received.signature_valid:
                return 401, b"bad signature"
            answer = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            return answer if isinstance(answer, tuple) else (answer, b"ok")


@pytest.fixture
def receiver():
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            timestamp = self.headers.get("X-PropertyDesk-Timestamp", "")
            signature = self.headers.get("X-PropertyDesk-Signature", "")
            hook_receiver = state["receiver"]
            received = Received(
                path=self.path,
                event=self.headers.get("X-PropertyDesk-Event", ""),
                delivery=self.headers.get("X-PropertyDesk-Delivery", ""),
                timestamp=timestamp,
                signature=signature,
                body=body,
                # Against this thread's clock, which time-machine moves with the test's.
                signature_valid=signature_verify(
                    hook_receiver.secrets.get(self.path, ""), timestamp, body, signature
                ),
            )
            status, answer = hook_receiver.answer(received)
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    state["receiver"] = Receiver(base_url=f"http://{host}:{port}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["receiver"]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def make_hook(receiver, prop):
    """`make_hook(events, properties=[prop], path="/erp")`: an active webhook posting to
    the receiver at `path`, whose secret the receiver checks there."""

    def _make(events, *, properties=None, path="/erp", name="ERP", format="json") -> Webhook:
        hook = Webhook.objects.create(
            name=name, url=f"{receiver.base_url}{path}", events=list(events), format=format
        )
        hook.properties.set(properties or [prop])
        receiver.secrets[path] = hook.secret
        return hook

    return _make


@pytest.fixture
def travel(time_machine) -> Callable[[datetime], datetime]:
    """`travel(moment)` freezes the clock at `moment` (tick=False), for the code under
    test and the receiver's thread alike, and returns it."""

    def _travel(moment: datetime) -> datetime:
        assert moment.tzinfo is not None
        time_machine.move_to(moment, tick=False)
        return moment

    return _travel
