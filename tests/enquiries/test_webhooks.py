"""Signed webhooks to partners, delivered by a real worker to a real HTTP receiver on loopback."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from enquiries import services, webhooks
from enquiries.api.partners import issue_token
from enquiries.choices import Channel, Status
from enquiries.models import Notification, WebhookDelivery
from tests.conftest import wait_for
from tests.enquiries.staff.helpers import sign_in
from tests.factories import CaseFactory, UserFactory


class Receiver:
    """A partner's endpoint: answers with the scripted statuses (then 200), keeps each request."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"boom")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers():
    made = []

    def make(statuses=()):
        made.append(Receiver(statuses))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def fast_retries(settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 2
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """The snippet the README gives partners."""
    signed = headers["X-Northmoor-Timestamp"].encode() + b"." + body
    expected = "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Northmoor-Signature"])


def partner_case(name: str):
    partner, _ = issue_token(name=name)
    case = CaseFactory(partner=partner, channel=Channel.API, status=Status.OPEN)
    return partner, case


@pytest.mark.slow
def test_a_status_change_reaches_the_partner_signed_after_500s(
    live_worker, receivers, fast_retries
):
    receiver = receivers([500, 500])
    partner, case = partner_case("Housing Trust")
    endpoint, secret = webhooks.register_endpoint(partner=partner, url=receiver.url)
    services.case_transition(case=case, to=Status.IN_PROGRESS)

    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(state=WebhookDelivery.State.DELIVERED).first(),
        timeout=60,
    )
    assert delivery.attempts == 3 and delivery.response_status == 200
    assert delivery.response_body == "ok"
    assert len(receiver.received) == 3
    ids = {r["headers"]["X-Northmoor-Delivery"] for r in receiver.received}
    assert ids == {str(delivery.delivery_id)}  # the receiver's idempotency key, every attempt
    for request in receiver.received:
        assert verify(secret, request["headers"], request["body"])
        assert not verify("whsec_wrong", request["headers"], request["body"])
    payload = json.loads(receiver.received[-1]["body"])
    assert payload["type"] == "case.status_changed"
    assert payload["case"]["reference"] == case.reference
    assert payload["data"]["to_status"] == "in_progress"


@pytest.mark.slow
def test_a_council_reply_is_sent_and_an_admin_replays_it(live_worker, receivers, client):
    receiver = receivers()
    partner, case = partner_case("Police")
    _, secret = webhooks.register_endpoint(
        partner=partner, url=receiver.url, events=["case.council_reply"]
    )
    services.case_transition(case=case, to=Status.IN_PROGRESS)  # not subscribed: not sent
    services.reply_to_resident(case=case, body="We have fixed it.", by=None)
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(state=WebhookDelivery.State.DELIVERED).first(),
        timeout=30,
    )
    assert WebhookDelivery.objects.count() == 1
    assert json.loads(receiver.received[0]["body"])["data"]["body"] == "We have fixed it."

    admin = UserFactory(username="hookadmin", is_staff=True, is_superuser=True)
    sign_in(client, admin)
    page = client.get(f"/admin/enquiries/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200 and b"ok" in page.content  # the response is visible
    response = client.post(
        "/admin/enquiries/webhookdelivery/",
        {"action": "replay_deliveries", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    wait_for(lambda: len(receiver.received) == 2, timeout=30)
    first, replayed = receiver.received
    assert replayed["body"] == first["body"]
    assert replayed["headers"]["X-Northmoor-Delivery"] == first["headers"]["X-Northmoor-Delivery"]
    assert verify(secret, replayed["headers"], replayed["body"])


@pytest.mark.slow
def test_a_dead_endpoint_blocks_neither_other_partners_nor_residents(
    live_worker, receivers, fast_retries
):
    dead, alive = receivers([500] * 50), receivers()
    dead_partner, dead_case = partner_case("Broken Partner")
    live_partner, live_case = partner_case("Working Partner")
    webhooks.register_endpoint(partner=dead_partner, url=dead.url)
    webhooks.register_endpoint(partner=live_partner, url=alive.url)
    services.case_transition(case=dead_case, to=Status.IN_PROGRESS)
    services.case_transition(case=live_case, to=Status.RESOLVED)

    wait_for(lambda: len(alive.received) == 1, timeout=30)
    wait_for(
        lambda: Notification.objects.filter(case=live_case, state=Notification.State.SENT).exists(),
        timeout=30,
    )
    failing = WebhookDelivery.objects.get(endpoint__partner=dead_partner)
    assert failing.state == WebhookDelivery.State.PENDING and failing.response_status == 500


@pytest.mark.django_db
def test_each_event_is_recorded_once_per_endpoint(settings):
    partner, case = partner_case("Utility")
    webhooks.register_endpoint(partner=partner, url="https://hooks.utility.example/in")
    other_partner, _ = partner_case("Someone else")
    webhooks.register_endpoint(partner=other_partner, url="https://hooks.else.example/in")
    from django.db import transaction

    with transaction.atomic():
        for _ in range(2):
            webhooks.case_changed(
                case=case, event="case.status_changed", source_key="event:1", data={}
            )
    assert list(WebhookDelivery.objects.values_list("endpoint__partner", flat=True)) == [partner.pk]


@pytest.mark.django_db
def test_endpoints_must_be_https(settings):
    partner, _ = issue_token(name="Careless")
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    for url in ("http://127.0.0.1:8080/x", "http://partner.example/x", "ftp://partner.example"):
        with pytest.raises(ValidationError):
            webhooks.register_endpoint(partner=partner, url=url)
    settings.WEBHOOK_ALLOW_HTTP_LOOPBACK = True
    with pytest.raises(ValidationError):
        webhooks.register_endpoint(partner=partner, url="http://partner.example/x")
    endpoint, secret = webhooks.register_endpoint(partner=partner, url="http://127.0.0.1:9/x")
    assert secret.startswith("whsec_") and endpoint.secret == secret
