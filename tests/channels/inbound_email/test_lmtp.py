"""The LMTP receiver, driven by a real LMTP client over loopback (as the mail server does)."""

import asyncio
import smtplib
import threading

import pytest

from channels.inbound_email import lmtp
from channels.inbound_email.models import InboundMessage, Mailbox
from enquiries.models import Case
from tests.channels.inbound_email.mails import make_email
from tests.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mail_settings")]


@pytest.fixture
def server():
    running = lmtp.start("127.0.0.1", 0, workers=2)
    yield running
    running.stop()


def _client(server) -> smtplib.LMTP:
    client = smtplib.LMTP(server.host, server.port, timeout=30)
    client.ehlo("mx.northmoor.example")  # smtplib.LMTP sends LHLO
    return client


def _processed(raw: bytes):
    return InboundMessage.objects.filter(raw=raw, status=InboundMessage.Status.PROCESSED).first()


def test_a_delivered_message_is_stored_before_250_and_then_becomes_a_case(server):
    raw = make_email(subject="Streetlight out on Hill Road")
    client = _client(server)

    refused = client.sendmail("ann.lee@example.org", ["contact@northmoor.example"], raw)
    client.quit()

    assert refused == {}
    row = InboundMessage.objects.get()
    # As the client sent it on the wire (CRLF line ends, dot-unstuffed): the headers and body.
    assert bytes(row.raw).replace(b"\r\n", b"\n").rstrip() == raw.rstrip()
    wait_for(lambda: InboundMessage.objects.filter(status="processed").exists())
    assert Case.objects.get().summary == "Streetlight out on Hill Road"


def test_the_same_message_delivered_twice_is_stored_once(server):
    raw = make_email()
    for _ in range(2):
        client = _client(server)
        client.sendmail("ann.lee@example.org", ["contact@northmoor.example"], raw)
        client.quit()

    assert InboundMessage.objects.count() == 1
    wait_for(lambda: Case.objects.count() == 1)


def test_storage_failure_answers_451_so_the_mail_server_keeps_the_message(server, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(InboundMessage.objects, "create", refuse)
    client = _client(server)

    with pytest.raises(smtplib.SMTPDataError) as raised:
        client.sendmail("ann.lee@example.org", ["contact@northmoor.example"], make_email())
    client.close()

    assert raised.value.smtp_code == 451
    assert not InboundMessage.objects.exists()


def test_each_recipient_gets_its_own_reply_and_mailbox(server):
    Mailbox.objects.create(name="Planning", slug="planning", address="planning@northmoor.example")
    client = _client(server)
    client.mail("ann.lee@example.org")
    client.rcpt("contact@northmoor.example")
    client.rcpt("planning@northmoor.example")

    first = client.data(make_email())
    second = client.getreply()
    client.quit()

    assert first[0] == 250 and second[0] == 250
    assert sorted(InboundMessage.objects.values_list("mailbox__slug", flat=True)) == [
        "contact",
        "planning",
    ]


def test_the_server_starts_even_when_the_calling_thread_runs_an_event_loop():
    async def started_inside_a_running_loop():
        running = lmtp.start("127.0.0.1", 0, workers=1)
        port = running.port
        running.stop()
        return port

    ports: list[int] = []
    # In a thread of its own: the test runner's thread may be running a loop already.
    caller = threading.Thread(
        target=lambda: ports.append(asyncio.run(started_inside_a_running_loop()))
    )
    caller.start()
    caller.join(timeout=60)

    assert ports and ports[0] > 0
