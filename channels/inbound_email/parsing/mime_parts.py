"""Reading one MIME part defensively: every accessor returns a safe default, never raises.

Hostile or broken mail makes the standard library's accessors throw (bad parameters, bad
charsets, undecodable payloads); these wrappers are the only place that is dealt with.
"""

from __future__ import annotations

import email.message
import email.policy
import email.utils
import re

from .. import spool
from ..charsets import clean_text, fix_surrogates
from ..headers import decode_rfc2047, unfold

Part = email.message.Message

_MIME_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]{1,100}/[a-z0-9!#$&^_.+-]{1,100}$")
_CHARSET_PARAM = re.compile(r'(?i)charset\s*=\s*"?([^";\s]+)')


def raw_headers(message: Part) -> dict[str, list[str]]:
    """Header values as the sender wrote them (8-bit bytes kept as surrogate escapes)."""
    headers: dict[str, list[str]] = {}
    try:
        items = list(message.raw_items())
    except Exception:  # pragma: no cover - raw_items only copies a list
        return headers
    for name, value in items:
        headers.setdefault(str(name).strip().lower(), []).append(str(value))
    return headers


def trace_headers(message: Part) -> list[tuple[str, str]]:
    """Received and Authentication-Results fields in order, top first (at most 100)."""
    out: list[tuple[str, str]] = []
    for name, value in message.raw_items():
        lowered = str(name).strip().lower()
        if lowered in {"received", "authentication-results"}:
            out.append((lowered, clean_text(str(value), keep_newlines=False)[:2000]))
            if len(out) >= 100:
                break
    return out


def raw_header(part: Part, name: str) -> str | None:
    """The first raw value of one header (``name`` lower-case), without copying them all."""
    for key, value in part.raw_items():
        if str(key).strip().lower() == name:
            return str(value)
    return None


def first(headers: dict[str, list[str]], name: str) -> str | None:
    """The first value of a header, or None when the message has none."""
    values = headers.get(name)
    return values[0] if values else None


def charset_hint(content_type: str) -> str | None:
    """The charset named in a raw Content-Type value, used to read undeclared 8-bit headers."""
    match = _CHARSET_PARAM.search(content_type)
    return match.group(1) if match else None


def content_type(part: Part) -> str:
    """The declared type/subtype, lower-cased; anything malformed counts as octet-stream."""
    try:
        ctype = str(part.get_content_type()).strip().lower()
    except Exception:
        return "application/octet-stream"
    return ctype if _MIME_TYPE.match(ctype) else "application/octet-stream"


def param(part: Part, name: str, header: str = "content-type") -> str | None:
    """A header parameter as clean text (RFC 2231 values collapsed), or None."""
    try:
        value = part.get_param(name, header=header)
    except Exception:
        value = None
    if value is None:
        return None
    if isinstance(value, tuple):
        value = email.utils.collapse_rfc2231_value(value)
    return clean_text(str(value), keep_newlines=False)


def charset(part: Part) -> str | None:
    """The declared charset, read from the raw header when the parsed one is unusable."""
    try:
        declared = part.get_content_charset()
    except Exception:
        declared = charset_hint(raw_header(part, "content-type") or "")
    return fix_surrogates(declared) if declared else None


def disposition(part: Part) -> str | None:
    """ "inline", "attachment" (or whatever was written), lower-cased; None if not given."""
    raw = raw_header(part, "content-disposition")
    if raw is None:
        return None
    value = unfold(fix_surrogates(raw)).split(";", 1)[0].strip().lower()
    return value or None


def content_id(part: Part) -> str | None:
    """The Content-ID without its angle brackets (what HTML ``cid:`` links name)."""
    raw = raw_header(part, "content-id")
    if not raw:
        return None
    return clean_text(unfold(raw), keep_newlines=False).strip("<> ")[:250] or None


def filename(part: Part) -> str | None:
    """The file name from Content-Disposition or, failing that, Content-Type's ``name``."""
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is None:
        name = param(part, "name")
    if name is None:
        return None
    return decode_rfc2047(str(name))


def payload_bytes(part: Part) -> bytes:
    """The decoded body of a leaf part (from the spool when it was set apart before parsing)."""
    spooled = spool.current.get()
    if spooled is not None:
        for marker in part.get_all(spool.HEADER) or []:  # a sender may add their own
            content = spooled.get(str(marker))
            if content is not None:
                return content
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    try:
        payload = part.get_payload()
    except Exception:
        return b""
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def message_bytes(message: Part) -> bytes:
    """An embedded message serialised back to bytes, to keep as an attachment."""
    try:
        return message.as_bytes(policy=email.policy.compat32)
    except Exception:
        try:
            return message.as_bytes()
        except Exception:
            return b""


def children(part: Part) -> list[Part]:
    """The sub-parts of a multipart or message part; empty when there are none or they broke."""
    try:
        payload = part.get_payload()
    except Exception:
        return []
    if not isinstance(payload, list):
        return []
    return [child for child in payload if isinstance(child, email.message.Message)]
