"""The IMAP door: fetch each message, store it, process it, and only then delete it at source.

One poller per mailbox at a time, across every worker: a lease on the Mailbox row claimed with a
single conditional UPDATE (no transaction is held open while mail is fetched). If the poller dies
after storing a message but before deleting it, the next poll fetches it again and the unique
(mailbox, dedupe key) turns it into a duplicate that is simply deleted. The connection is always
encrypted (implicit TLS or STARTTLS) and the server certificate is always verified.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import secrets
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 200
TIMEOUT_SECONDS = 30


class PollError(Exception):
    """The mailbox could not be read (connection, TLS, login, folder)."""


@dataclass
class PollResult:
    locked_out: bool = False  # another poller holds this mailbox
    fetched: int = 0
    deleted: int = 0
    lines: list[str] = field(default_factory=list)


# --- the lease ------------------------------------------------------------------------------


def claim_lease(mailbox: Mailbox) -> str | None:
    now = timezone.now()
    token = secrets.token_hex(8)
    claimed = (
        Mailbox.objects.filter(pk=mailbox.pk)
        .filter(Q(poll_lease_until__isnull=True) | Q(poll_lease_until__lt=now))
        .update(poll_lease_until=now + LEASE, poll_lease_token=token)
    )
    return token if claimed else None


def renew_lease(mailbox: Mailbox, token: str) -> bool:
    return bool(
        Mailbox.objects.filter(pk=mailbox.pk, poll_lease_token=token).update(
            poll_lease_until=timezone.now() + LEASE
        )
    )


def release_lease(mailbox: Mailbox, token: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk, poll_lease_token=token).update(
        poll_lease_until=None, poll_lease_token=""
    )


# --- IMAP -----------------------------------------------------------------------------------


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    context = ssl.create_default_context(cafile=mailbox.imap_ca_file or None)
    if mailbox.imap_security == Mailbox.Security.TLS:
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=context, timeout=TIMEOUT_SECONDS
        )
    else:
        conn = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT_SECONDS)
        conn.starttls(ssl_context=context)
    conn.login(mailbox.imap_user, mailbox.imap_password())
    return conn


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _ok(response: tuple[str, list[Any]], what: str) -> list[Any]:
    typ, data = response
    if typ != "OK":
        raise PollError(f"{what} failed: {data!r}"[:500])
    return data


def _message_bytes(data: list[bytes | tuple[bytes, bytes] | None]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb"BODY\[\]", item[0]):
            return item[1]
    return None


def acknowledge(conn: imaplib.IMAP4, uid: bytes) -> None:
    """Delete at the source: only ever after the message is stored."""
    _ok(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)"), "STORE")  # type: ignore[arg-type]  # imaplib takes bytes


def poll_mailbox(*, mailbox: Mailbox, limit: int = BATCH) -> PollResult:
    token = claim_lease(mailbox)
    if token is None:
        return PollResult(locked_out=True)
    result = PollResult()
    try:
        try:
            conn = connect(mailbox)
        except (OSError, ssl.SSLError, imaplib.IMAP4.error, RuntimeError) as exc:
            raise PollError(f"could not connect to {mailbox.imap_host}: {exc}") from exc
        try:
            _ok(conn.select(_quoted(mailbox.imap_folder)), f"SELECT {mailbox.imap_folder}")
            uids = _ok(conn.uid("SEARCH", None, "UNDELETED"), "SEARCH")[0].split()[:limit]  # type: ignore[arg-type]  # no charset
            for uid in uids:
                if not renew_lease(mailbox, token):
                    logger.warning("Lost the poll lease on %s; stopping", mailbox.slug)
                    break
                raw = _message_bytes(_ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
                if raw is None:
                    continue
                result.fetched += 1
                try:
                    outcome = ingest.ingest(
                        mailbox=mailbox, raw=raw, source=InboundMessage.Source.IMAP
                    )
                except ingest.StoreError as exc:  # keep it at the source; try again next poll
                    result.lines.append(f"UID {uid.decode()}: not stored: {exc}")
                    break
                result.lines.append(f"UID {uid.decode()}: {outcome.line}")
                acknowledge(conn, uid)
                result.deleted += 1
            if result.deleted:
                conn.expunge()
        finally:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):
                conn.logout()
    except (PollError, OSError, imaplib.IMAP4.error) as exc:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_poll_error=str(exc)[:2000])
        raise
    finally:
        release_lease(mailbox, token)
    Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=timezone.now(), last_poll_error="")
    return result
