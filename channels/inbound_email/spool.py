"""Take large base64 bodies out of a message before the standard library parses it.

``email.parser`` splits every body into line objects and keeps the encoded text as a string:
for a 30 MB attachment that is several hundred megabytes. Before parsing, each large base64
leaf part is decoded here straight from the raw bytes, in 1 MB pieces, and its body in the copy
given to the parser is left empty, marked with a header carrying a random per-parse token (so a
sender cannot fake one). The walker then takes the decoded bytes from here. The stored raw
message is never changed.
"""

from __future__ import annotations

import binascii
import contextlib
import email.message
import email.parser
import email.policy
import io
import re
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field

#: Only messages and parts at least this large are worth the pre-pass.
SPOOL_MESSAGE_FROM = 512 * 1024
SPOOL_PART_FROM = 128 * 1024
HEADER = "X-Portal-Spooled"
_PIECE = 1024 * 1024
_BOUNDARY = re.compile(rb'(?i)boundary[ \t]*=[ \t]*"?([^"\s;]{1,200})')
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")
_WHITESPACE = b" \t\r\n"


@dataclass
class Spooled:
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    parts: dict[str, bytes] = field(default_factory=dict)

    def get(self, marker: str | None) -> bytes | None:
        if not marker:
            return None
        return self.parts.get(marker.strip())


current: ContextVar[Spooled | None] = ContextVar("inbound_email_spooled", default=None)


def decode_base64(data: memoryview) -> bytes:
    """Decode base64 in pieces, ignoring line breaks; never holds the encoded text twice."""
    out = io.BytesIO()
    carry = b""
    for start in range(0, len(data), _PIECE):
        piece = carry + bytes(data[start : start + _PIECE]).translate(None, _WHITESPACE)
        usable = len(piece) - len(piece) % 4
        carry = piece[usable:]
        try:
            out.write(binascii.a2b_base64(piece[:usable]))
        except binascii.Error:
            continue  # a damaged stretch is dropped, as the stdlib decoder does
    if carry:
        with contextlib.suppress(binascii.Error):
            out.write(binascii.a2b_base64(carry + b"=" * (-len(carry) % 4)))
    return out.getvalue()


def _headers(block: bytes) -> email.message.Message:
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(block)


def _is_spoolable(block: bytes) -> bool:
    headers = _headers(block)
    encoding = str(headers.get("content-transfer-encoding", "")).strip().lower()
    maintype = headers.get_content_maintype()
    return encoding == "base64" and maintype not in {"multipart", "message"}


def split(raw: bytes) -> tuple[bytes, Spooled | None]:
    """Return the bytes to parse (large base64 bodies emptied) and what was taken out."""
    if len(raw) < SPOOL_MESSAGE_FROM:
        return raw, None
    spooled = Spooled()
    view = memoryview(raw)
    # (start, end, insert_at) of each body to take out; insert_at is where its part's headers begin.
    cuts: list[tuple[int, int, int]] = []
    head_end = _BLANK_LINE.search(raw, 0, 1_000_000)
    if head_end is None:
        return raw, None
    if _is_spoolable(raw[: head_end.start()]) and len(raw) - head_end.end() >= SPOOL_PART_FROM:
        cuts.append((head_end.end(), len(raw), 0))
    else:
        delimiters: list[tuple[int, int]] = []  # (line start, line end)
        for boundary in {m.group(1) for m in _BOUNDARY.finditer(raw)}:
            needle = b"\n--" + boundary
            position = raw.find(needle)
            while position != -1:
                line_end = raw.find(b"\n", position + 1)
                line_end = len(raw) if line_end == -1 else line_end + 1
                delimiters.append((position + 1, line_end))
                position = raw.find(needle, line_end - 1)
        delimiters.sort()
        for index, (_, line_end) in enumerate(delimiters):
            following = delimiters[index + 1][0] if index + 1 < len(delimiters) else len(raw)
            if following - line_end < SPOOL_PART_FROM:
                continue
            blank = _BLANK_LINE.search(raw, line_end, min(following, line_end + 65_536))
            if blank is None or not _is_spoolable(raw[line_end : blank.start()]):
                continue
            # The body ends before the line break that precedes the next delimiter.
            end = following - 1
            if end > blank.end() and raw[end - 1 : end] == b"\r":
                end -= 1
            cuts.append((blank.end(), end, line_end))
    if not cuts:
        return raw, None
    pieces: list[bytes] = []
    position = 0
    for number, (start, end, insert_at) in enumerate(cuts):
        marker = f"{spooled.token}-{number}"
        spooled.parts[marker] = decode_base64(view[start:end])
        pieces.append(raw[position:insert_at])
        pieces.append(f"{HEADER}: {marker}\r\n".encode("ascii"))
        pieces.append(raw[insert_at:start])
        position = end
    pieces.append(raw[position:])
    return b"".join(pieces), spooled
