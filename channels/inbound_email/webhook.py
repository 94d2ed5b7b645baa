"""The provider door: Mailgun's inbound route (forward to URL), through django-anymail.

Anymail checks the request (Mailgun's HMAC signature over timestamp and token with
MAILGUN_WEBHOOK_SIGNING_KEY, plus basic auth when ANYMAIL_WEBHOOK_SECRET is set) before our
receiver runs. The signature covers only the timestamp and token, not the message, so we also
refuse a timestamp outside EMAIL_WEBHOOK_MAX_AGE_SECONDS and a token already used (kept in the
database, written in the same transaction as the message). The view is CSRF-exempt (a provider
has no CSRF cookie) and reads its own body up to EMAIL_WEBHOOK_MAX_BYTES, independent of the
site-wide DATA_UPLOAD_MAX_MEMORY_SIZE, keeping the raw MIME bytes exactly as posted.

The receiver only stores the raw message and queues its processing in the same
transaction: the provider gets its 200 quickly, and retries (on a 5xx) only when nothing was
stored. Processing then follows the same path as the IMAP poller and the pipe.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import io
import logging
import re
import time
import urllib.parse
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import inbound
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, WebhookToken
from enquiries import outbox

logger = logging.getLogger(__name__)


class InboundEmailWebhookView(MailgunInboundWebhookView):  # type: ignore[misc]  # untyped base
    """Mailgun inbound, refused outright (503) until a signing key is configured."""

    def __init__(self, **kwargs: Any) -> None:
        # Never fall back to an empty key: anyone could sign with it.
        self.configured = bool(getattr(settings, "ANYMAIL", {}).get("MAILGUN_WEBHOOK_SIGNING_KEY"))
        if self.configured:
            super().__init__(**kwargs)

    # Overriding dispatch drops the decorators on anymail's: a provider has no CSRF cookie.
    @method_decorator(csrf_exempt)
    @method_decorator(login_not_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.configured:
            return HttpResponse("Inbound email webhook not configured", status=503)
        if request.method == "POST":
            try:
                load_form(request, limit=settings.EMAIL_WEBHOOK_MAX_BYTES)
            except BodyTooLarge as exc:
                return HttpResponse(str(exc), status=413, content_type="text/plain")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]  # untyped base

    def run_validators(self, request: HttpRequest) -> None:
        super().run_validators(request)  # the signature (and basic auth) first
        check_fresh_and_unused(request)


class BodyTooLarge(Exception):
    pass


def load_form(request: HttpRequest, *, limit: int) -> None:
    """Parse the POST body ourselves, up to ``limit`` bytes, and hand it to request.POST/FILES.

    Django's parser applies DATA_UPLOAD_MAX_MEMORY_SIZE, which is kept small for the rest of
    the site; a message with attachments is far larger. The raw ``body-mime`` bytes are kept
    on the request (``inbound_raw_mime``) exactly as posted, and anymail is given only their
    header block (it needs the recipients, not a second parsed copy of a 30 MB message).
    """
    body = _read_body(request, limit)
    files: MultiValueDict[str, SimpleUploadedFile]
    post, files = QueryDict(mutable=True), MultiValueDict()
    raw_mime: bytes | None = None
    if request.content_type == "multipart/form-data":
        raw_mime = _multipart_fields(body, request.META.get("CONTENT_TYPE", ""), post, files)
    elif request.content_type == "application/x-www-form-urlencoded":
        raw_mime = _urlencoded_fields(body, post)
    else:
        request._body = body  # JSON or anything else: anymail reads request.body
    del body
    if raw_mime is not None:
        post["body-mime"] = _header_block(raw_mime).decode("utf-8", "replace")
    request._post, request._files = post, files  # type: ignore[attr-defined]  # Django's own
    request.inbound_raw_mime = raw_mime  # type: ignore[attr-defined]  # read by _already_stored


def _read_body(request: HttpRequest, limit: int) -> bytes:
    """The request body, refused as soon as it (or its declared length) passes ``limit``."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > limit:
        raise BodyTooLarge(f"request body of {declared} bytes is over the {limit}-byte limit")
    buffer, size = io.BytesIO(), 0
    while chunk := request.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"request body is over the {limit}-byte limit")
        buffer.write(chunk)
    return buffer.getvalue()


def _multipart_fields(
    body: bytes,
    content_type: str,
    post: QueryDict,
    files: MultiValueDict[str, SimpleUploadedFile],
) -> bytes | None:
    """Fill ``post`` and ``files`` from a form-data body; return the raw ``body-mime`` bytes."""
    raw_mime = None
    for headers, data in _form_parts(body, content_type):
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str) or not name:  # nor an RFC 2231 (tuple) name
            continue
        filename = headers.get_filename()
        if filename:
            files.appendlist(name, SimpleUploadedFile(filename, data, headers.get_content_type()))
        elif name == "body-mime":
            raw_mime = data
        else:
            post.appendlist(name, data.decode("utf-8", "replace"))
    return raw_mime


def _urlencoded_fields(body: bytes, post: QueryDict) -> bytes | None:
    """Fill ``post`` from a urlencoded body; return the raw ``body-mime`` bytes."""
    raw_mime = None
    for name, value in urllib.parse.parse_qsl(body, keep_blank_values=True):
        key = name.decode("utf-8", "replace")
        if key == "body-mime":
            raw_mime = value
        else:
            post.appendlist(key, value.decode("utf-8", "replace"))
    return raw_mime


def _header_block(raw: bytes) -> bytes:
    match = re.search(rb"\r?\n\r?\n", raw[:1_000_000])
    return (raw[: match.start()] if match else raw[:1_000_000]) + b"\r\n\r\n"


def _form_parts(body: bytes, content_type: str) -> Iterator[tuple[email.message.Message, bytes]]:
    """(headers, value) for each part of a multipart/form-data body, slicing, never re-parsing
    the values (the stdlib MIME parser would hold a large one as lines of text)."""
    probe = email.message.Message()
    probe["Content-Type"] = content_type
    boundary = probe.get_param("boundary")
    if not boundary:
        return
    delimiter = b"--" + str(boundary).encode("latin-1")
    position = body.find(delimiter)
    while position != -1:
        after = position + len(delimiter)
        if body[after : after + 2] == b"--":
            return
        line_end = body.find(b"\n", after)
        head_end = body.find(b"\r\n\r\n", line_end)
        if line_end == -1 or head_end == -1:
            return
        following = body.find(b"\r\n" + delimiter, head_end + 4)
        if following == -1:
            return
        headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(
            body[line_end + 1 : head_end]
        )
        yield headers, body[head_end + 4 : following]
        position = following + 2


def check_fresh_and_unused(request: HttpRequest) -> None:
    """Refuse a signed request outside the freshness window, or one whose token was used."""
    max_age = settings.EMAIL_WEBHOOK_MAX_AGE_SECONDS
    try:
        stamp = int(request.POST.get("timestamp", ""))
    except ValueError:
        raise AnymailWebhookValidationFailure("Mailgun webhook timestamp is not a number") from None
    age = time.time() - stamp
    if abs(age) > max_age:
        raise AnymailWebhookValidationFailure(
            f"Mailgun webhook timestamp is {int(age)}s from now (allowed: {max_age}s): refused"
        )
    token = request.POST.get("token", "")
    if not token:
        raise AnymailWebhookValidationFailure("Mailgun webhook has no token")
    if WebhookToken.objects.filter(token=token[:255]).exists() and not _already_stored(request):
        raise AnymailWebhookValidationFailure("Mailgun webhook token already used (replay)")


def _already_stored(request: HttpRequest) -> bool:
    """A provider retrying a delivery we stored (our 200 was lost) gets 200 again, not 400:
    the same token with the very message it first carried changes nothing."""
    raw = getattr(request, "inbound_raw_mime", None)
    if not raw:
        return False
    key = ingest.dedupe_key_for(raw, ingest.safe_parse(raw))
    return InboundMessage.objects.filter(
        dedupe_key=key, source=InboundMessage.Source.WEBHOOK
    ).exists()


def spend_token(token: str | None) -> None:
    """Record a token as used; a concurrent replay loses the race on the unique constraint."""
    if not token:
        return
    try:
        with transaction.atomic():
            WebhookToken.objects.create(token=token[:255])
    except IntegrityError:
        raise AnymailWebhookValidationFailure(
            "Mailgun webhook token already used (replay)"
        ) from None
    cutoff = timezone.now() - timedelta(seconds=2 * settings.EMAIL_WEBHOOK_MAX_AGE_SECONDS)
    WebhookToken.objects.filter(seen_at__lt=cutoff).delete()


def raw_bytes(message: email.message.Message) -> bytes:
    """The MIME message as bytes (Mailgun's raw "body-mime" when the route asks for it)."""
    try:
        return message.as_bytes()
    except Exception:  # a message the stdlib cannot re-serialise as bytes
        return message.as_string().encode("utf-8", "surrogateescape")


@receiver(inbound, sender=InboundEmailWebhookView, dispatch_uid="inbound_email_webhook")
def store_inbound(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    message = event.message
    recipients = [message.envelope_recipient or "", *[a.addr_spec for a in message.to]]
    mailbox = ingest.mailbox_for_recipients(recipients)
    raw = getattr(event.esp_event, "inbound_raw_mime", None) or raw_bytes(message)
    token = event.event_id

    def queue(row: InboundMessage) -> None:
        spend_token(token)
        outbox.enqueue(
            "channels.inbound_email.tasks.process_message",
            dedupe_key=f"inbound-email:{row.pk}",
            message_pk=row.pk,
        )

    row, created = ingest.store_raw(
        mailbox=mailbox,
        raw=raw,
        source=InboundMessage.Source.WEBHOOK,
        parsed=ingest.safe_parse(raw),
        then=queue,
    )
    if not created and token:
        # A duplicate delivery: the token is spent too (a retry may already have spent it).
        WebhookToken.objects.get_or_create(token=token[:255])
    logger.info("Webhook message %s %s", row.pk, "stored" if created else "was a duplicate")
