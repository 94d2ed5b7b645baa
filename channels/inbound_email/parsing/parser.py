"""The parse itself, as a list of steps: refuse, load, read headers, walk the body, classify."""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import re
from collections.abc import Buffer
from typing import cast

from .. import spool
from ..charsets import clean_text, fix_surrogates
from . import limits
from .bodies import Body, assemble_body
from .classification import MessageFacts, classify
from .envelope import Headers, read_envelope
from .limits import MAX_DEPTH, OVERSIZE_HEADER_BYTES
from .mime_parts import charset_hint, first, raw_headers, trace_headers
from .mime_tree import TreeWalker
from .prescan import limits_reason, not_mime_reason, size_reason
from .result import KIND_MESSAGE, Notes, ParsedEmail, dedupe_key, unusable
from .sender import (
    Sender,
    read_recipients,
    read_return_path,
    read_sender,
    return_path_mismatch,
)


def parse_message(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 5322 bytes; never raises, sets ``quarantine_reason`` when unusable."""
    raw = _as_bytes(raw)
    try:
        return _parse(raw)
    except RecursionError:
        return unusable(raw, f"MIME nesting too deep to parse (more than {MAX_DEPTH} levels)")
    except Exception as exc:
        return unusable(
            raw,
            f"the message could not be parsed ({type(exc).__name__})",
            [f"internal parse error: {type(exc).__name__}: {exc}"[:300]],
        )


def _as_bytes(raw: object) -> bytes:
    """Callers sometimes hand over text or a memoryview; parse whatever bytes they meant."""
    if isinstance(raw, bytes):
        return raw
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    try:
        return bytes(cast(Buffer, raw))  # whatever bytes() accepts (a memoryview, a bytearray)
    except Exception:
        return b""


def _parse(raw: bytes) -> ParsedEmail:
    reason = not_mime_reason(raw)
    if reason:
        return unusable(raw, reason)
    source = raw.lstrip(b" \t\r\n")
    limit_reason = size_reason(source)
    if limit_reason:
        source = source[:OVERSIZE_HEADER_BYTES]  # enough for the header block
    else:
        limit_reason = limits_reason(source)
    if limit_reason:
        message = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(source)
        spooled = None
    else:
        # Large base64 bodies are decoded apart, so the stdlib parser never holds them as text.
        skeleton, spooled = spool.split(source)
        message = email.parser.BytesParser(policy=email.policy.default).parsebytes(skeleton)
        del skeleton
    token = spool.current.set(spooled)
    try:
        return _parse_message_tree(raw, message, limit_reason)
    finally:
        spool.current.reset(token)


def _parse_message_tree(
    raw: bytes, message: email.message.Message, limit_reason: str | None
) -> ParsedEmail:
    """Read one loaded message, step by step; ``limit_reason`` set means headers only."""
    headers, hint = _header_text(message)
    notes = Notes(_mime_defects(message))
    envelope = read_envelope(headers, hint, notes)
    sender = read_sender(headers, hint, notes)
    return_path = read_return_path(headers, hint)
    recipients = read_recipients(headers, hint)

    walker = _walk_body(message, limit_reason, notes)
    body = assemble_body(walker, notes)
    facts = MessageFacts(headers, envelope, sender, return_path, recipients.to, body, walker)
    classification = classify(facts)
    quarantine_reason = _quarantine_reason(limit_reason, walker, body, sender)
    unverified = sender.unverified_reasons + return_path_mismatch(
        return_path.address, sender.address
    )
    suppress_reply = bool(
        classification.reasons
        or classification.kind != KIND_MESSAGE
        or quarantine_reason
        or sender.address is None
        or sender.ambiguous
    )

    return ParsedEmail(
        message_id=envelope.message_id,
        dedupe_key=dedupe_key(envelope.message_id, raw),
        subject=envelope.subject,
        from_address=sender.address,
        from_name=sender.name,
        from_ambiguous=sender.ambiguous,
        reply_to=recipients.reply_to,
        to_addresses=recipients.to,
        cc_addresses=recipients.cc,
        date=envelope.date,
        in_reply_to=envelope.in_reply_to,
        references=envelope.references,
        text_body=body.text,
        new_text=body.new_text,
        html_body=body.html,
        attachments=walker.attachments,
        kind=classification.kind,
        auto_reasons=classification.reasons,
        suppress_reply=suppress_reply,
        bounce=classification.bounce,
        unverified_sender=bool(unverified),
        defects=list(notes),
        quarantine_reason=quarantine_reason,
        unverified_reasons=unverified,
        attachments_omitted=walker.attachments_omitted,
        return_path=return_path.address,
        from_headers=sender.from_headers,
        lossy_decoding=walker.lossy,
        trace_headers=trace_headers(message),
    )


def _walk_body(
    message: email.message.Message, limit_reason: str | None, notes: Notes
) -> TreeWalker:
    """Walk the MIME tree (unless a limit already refused the body) and note what it found."""
    walker = TreeWalker()
    if limit_reason is None:
        walker.visit(message, 0)
    for text in walker.defects:
        notes.add(text)
    if walker.attachments_omitted:
        omitted = walker.attachments_omitted
        notes.add(
            f"{omitted + len(walker.attachments)} attachments: only the first "
            f"{limits.MAX_ATTACHMENTS} were kept ({omitted} left in the raw message)"
        )
    return walker


def _quarantine_reason(
    limit_reason: str | None, walker: TreeWalker, body: Body, sender: Sender
) -> str | None:
    """Why the message cannot be used, the first that applies; None if it can."""
    if limit_reason or walker.quarantine_reason:
        return limit_reason or walker.quarantine_reason
    if walker.unparseable_multipart and not body.has_text and not walker.attachments:
        return "the multipart body has no parseable parts and no text could be recovered"
    if sender.address is None:
        return "no usable sender: the From header is missing or has no valid address"
    return None


def _header_text(message: email.message.Message) -> tuple[Headers, str | None]:
    """Header values as real text (8-bit bytes decoded, NULs and controls gone), and the
    charset of the top-level Content-Type, used as the hint for undeclared 8-bit headers."""
    raw = raw_headers(message)
    hint = charset_hint(fix_surrogates(first(raw, "content-type") or ""))
    headers = {
        name: [clean_text(value, hint=hint) for value in values[:50]]
        for name, values in raw.items()
    }
    return headers, hint


def _mime_defects(message: email.message.Message) -> list[str]:
    """The stdlib parser's complaints, in words ("MIME problem: missing boundary")."""
    notes = Notes()
    for defect in getattr(message, "defects", [])[:10]:
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
        notes.add(f"MIME problem: {words.removesuffix(' defect')}")
    return notes
