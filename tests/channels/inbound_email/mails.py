"""Building raw test messages and running them through the channel."""

from __future__ import annotations

import itertools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from django.utils import timezone

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "emails"
_counter = itertools.count(1)


def make_email(
    *,
    sender: str = "Ann Lee <ann.lee@example.org>",
    to: str = "contact@northmoor.example",
    subject: str = "Bins not collected on Elm Street",
    body: str = "Our bins were not collected this week.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(
        idstring=f"t{next(_counter)}", domain="example.org"
    )
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, ctype, content in attachments:
        maintype, subtype = ctype.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def pipe(raw: bytes, mailbox: Mailbox | None = None) -> ingest.IngestResult:
    return ingest.ingest(
        mailbox=mailbox or ingest.default_mailbox(), raw=raw, source=InboundMessage.Source.PIPE
    )


# A real (tiny) PNG and PDF, so content sniffing accepts them.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
