"""A local stand-in for GOV.UK Notify's API that checks what the official client sends.

Loopback only, a thread per server, stopped by the context manager. ``script`` is the list of
status codes to answer in turn (then 201 for ever), e.g. [500] for "500 then success"; the entry
``ACCEPT_THEN_TIMEOUT`` accepts the message but answers only after the client gave up.
``hold()`` accepts messages and keeps their answers back until ``release()`` (so a test can kill
the worker mid-send). ``GET /v2/notifications?reference=`` answers like Notify's look-up, and
``accepted(reference)`` counts the messages accepted under a reference.
"""

import json
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"portal_test-{SERVICE_ID}-{SECRET}"  # {key_name}-{service_id}-{secret}
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
ACCEPT_THEN_TIMEOUT = "accept-then-timeout"


@dataclass
class Received:
    path: str
    body: dict
    claims: dict


@dataclass
class NotifyStub:
    script: list[int | str] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    slow_seconds: float = 15.0
    sent: list[dict] = field(default_factory=list)  # every accepted message, as Notify keeps it
    lookups: list[str] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.released.set()

    @property
    def delivered(self) -> list[Received]:
        """Requests that were answered with success (one text message each)."""
        return [r for r in self.received if r.claims.get("_answered") == 201]

    def accepted(self, reference: str | None = None) -> int | Counter:
        """Messages accepted (whatever the client then heard), for one reference or all."""
        with self.lock:
            counts = Counter(item["reference"] for item in self.sent)
        return counts[reference] if reference is not None else counts

    def hold(self) -> None:
        """Accept messages but keep their answers back until release()."""
        self.released.clear()

    def release(self) -> None:
        self.released.set()


def _handler(stub: NotifyStub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms ACK stall

        def log_message(self, *args):  # keep test output clean
            pass

        def do_GET(self):
            url = urlsplit(self.path)
            reference = parse_qs(url.query).get("reference", [""])[0]
            with stub.lock:
                stub.lookups.append(reference)
                found = [item for item in stub.sent if item["reference"] == reference]
            self._answer(200, {"notifications": list(reversed(found)), "links": {}})

        def _answer(self, status: int, answer: dict) -> None:
            data = json.dumps(answer).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout) or its worker was killed
                pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            problems = []
            auth = self.headers.get("Authorization", "")
            claims: dict = {}
            try:
                scheme, token = auth.split(" ", 1)
                assert scheme == "Bearer"
                claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                if claims.get("iss") != SERVICE_ID:
                    problems.append(f"iss is {claims.get('iss')}")
            except Exception as exc:  # noqa: BLE001
                problems.append(f"bad Authorization header: {exc}")
            if self.path != "/v2/notifications/sms":
                problems.append(f"unexpected path {self.path}")
            if self.headers.get("Content-Type") != "application/json":
                problems.append(f"content type {self.headers.get('Content-Type')}")
            try:
                body = json.loads(raw)
            except ValueError:
                body = {}
                problems.append("body is not JSON")
            for key in ("phone_number", "template_id", "personalisation"):
                if key not in body:
                    problems.append(f"no {key} in body")
            if "body" not in body.get("personalisation", {}):
                problems.append("no ((body)) personalisation")
            slow = False
            notification_id = str(uuid.uuid4())
            with stub.lock:
                status = stub.script.pop(0) if stub.script else 201
                if status == ACCEPT_THEN_TIMEOUT:
                    status, slow = 201, True
                if problems:
                    status = 400
                    stub.problems.extend(problems)
                claims["_answered"] = status
                stub.received.append(Received(self.path, body, claims))
                if status == 201:
                    stub.sent.append(
                        {
                            "id": notification_id,
                            "reference": body.get("reference"),
                            "status": "sending",
                            "type": "sms",
                            "phone_number": body.get("phone_number"),
                        }
                    )
            stub.released.wait(timeout=120)
            if slow:
                time.sleep(stub.slow_seconds)
            if status == 201:
                answer = {
                    "id": notification_id,
                    "reference": body.get("reference"),
                    "content": {"body": body.get("personalisation", {}).get("body", "")},
                    "template": {"id": body.get("template_id"), "version": 1, "uri": ""},
                    "uri": "",
                }
            else:
                answer = {"status_code": status, "errors": [{"error": "Stub", "message": "no"}]}
            self._answer(status, answer)

    return Handler


@contextmanager
def notify_stub(script: list[int | str] | None = None):
    stub = NotifyStub(script=list(script or []))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        stub.release()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def notify_configured(settings, stub: NotifyStub):
    """Point the portal's Notify settings at the stub (and forget cached clients)."""
    from enquiries import notifications

    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = stub.url
    settings.NOTIFY_SMS_TEMPLATE_ID = TEMPLATE_ID
    notifications._notify_client.cache_clear()
    try:
        yield stub
    finally:
        notifications._notify_client.cache_clear()
