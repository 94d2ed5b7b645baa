"""Thin Celery wrappers for the email channel: beat polls each mailbox; the webhook's stored
messages are processed here; a sweeper picks up anything stored but never processed."""

import logging

from celery import shared_task

from channels.inbound_email import imap_poller, ingest
from channels.inbound_email.models import InboundMessage, Mailbox
from enquiries import outbox
from enquiries.tasks import OutboxTask

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def poll_mailboxes() -> int:
    """Beat: one poll task per enabled IMAP mailbox (each holds its own lease)."""
    ids = [m.pk for m in Mailbox.objects.filter(enabled=True).exclude(imap_host="") if m.polls_imap]
    for mailbox_id in ids:
        poll_mailbox.delay(mailbox_id)
    return len(ids)


@shared_task(acks_late=True)
def poll_mailbox(mailbox_id: int) -> int:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, enabled=True).first()
    if mailbox is None or not mailbox.polls_imap:
        return 0
    try:
        result = imap_poller.poll_mailbox(mailbox=mailbox)
    except imap_poller.PollError as exc:  # recorded on the mailbox; the next beat tries again
        logger.warning("Polling %s failed: %s", mailbox.slug, exc)
        return 0
    return result.fetched


@shared_task(base=OutboxTask, acks_late=True)
def process_message(message_pk: int, outbox_id: int | None = None) -> str:
    row = InboundMessage.objects.filter(pk=message_pk).first()
    line = ingest.process(row).line if row is not None else "gone"
    outbox.mark_done(outbox_id)
    return line


@shared_task(acks_late=True)
def process_pending() -> int:
    return ingest.process_pending()
