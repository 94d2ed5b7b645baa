"""Mailgun inbound through a real HTTP server, CSRF enforced exactly as in production.

The Django test client skips CSRF checks, which once hid a 403 on every real delivery: these
tests post with urllib to pytest-django's live server instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from django.urls import reverse

from channels.inbound_email.models import InboundMessage, WebhookToken
from tests.channels.inbound_email.mails import make_email

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mail_settings")]

KEY = "live-signing-key"


@pytest.fixture(autouse=True)
def _signing_key(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY}
    settings.EMAIL_WEBHOOK_MAX_AGE_SECONDS = 300


def _signed(timestamp: int | None = None, token: str | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    token = token or secrets.token_hex(25)
    signature = hmac.new(KEY.encode(), f"{stamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": stamp, "token": token, "signature": signature}


def _multipart(fields: dict[str, str | bytes]) -> tuple[bytes, str]:
    """multipart/form-data as Mailgun's forward() sends it (body-mime a plain field)."""
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        data = value if isinstance(value, bytes) else value.encode()
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


def _post(live_server, raw: bytes, *, signed: dict[str, str] | None = None, urlencoded=False):
    fields: dict[str, str | bytes] = {
        "recipient": "contact@northmoor.example",
        "sender": "ann.lee@example.org",
        **(signed or _signed()),
        "body-mime": raw,
    }
    if urlencoded:
        body = urllib.parse.urlencode(fields).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        body, content_type = _multipart(fields)
    request = urllib.request.Request(
        live_server.url + reverse("inbound_email:mailgun_inbound"),
        data=body,
        headers={"Content-Type": content_type},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_real_signed_delivery_is_accepted_with_csrf_enforced(live_server):
    status = _post(live_server, make_email(subject="Flooding on Mill Lane"))

    assert status == 200
    row = InboundMessage.objects.get()
    assert row.source == "webhook" and b"Flooding on Mill Lane" in bytes(row.raw)


def test_a_urlencoded_delivery_is_accepted_too(live_server):
    assert _post(live_server, make_email(), urlencoded=True) == 200
    assert InboundMessage.objects.count() == 1


def test_a_stale_timestamp_is_refused(live_server):
    old = int(time.time()) - 3600

    status = _post(live_server, make_email(), signed=_signed(timestamp=old))

    assert status == 400 and not InboundMessage.objects.exists()


def test_a_timestamp_from_the_future_is_refused(live_server):
    status = _post(live_server, make_email(), signed=_signed(timestamp=int(time.time()) + 3600))

    assert status == 400 and not InboundMessage.objects.exists()


def test_a_replayed_token_is_refused_even_for_a_different_message(live_server):
    signed = _signed()
    assert _post(live_server, make_email(subject="First"), signed=signed) == 200

    status = _post(live_server, make_email(subject="Second"), signed=signed)

    assert status == 400
    assert list(InboundMessage.objects.values_list("subject", flat=True)) == ["First"]
    assert WebhookToken.objects.filter(token=signed["token"]).count() == 1


def test_a_token_is_not_spent_when_storing_failed_so_the_provider_can_retry(
    live_server, monkeypatch
):
    signed = _signed()
    real_create = InboundMessage.objects.create
    calls = {"n": 0}

    def fail_once(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database hiccup")
        return real_create(*args, **kwargs)

    monkeypatch.setattr(InboundMessage.objects, "create", fail_once)

    assert _post(live_server, make_email(), signed=signed) >= 500
    assert _post(live_server, make_email(), signed=signed) == 200
    assert InboundMessage.objects.count() == 1


def test_a_large_message_is_taken_even_with_a_small_global_upload_limit(live_server, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    big = make_email(attachments=[("survey.pdf", "application/pdf", b"%PDF-1.4\n" * 400_000)])
    assert len(big) > 3 * 1024 * 1024

    status = _post(live_server, big)

    assert status == 200
    assert bytes(InboundMessage.objects.get().raw) == big


def test_a_body_over_the_webhook_limit_is_refused_with_413(live_server, settings):
    settings.EMAIL_WEBHOOK_MAX_BYTES = 200_000

    status = _post(live_server, make_email(body="x" * 300_000))

    assert status == 413 and not InboundMessage.objects.exists()


def test_a_provider_retry_of_a_stored_delivery_with_the_same_token_gets_200(live_server):
    signed, raw = _signed(), make_email(subject="Retried")
    assert _post(live_server, raw, signed=signed) == 200

    status = _post(live_server, raw, signed=signed)  # our first 200 was lost on the way

    assert status == 200 and InboundMessage.objects.count() == 1


@pytest.mark.parametrize("urlencoded", [False, True])
def test_the_raw_message_is_stored_byte_for_byte_even_with_8bit_latin1(live_server, urlencoded):
    raw = (
        b"From: Ren\xe9e <renee@example.org>\r\nTo: contact@northmoor.example\r\n"
        b"Subject: Caf\xe9\r\nMessage-ID: <latin1-webhook@example.org>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n"
        b"\r\nThe caf\xe9 bins overflow.\r\n"
    )

    assert _post(live_server, raw, urlencoded=urlencoded) == 200

    assert bytes(InboundMessage.objects.get().raw) == raw
