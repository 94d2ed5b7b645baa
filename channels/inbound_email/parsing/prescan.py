"""Cheap checks on the raw bytes, before the standard library parser builds anything.

Input that is not an email at all (an Outlook .msg file, binary junk) and MIME bombs (thousands
of parts, deeply nested boundaries) are refused here, in time linear in the size of the input.
"""

from __future__ import annotations

import re

from .limits import MAX_BOUNDARIES, MAX_MESSAGE_BYTES, MAX_PARTS

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_TNEF_MAGIC = b"\x78\x9f\x3e\x22"
HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,200}[ \t]*:")
_CONTENT_TYPE_LINE = re.compile(rb"(?im)^content-type[ \t]*:")
_BOUNDARY_PARAM = re.compile(rb'(?i)boundary[ \t]*=[ \t]*"?([^"\s;]{1,200})')


def not_mime_reason(raw: bytes) -> str | None:
    """Refuse input that is not an RFC 5322 message at all, before parsing it as one."""
    if not raw or raw.isspace():  # (never raw.strip(): a copy of a large message)
        return "empty message"
    if raw.startswith(_OLE_MAGIC):
        return "not an email: an Outlook .msg file (OLE compound document), not RFC 5322"
    if raw.startswith(_TNEF_MAGIC):
        return "not an email: raw TNEF (winmail.dat) data, not RFC 5322"
    head = _header_block(raw.lstrip(b" \t\r\n"))
    sample_head = head[:4096]
    controls = sum(1 for byte in sample_head if byte < 9 or 13 < byte < 32)
    if not HEADER_LINE.match(_first_header_line(head)) or controls * 10 > len(sample_head):
        sample = raw[:4].hex(" ").upper()
        return f"not an email: binary or non-RFC 5322 data (starts {sample})"
    return None


def _header_block(text: bytes) -> bytes:
    head_end = re.search(rb"\r?\n\r?\n", text[:1_000_000])
    return text[: head_end.start()] if head_end else text[:1_000_000]


def _first_header_line(head: bytes) -> bytes:
    """The first line that should be a header field, past any mbox ``From `` line."""
    lines = head.split(b"\n", 2)
    if lines[0].startswith(b"From ") and len(lines) > 1:
        return lines[1]
    return lines[0]


def size_reason(source: bytes) -> str | None:
    """Refuse a message over :data:`MAX_MESSAGE_BYTES` (its header block is still read)."""
    if len(source) <= MAX_MESSAGE_BYTES:
        return None
    return (
        f"message too large ({len(source) / 1_048_576:.1f} MB; "
        f"the limit is {MAX_MESSAGE_BYTES // 1_048_576} MB)"
    )


def limits_reason(raw: bytes) -> str | None:
    """Cheap pre-scan so MIME bombs are refused before the stdlib builds them in memory."""
    content_types = sum(1 for _ in _CONTENT_TYPE_LINE.finditer(raw))
    if content_types > MAX_PARTS:
        return f"too many MIME parts (about {content_types}; the limit is {MAX_PARTS})"
    boundaries: set[bytes] = set()
    for match in _BOUNDARY_PARAM.finditer(raw):
        boundaries.add(match.group(1))
        if len(boundaries) > MAX_BOUNDARIES:
            return f"too many nested multipart sections (more than {MAX_BOUNDARIES} boundaries)"
    return None
