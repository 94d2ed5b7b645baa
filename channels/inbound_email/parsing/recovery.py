"""Rescuing a multipart whose declared boundary never appears in its body."""

from __future__ import annotations

import email.parser
import email.policy
import re

from ..charsets import clean_text, decode_bytes
from .mime_parts import Part, children
from .prescan import HEADER_LINE

_MIME_HEADER_IN_TEXT = re.compile(r"(?im)^content-(?:type|transfer-encoding)\s*:")


def find_boundary(raw: bytes) -> bytes | None:
    """A ``--boundary`` line followed by a header line, within the first 2,000 lines."""
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    for index, line in enumerate(lines[:2000]):
        stripped = line.rstrip()
        if not stripped.startswith(b"--") or len(stripped) < 4 or len(stripped) > 200:
            continue
        following = lines[index + 1] if index + 1 < len(lines) else b""
        if HEADER_LINE.match(following):
            return stripped[2:]
    return None


def reparse(raw: bytes, boundary: bytes) -> list[Part]:
    """The parts of ``raw`` split on ``boundary``; empty if that gives no parts."""
    synthetic = (
        b'Content-Type: multipart/mixed; boundary="'
        + boundary.replace(b'"', b"")
        + b'"\r\n\r\n'
        + raw
    )
    try:
        reparsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(synthetic)
    except Exception:
        return []
    return children(reparsed) if reparsed.is_multipart() else []


def plain_text_fallback(raw: bytes) -> str:
    """The body as text, if it really is text (not MIME parts whose boundary was lost)."""
    text = clean_text(decode_bytes(raw, None)).strip()
    if text and not _MIME_HEADER_IN_TEXT.search(text):
        return text
    return ""
