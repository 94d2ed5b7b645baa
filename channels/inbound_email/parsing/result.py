"""What parsing hands back: :class:`ParsedEmail` and its :class:`ParsedAttachment` files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from .. import bounces
from ..bounces import BounceInfo
from .limits import NO_TEXT

KIND_MESSAGE = bounces.KIND_MESSAGE


@dataclass(frozen=True)
class ParsedAttachment:
    """One file from the message. ``filename`` is always safe to use as a storage name."""

    filename: str
    content_type: str
    content: bytes = field(repr=False)
    size: int
    is_inline: bool = False
    content_id: str | None = None


@dataclass(frozen=True)
class ParsedEmail:
    """Everything the portal needs from one inbound email; strings are always storable text.

    - ``quarantine_reason`` set: the message cannot be used (not MIME, no sender, over a limit).
    - ``kind`` is "message", "auto_reply", "bounce", "delivery_delay", "complaint" or
      "read_receipt"; only "message" may become a case. ``bounce`` carries the report details
      for the last four (for a bounce, ``permanent`` is the only basis for marking an address
      undeliverable).
    - ``suppress_reply``: never send an automatic acknowledgement (RFC 3834 signals, any report,
      quarantine, or a missing or ambiguous sender).
    - ``from_ambiguous`` / ``unverified_sender``: do not attach to an existing resident
      automatically; ``unverified_reasons`` says why, for staff.
    """

    message_id: str | None
    dedupe_key: str
    subject: str
    from_address: str | None
    from_name: str
    from_ambiguous: bool
    reply_to: str | None
    to_addresses: list[str]
    cc_addresses: list[str]
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    text_body: str
    new_text: str
    html_body: str | None
    attachments: list[ParsedAttachment]
    kind: str
    auto_reasons: list[str]
    suppress_reply: bool
    bounce: BounceInfo | None
    unverified_sender: bool
    defects: list[str]
    quarantine_reason: str | None
    # Extras beyond the agreed API, for showing staff *why*:
    unverified_reasons: list[str] = field(default_factory=list)
    attachments_omitted: int = 0
    return_path: str | None = None
    #: How many From header fields the message had (RFC 5322 allows exactly one).
    from_headers: int = 1
    #: Some body text could not be decoded and holds U+FFFD: staff are told.
    lossy_decoding: bool = False
    #: Received and Authentication-Results fields, top first, for the channel's DMARC check
    #: (channels/inbound_email/authentication.py reads only our own server's, at the top).
    trace_headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_automatic(self) -> bool:
        """True for anything that is not a person writing to us."""
        return self.kind != KIND_MESSAGE or bool(self.auto_reasons)


class Notes(list[str]):
    """The message's defects for staff, in the order found, each said once."""

    def add(self, text: str) -> None:
        if text not in self:
            self.append(text)


def dedupe_key(message_id: str | None, raw: bytes) -> str:
    """The Message-ID, or a hash of the bytes when there is none (the same mail twice is one)."""
    return message_id if message_id else "sha256:" + hashlib.sha256(raw).hexdigest()


def unusable(raw: bytes, reason: str, defects: list[str] | None = None) -> ParsedEmail:
    """A quarantined result for input that cannot be read as an email at all."""
    return ParsedEmail(
        message_id=None,
        dedupe_key=dedupe_key(None, raw),
        subject="",
        from_address=None,
        from_name="",
        from_ambiguous=False,
        reply_to=None,
        to_addresses=[],
        cc_addresses=[],
        date=None,
        in_reply_to=[],
        references=[],
        text_body=NO_TEXT,
        new_text=NO_TEXT,
        html_body=None,
        attachments=[],
        kind=KIND_MESSAGE,
        auto_reasons=[],
        suppress_reply=True,
        bounce=None,
        unverified_sender=False,
        defects=defects or [],
        quarantine_reason=reason,
    )
