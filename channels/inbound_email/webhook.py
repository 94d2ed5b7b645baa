"""The provider door: Mailgun's inbound route (forward to URL), through django-anymail.

Anymail checks the request (Mailgun's HMAC signature over timestamp and token with
MAILGUN_WEBHOOK_SIGNING_KEY, plus basic auth when ANYMAIL_WEBHOOK_SECRET is set) before our
receiver runs. The receiver only stores the raw message and queues its processing in the same
transaction: the provider gets its 200 quickly, and retries (on a 5xx) only when nothing was
stored. Processing then follows the same path as the IMAP poller and the pipe.
"""

from __future__ import annotations

import logging

from anymail.signals import inbound
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpResponse

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage
from enquiries import outbox

logger = logging.getLogger(__name__)


class InboundEmailWebhookView(MailgunInboundWebhookView):
    """Mailgun inbound, refused outright (503) until a signing key is configured."""

    def __init__(self, **kwargs):
        # Never fall back to an empty key: anyone could sign with it.
        self.configured = bool(getattr(settings, "ANYMAIL", {}).get("MAILGUN_WEBHOOK_SIGNING_KEY"))
        if self.configured:
            super().__init__(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        if not self.configured:
            return HttpResponse("Inbound email webhook not configured", status=503)
        return super().dispatch(request, *args, **kwargs)


def raw_bytes(message) -> bytes:
    """The MIME message as bytes (Mailgun's raw "body-mime" when the route asks for it)."""
    try:
        return message.as_bytes()
    except Exception:  # a message the stdlib cannot re-serialise as bytes
        return message.as_string().encode("utf-8", "surrogateescape")


@receiver(inbound, sender=InboundEmailWebhookView, dispatch_uid="inbound_email_webhook")
def store_inbound(sender, event, esp_name, **kwargs) -> None:
    message = event.message
    recipients = [message.envelope_recipient or "", *[a.addr_spec for a in message.to]]
    mailbox = ingest.mailbox_for_recipients(recipients)
    raw = raw_bytes(message)

    def queue(row: InboundMessage) -> None:
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
    logger.info("Webhook message %s %s", row.pk, "stored" if created else "was a duplicate")
