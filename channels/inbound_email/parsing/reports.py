"""Reading the machine-readable parts of reports (RFC 3464, 5965, 8098) and embedded headers."""

from __future__ import annotations

from .. import bounces
from ..charsets import clean_text, decode_bytes
from ..headers import decode_rfc2047, parse_address_list, parse_msg_ids, unfold
from .mime_parts import Part, first, payload_bytes, raw_headers

#: Report parts that describe other mail: inside a forwarded message they are just files.
REPORT_PARTS = frozenset(
    {"message/delivery-status", "message/feedback-report", "message/disposition-notification"}
)


def header_fields(block: Part) -> dict[str, str]:
    """A report block's fields, name -> first value, as clean single-line text."""
    return {
        name: clean_text(unfold(values[0]), keep_newlines=False)
        for name, values in raw_headers(block).items()
    }


def _text_blocks(part: Part) -> list[dict[str, str]]:
    """Field blocks from a report part the stdlib left as text (not parsed into blocks)."""
    return bounces.parse_fields(clean_text(decode_bytes(payload_bytes(part), None)))


def delivery_status_blocks(part: Part, blocks: list[Part]) -> list[dict[str, str]]:
    """The per-message and per-recipient field blocks of a message/delivery-status part."""
    if blocks:
        return [header_fields(block) for block in blocks]
    return _text_blocks(part)


def report_fields(part: Part, embedded: Part | None) -> dict[str, str]:
    """The fields of a feedback report or read receipt, merged into one mapping (first wins)."""
    if embedded is not None:
        return header_fields(embedded)
    fields: dict[str, str] = {}
    for block in _text_blocks(part):
        for name, value in block.items():
            fields.setdefault(name, value)
    return fields


def original_id_and_recipient(headers: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """Message-ID and first To address of the message a report returns to us."""
    ids, _ = parse_msg_ids(first(headers, "message-id") or "", allow_bare=True)
    to = [m.address for m in parse_address_list(first(headers, "to") or "") if m.address]
    return (ids[0] if ids else None), (to[0] if to else None)


def forwarded_summary(headers: dict[str, list[str]]) -> str:
    """The header lines a mail client shows above a forwarded message."""
    summary = ["---------- Forwarded message ----------"]
    for name in ("from", "date", "subject", "to"):
        value = first(headers, name)
        if value is not None:
            summary.append(f"{name.capitalize()}: {decode_rfc2047(value)[:300]}")
    return "\n".join(summary)
