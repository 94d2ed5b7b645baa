"""The provider door: Mailgun inbound through django-anymail, with its signature checked."""

import hashlib
import hmac
import time

import pytest
from django.urls import reverse

from channels.inbound_email.models import InboundMessage, Mailbox
from channels.inbound_email.tasks import process_message
from enquiries.models import Case, OutboxTask
from tests.channels.inbound_email.mails import make_email

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

KEY = "test-signing-key"


@pytest.fixture(autouse=True)
def _signing_key(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY}


def _post(client, raw: bytes, *, key: str = KEY, recipient: str = "contact@northmoor.example"):
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        reverse("inbound_email:mailgun_inbound"),
        {
            "body-mime": raw.decode("utf-8", "surrogateescape"),
            "recipient": recipient,
            "sender": "ann.lee@example.org",
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
    )


def _process_queued() -> None:
    for task in OutboxTask.objects.filter(task_name="channels.inbound_email.tasks.process_message"):
        process_message.run(outbox_id=task.pk, **task.kwargs)


def test_a_signed_post_stores_the_raw_message_and_queues_its_processing(client):
    raw = make_email(subject="Noise from the pub")

    response = _post(client, raw)

    assert response.status_code == 200
    row = InboundMessage.objects.get()
    assert row.source == "webhook" and row.status == InboundMessage.Status.STORED
    assert b"Noise from the pub" in bytes(row.raw)
    _process_queued()
    row.refresh_from_db()
    assert row.status == InboundMessage.Status.PROCESSED
    assert Case.objects.get().summary == "Noise from the pub"
    assert OutboxTask.objects.get(task_name__endswith="process_message").state == "done"


def test_a_bad_signature_is_refused_and_nothing_is_stored(client):
    response = _post(client, make_email(), key="not-the-key")

    assert response.status_code == 400
    assert not InboundMessage.objects.exists()


def test_without_a_configured_key_every_post_is_refused(client, settings):
    settings.ANYMAIL = {}

    response = _post(client, make_email(), key="")

    assert response.status_code == 503 and not InboundMessage.objects.exists()


def test_a_provider_retry_of_the_same_message_is_stored_once(client):
    raw = make_email()

    _post(client, raw)
    _post(client, raw)
    _process_queued()

    assert InboundMessage.objects.count() == 1 and Case.objects.count() == 1


def test_the_recipient_chooses_the_mailbox(client):
    Mailbox.objects.create(name="Planning", slug="planning", address="planning@northmoor.example")

    _post(
        client, make_email(to="planning@northmoor.example"), recipient="planning@northmoor.example"
    )

    assert InboundMessage.objects.get().mailbox.slug == "planning"


def test_when_storing_fails_the_provider_gets_an_error_and_retries(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(InboundMessage.objects, "create", refuse)
    client.raise_request_exception = False

    response = _post(client, make_email())

    assert response.status_code == 500
