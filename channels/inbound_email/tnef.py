"""Opening Outlook's winmail.dat (TNEF) when the optional ``tnefparse`` library is installed.

Outlook sometimes wraps a whole message (body and attachments) in one ``application/ms-tnef``
part. We always keep the winmail.dat itself; extraction is a bonus that must never crash or
run away on a hostile blob, so the object count is checked before tnefparse sees the data.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
MAX_TNEF_BYTES = 25 * 1024 * 1024
MAX_TNEF_OBJECTS = 5_000


@dataclass(frozen=True)
class TnefContent:
    """What came out of a TNEF blob; ``error`` says why nothing did."""

    body: str | None = None
    html: str | None = None
    attachments: list[tuple[str, bytes]] = field(default_factory=list)
    error: str | None = None


def _count_objects(data: bytes) -> int:
    """Walk the TNEF object headers without decoding them, to bound tnefparse's work."""
    offset = 6
    count = 0
    while offset + 12 < len(data):
        (length,) = struct.unpack_from("<I", data, offset + 5)
        offset += min(length + 11, len(data) - offset)
        count += 1
        if count > MAX_TNEF_OBJECTS:
            break
    return count


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        # Plain TNEF bodies are in the sender's ANSI code page; Windows-1252 is the usual one.
        from .charsets import decode_8bit

        return decode_8bit(value.rstrip(b"\x00"))
    return str(value).rstrip("\x00")


def extract_tnef(data: bytes) -> TnefContent:
    """Return the body and files inside a TNEF blob, or an ``error`` explaining why not."""
    if not data.startswith(TNEF_SIGNATURE):
        return TnefContent(error="not valid TNEF data (wrong signature)")
    if len(data) > MAX_TNEF_BYTES:
        return TnefContent(error="TNEF data too large to open")
    if _count_objects(data) > MAX_TNEF_OBJECTS:
        return TnefContent(error="TNEF data has too many objects to open")
    try:
        from tnefparse import TNEF  # type: ignore[import-untyped]
    except ImportError:
        return TnefContent(error="tnefparse is not installed, so its contents were not extracted")
    try:
        tnef = TNEF(data, do_checksum=False)
        files: list[tuple[str, bytes]] = []
        for attachment in tnef.attachments:
            payload = attachment.data if isinstance(attachment.data, bytes) else b""
            name = _as_text(attachment.long_filename()) or ""
            files.append((name, payload))
        body = _as_text(tnef.body)
        html = _as_text(tnef.htmlbody)
    except Exception as exc:  # a third-party parser on hostile input
        return TnefContent(error=f"TNEF data could not be decoded ({type(exc).__name__})")
    return TnefContent(body=body, html=html, attachments=files)
