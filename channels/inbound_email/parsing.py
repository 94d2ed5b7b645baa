"""Parse one raw inbound email into the facts the portal needs, without touching the database.

``parse_message`` never raises. Whatever arrives (spam, bounces, Outlook .msg files, MIME
bombs), the caller gets a :class:`ParsedEmail` that says what it is and, through
``quarantine_reason``, whether it can be used at all. The raw bytes are the caller's to keep.

Work is bounded: a cheap scan of the raw bytes refuses MIME bombs before the standard library
parser builds them, and the tree walk stops at :data:`MAX_DEPTH` levels and :data:`MAX_PARTS`
parts.
"""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import email.utils
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from . import bounces, spool
from .bounces import BounceInfo
from .charsets import clean_text, decode_bytes, decode_text, fix_surrogates
from .headers import (
    Mailbox,
    decode_rfc2047,
    emails_in_text,
    org_domain,
    parse_address_list,
    parse_date,
    parse_msg_ids,
    unfold,
)
from .html_text import html_to_text
from .quoting import strip_quoted
from .tnef import extract_tnef

__all__ = [
    "BounceInfo",
    "ParsedAttachment",
    "ParsedEmail",
    "parse_message",
    "safe_filename",
    "MAX_DEPTH",
    "MAX_PARTS",
    "MAX_ATTACHMENTS",
    "MAX_MESSAGE_BYTES",
    "NO_TEXT",
]

# A 25 MB attachment limit, base64-encoded, plus headroom. Larger messages are refused.
MAX_MESSAGE_BYTES = 40 * 1024 * 1024
MAX_DEPTH = 10
MAX_PARTS = 500
MAX_ATTACHMENTS = 100
MAX_BOUNDARIES = 25
MAX_ADDRESS_HEADER_CHARS = 65_536
MAX_SUBJECT_SOURCE_CHARS = 16_384
MAX_UU_BLOCKS = 20
MAX_TEXT_CHARS = 1_000_000
MAX_HTML_CHARS = 2_000_000
MAX_SUBJECT_CHARS = 255
MAX_NAME_CHARS = 255
MAX_ADDRESSES = 200
MAX_REFERENCES = 100
MAX_FILENAME_CHARS = 150
NO_TEXT = "(no text)"

KIND_MESSAGE = bounces.KIND_MESSAGE

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,200}[ \t]*:")
_CONTENT_TYPE_LINE = re.compile(rb"(?im)^content-type[ \t]*:")
_BOUNDARY_PARAM = re.compile(rb'(?i)boundary[ \t]*=[ \t]*"?([^"\s;]{1,200})')
_CHARSET_PARAM = re.compile(r'(?i)charset\s*=\s*"?([^";\s]+)')
_UU_BEGIN = re.compile(r"^begin(?:-base64)? +[0-7]{3,4} +(.+?)\s*$", re.MULTILINE)
_WINDOWS_RESERVED = re.compile(r"^(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?$", re.IGNORECASE)
_UNSAFE_FILENAME_CHARS = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')

_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/pjpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "message/rfc822": ".eml",
    "message/delivery-status": ".txt",
    "application/zip": ".zip",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/pgp-signature": ".asc",
    "application/pkcs7-signature": ".p7s",
    "application/x-pkcs7-signature": ".p7s",
    "audio/basic": ".au",
    "audio/mpeg": ".mp3",
    "video/mp4": ".mp4",
}
_GUESSED_TYPES: dict[str, str] = {}
for _ctype, _ext in _EXTENSIONS.items():
    _GUESSED_TYPES.setdefault(_ext, _ctype)


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


# -- small helpers ---------------------------------------------------------------------------
def safe_filename(name: str | None, index: int, content_type: str = "") -> str:
    """Make an attachment name safe to store: no directories, control or bidi characters.

    Falls back to ``attachment-N`` plus an extension for the declared type (``.bin`` if
    unknown) when nothing usable is left.
    """
    text = fix_surrogates(name or "")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cf", "Cc", "Cs"})
    text = text.replace("\\", "/").split("/")[-1]
    text = _UNSAFE_FILENAME_CHARS.sub("_", text)
    text = " ".join(text.split()).strip(" .")
    if text and _WINDOWS_RESERVED.match(text):
        text = f"_{text}"
    if len(text) > MAX_FILENAME_CHARS:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            text = stem[: MAX_FILENAME_CHARS - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            text = text[:MAX_FILENAME_CHARS].rstrip(" .")
    if not text or set(text) <= {".", "_", " "}:
        return f"attachment-{index}{_EXTENSIONS.get(content_type, '.bin')}"
    return text


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _raw_headers(message: email.message.Message) -> dict[str, list[str]]:
    """Header values as the sender wrote them (8-bit bytes kept as surrogate escapes)."""
    headers: dict[str, list[str]] = {}
    try:
        items = list(message.raw_items())
    except Exception:  # pragma: no cover - raw_items only copies a list
        return headers
    for name, value in items:
        headers.setdefault(str(name).strip().lower(), []).append(str(value))
    return headers


def _trace_headers(message: email.message.Message) -> list[tuple[str, str]]:
    """Received and Authentication-Results fields in order, top first (at most 100)."""
    out: list[tuple[str, str]] = []
    for name, value in message.raw_items():
        lowered = str(name).strip().lower()
        if lowered in {"received", "authentication-results"}:
            out.append((lowered, clean_text(str(value), keep_newlines=False)[:2000]))
            if len(out) >= 100:
                break
    return out


def _first(headers: dict[str, list[str]], name: str) -> str | None:
    values = headers.get(name)
    return values[0] if values else None


_MIME_TYPE = re.compile(r"^[a-z0-9!#$&^_.+-]{1,100}/[a-z0-9!#$&^_.+-]{1,100}$")


def _content_type(part: email.message.Message) -> str:
    """The declared type/subtype, lower-cased; anything malformed counts as octet-stream."""
    try:
        ctype = str(part.get_content_type()).strip().lower()
    except Exception:
        return "application/octet-stream"
    return ctype if _MIME_TYPE.match(ctype) else "application/octet-stream"


def _param(part: email.message.Message, name: str, header: str = "content-type") -> str | None:
    try:
        value = part.get_param(name, header=header)
    except Exception:
        value = None
    if value is None:
        return None
    if isinstance(value, tuple):
        value = email.utils.collapse_rfc2231_value(value)
    return clean_text(str(value), keep_newlines=False)


def _charset(part: email.message.Message) -> str | None:
    try:
        charset = part.get_content_charset()
    except Exception:
        raw = _first(_raw_headers(part), "content-type") or ""
        match = _CHARSET_PARAM.search(raw)
        charset = match.group(1) if match else None
    return fix_surrogates(charset) if charset else None


def _disposition(part: email.message.Message) -> str | None:
    raw = _first(_raw_headers(part), "content-disposition")
    if raw is None:
        return None
    value = unfold(fix_surrogates(raw)).split(";", 1)[0].strip().lower()
    return value or None


def _filename(part: email.message.Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is None:
        name = _param(part, "name")
    if name is None:
        return None
    if isinstance(name, tuple):  # pragma: no cover - get_filename collapses RFC 2231 values
        name = email.utils.collapse_rfc2231_value(name)
    return decode_rfc2047(str(name))


def _payload_bytes(part: email.message.Message) -> bytes:
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


def _message_bytes(message: email.message.Message) -> bytes:
    try:
        return message.as_bytes(policy=email.policy.compat32)
    except Exception:
        try:
            return message.as_bytes()
        except Exception:
            return b""


def _decode_uu_block(lines: list[str]) -> bytes:
    import binascii

    out = bytearray()
    for line in lines:
        if not line or line == "`":
            continue
        if not line.isascii():
            continue
        try:
            out += binascii.a2b_uu(line)
        except (binascii.Error, ValueError):
            # Broken encoders pad lines badly; trim to the declared length (as the uu module did).
            try:
                nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                out += binascii.a2b_uu(line[:nbytes])
            except (binascii.Error, IndexError, ValueError):
                continue
    return bytes(out)


def _unflow(text: str, delsp: bool) -> str:
    """Join format=flowed soft line breaks (RFC 3676) so paragraphs are not hard-wrapped."""
    out: list[str] = []
    buffer = ""
    for line in text.split("\n"):
        if line.startswith(">") or line == "-- ":
            if buffer:
                out.append(buffer)
                buffer = ""
            out.append(line)
            continue
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" "):
            buffer += line[:-1] if delsp else line
        else:
            out.append(buffer + line)
            buffer = ""
    if buffer:
        out.append(buffer)
    return "\n".join(out)


# -- the walk ------------------------------------------------------------------------------
@dataclass
class _Slot:
    """One piece of body: a plain and/or HTML rendering of the same content."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)


@dataclass
class _Walker:
    """Collects body text, attachments and report data while walking the MIME tree."""

    slots: list[_Slot] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    attachments_omitted: int = 0
    defects: list[str] = field(default_factory=list)
    parts: int = 0
    too_many_parts: bool = False
    too_deep: bool = False
    unparseable_multipart: bool = False
    report_type: str | None = None
    dsn_blocks: list[dict[str, str]] = field(default_factory=list)
    feedback_fields: dict[str, str] = field(default_factory=dict)
    mdn_fields: dict[str, str] = field(default_factory=dict)
    original_message_id: str | None = None
    original_to: str | None = None
    tnef_seen: bool = False
    text_chars: int = 0
    inline_texts: list[str] = field(default_factory=list)
    # >0 while inside a forwarded message: its reports describe other mail, not ours.
    forward_level: int = 0
    # Some text could not be decoded (U+FFFD stands in): staff should read the raw message.
    lossy: bool = False

    def defect(self, text: str) -> None:
        if text not in self.defects and len(self.defects) < 50:
            self.defects.append(text)

    # -- attachments -------------------------------------------------------------------
    def add_attachment(
        self,
        *,
        name: str | None,
        content_type: str,
        content: bytes,
        inline: bool = False,
        content_id: str | None = None,
    ) -> None:
        if len(self.attachments) >= MAX_ATTACHMENTS:
            self.attachments_omitted += 1
            return
        index = len(self.attachments) + 1
        self.attachments.append(
            ParsedAttachment(
                filename=safe_filename(name, index, content_type),
                content_type=content_type,
                content=content,
                size=len(content),
                is_inline=inline,
                content_id=content_id,
            )
        )

    def _attach_part(
        self, part: email.message.Message, ctype: str, *, related: bool = False
    ) -> None:
        disposition = _disposition(part)
        raw_cid = _first(_raw_headers(part), "content-id")
        content_id = None
        if raw_cid:
            content_id = clean_text(unfold(raw_cid), keep_newlines=False).strip("<> ")[:250] or None
        inline = disposition == "inline" or (disposition is None and (related or bool(content_id)))
        self.add_attachment(
            name=_filename(part),
            content_type=ctype,
            content=_payload_bytes(part),
            inline=inline,
            content_id=content_id,
        )

    # -- text ----------------------------------------------------------------------------
    def _text_of(self, part: email.message.Message) -> str:
        data = _payload_bytes(part)
        decoded = decode_text(data, _charset(part))
        for note in decoded.notes():
            self.defect(note)
        self.lossy = self.lossy or decoded.lossy
        text = clean_text(decoded.text)
        remaining = MAX_TEXT_CHARS + MAX_HTML_CHARS - self.text_chars
        if len(text) > remaining:
            text = text[: max(remaining, 0)]
            self.defect("body text was too long and has been truncated")
        self.text_chars += len(text)
        return text

    def _plain_text(self, part: email.message.Message) -> str:
        text = self._text_of(part)
        if (_param(part, "format") or "").lower() == "flowed":
            text = _unflow(text, (_param(part, "delsp") or "").lower() == "yes")
        return self._extract_uuencoded(text)

    def _extract_uuencoded(self, text: str) -> str:
        """Pull uuencoded files (old Lotus Notes, Outlook Express) out of a text body."""
        if "begin " not in text:
            return text
        out: list[str] = []
        position = 0
        for count, match in enumerate(_UU_BEGIN.finditer(text)):
            if count >= MAX_UU_BLOCKS or len(self.attachments) >= MAX_ATTACHMENTS:
                break
            if match.start() < position:
                continue
            end = text.find("\nend", match.end())
            if end == -1:
                break
            block = text[match.end() : end].strip("\n").split("\n")
            data = _decode_uu_block([line.rstrip("\r") for line in block])
            if not data:
                continue
            name = match.group(1)
            out.append(text[position : match.start()])
            out.append(f"[attachment: {safe_filename(name, len(self.attachments) + 1)}]")
            self.add_attachment(
                name=name,
                content_type=_GUESSED_TYPES.get(
                    "." + name.rsplit(".", 1)[-1].lower() if "." in name else "",
                    "application/octet-stream",
                ),
                content=data,
            )
            position = end + len("\nend")
        out.append(text[position:])
        return "".join(out)

    # -- walking -------------------------------------------------------------------------
    def visit(
        self,
        part: email.message.Message,
        depth: int,
        *,
        slot: _Slot | None = None,
        in_report: bool = False,
        related: bool = False,
    ) -> None:
        if self.too_many_parts or self.too_deep:
            return
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.too_many_parts = True
            return
        if depth > MAX_DEPTH:
            self.too_deep = True
            return
        ctype = _content_type(part)
        maintype, _, subtype = ctype.partition("/")

        if maintype == "message":
            self._visit_message(part, ctype, depth, in_report=in_report)
            return
        if part.is_multipart():
            self._visit_multipart(part, ctype, depth, slot=slot, in_report=in_report)
            return
        if maintype == "multipart":
            self._recover_multipart(part, depth, slot=slot)
            return
        if ctype in {"text/rfc822-headers", "text/rfc822"} and in_report:
            found = bounces.original_id_from_headers_text(self._text_of(part))
            self.original_message_id = self.original_message_id or found
            return

        disposition = _disposition(part)
        filename = _filename(part)
        if (
            ctype in {"application/ms-tnef", "application/vnd.ms-tnef"}
            or (filename or "").lower() == "winmail.dat"
        ):
            self._visit_tnef(part, ctype)
            return
        is_body_text = (
            ctype in {"text/plain", "text/html"} and disposition != "attachment" and not filename
        )
        if is_body_text and not related:
            target = slot if slot is not None else self._new_slot()
            if subtype == "plain":
                target.plain.append(self._plain_text(part))
            else:
                target.html.append(self._text_of(part))
            return
        if is_body_text and related and slot is not None and not slot.html and not slot.plain:
            # The root of a multipart/related that was not first (a "start" parameter).
            (slot.plain if subtype == "plain" else slot.html).append(self._text_of(part))
            return
        if ctype == "text/plain" and disposition != "attachment" and not related:
            # Inline text with a file name: shown as the body if nothing else is.
            self.inline_texts.append(self._plain_text(part))
        self._attach_part(part, ctype, related=related)

    def _new_slot(self) -> _Slot:
        slot = _Slot()
        self.slots.append(slot)
        return slot

    def _children(self, part: email.message.Message) -> list[email.message.Message]:
        try:
            payload = part.get_payload()
        except Exception:
            return []
        if not isinstance(payload, list):
            return []
        return [child for child in payload if isinstance(child, email.message.Message)]

    def _visit_multipart(
        self,
        part: email.message.Message,
        ctype: str,
        depth: int,
        *,
        slot: _Slot | None,
        in_report: bool,
    ) -> None:
        children = self._children(part)
        if not children:
            self.defect(f"{ctype} part has no parts")
            return
        if ctype == "multipart/alternative":
            target = slot if slot is not None else self._new_slot()
            for child in children:
                self.visit(child, depth + 1, slot=target, in_report=in_report)
        elif ctype == "multipart/related":
            start = _param(part, "start")
            root_index = 0
            if start:
                for index, child in enumerate(children):
                    cid = _first(_raw_headers(child), "content-id") or ""
                    if cid.strip() == start.strip():
                        root_index = index
                        break
            target = slot if slot is not None else self._new_slot()
            self.visit(children[root_index], depth + 1, slot=target, in_report=in_report)
            for index, child in enumerate(children):
                if index != root_index:
                    self.visit(child, depth + 1, slot=target, in_report=in_report, related=True)
        elif ctype == "multipart/report":
            if self.report_type is None and not in_report and not self.forward_level:
                self.report_type = (_param(part, "report-type") or "").lower() or "unknown"
            for child in children:
                self.visit(child, depth + 1, slot=slot, in_report=True)
        elif ctype == "multipart/signed":
            self.visit(children[0], depth + 1, slot=slot, in_report=in_report)
            for child in children[1:]:
                self._attach_part(child, _content_type(child))
                self.parts += 1
        elif ctype == "multipart/encrypted":
            self.defect("the message is encrypted; its content cannot be shown")
            for child in children:
                self._attach_part(child, _content_type(child))
                self.parts += 1
        else:
            for child in children:
                self.visit(child, depth + 1, slot=slot, in_report=in_report)

    def _recover_multipart(
        self, part: email.message.Message, depth: int, *, slot: _Slot | None
    ) -> None:
        """A multipart whose boundary never appears: find the real boundary, or keep text."""
        raw = _payload_bytes(part)
        if not raw.strip():
            self.unparseable_multipart = True
            self.defect("an empty multipart section (no parts, no text) was ignored")
            return
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        candidate = None
        for index, line in enumerate(lines[:2000]):
            stripped = line.rstrip()
            if not stripped.startswith(b"--") or len(stripped) < 4 or len(stripped) > 200:
                continue
            following = lines[index + 1] if index + 1 < len(lines) else b""
            if _HEADER_LINE.match(following):
                candidate = stripped[2:]
                break
        if candidate is not None:
            synthetic = (
                b'Content-Type: multipart/mixed; boundary="'
                + candidate.replace(b'"', b"")
                + b'"\r\n\r\n'
                + raw
            )
            try:
                reparsed = email.parser.BytesParser(policy=email.policy.default).parsebytes(
                    synthetic
                )
            except Exception:
                reparsed = None
            if reparsed is not None and reparsed.is_multipart() and self._children(reparsed):
                self.defect(
                    "the body did not use its declared MIME boundary; "
                    "parts were recovered using the boundary found in the body"
                )
                before = len(self.slots), self.text_chars
                for child in self._children(reparsed):
                    self.visit(child, depth + 1, slot=slot)
                if (len(self.slots), self.text_chars) != before:
                    return
        text = clean_text(decode_bytes(raw, None)).strip()
        if (
            text
            and candidate is None
            and not re.search(r"(?im)^content-(?:type|transfer-encoding)\s*:", text)
        ):
            self.defect("declared multipart but no MIME parts were found; body kept as text")
            target = slot if slot is not None else self._new_slot()
            target.plain.append(text[:MAX_TEXT_CHARS])
            return
        self.unparseable_multipart = True
        self.defect("the multipart body could not be parsed (no parseable parts)")

    def _visit_message(
        self, part: email.message.Message, ctype: str, depth: int, *, in_report: bool
    ) -> None:
        children = self._children(part)
        embedded = children[0] if children else None
        if self.forward_level and ctype in {
            "message/delivery-status",
            "message/feedback-report",
            "message/disposition-notification",
        }:
            self._attach_part(part, ctype)
            return
        if ctype == "message/delivery-status":
            if children:
                for block in children:
                    fields = {
                        name: clean_text(unfold(values[0]), keep_newlines=False)
                        for name, values in _raw_headers(block).items()
                    }
                    self.dsn_blocks.append(fields)
            else:
                text = clean_text(decode_bytes(_payload_bytes(part), None))
                self.dsn_blocks.extend(bounces.parse_fields(text))
            return
        if ctype in {"message/feedback-report", "message/disposition-notification"}:
            fields: dict[str, str] = {}
            if embedded is not None:
                for name, values in _raw_headers(embedded).items():
                    fields[name] = clean_text(unfold(values[0]), keep_newlines=False)
            else:
                text = clean_text(decode_bytes(_payload_bytes(part), None))
                for block in bounces.parse_fields(text):
                    for name, value in block.items():
                        fields.setdefault(name, value)
            if ctype == "message/feedback-report":
                self.feedback_fields = fields
            else:
                self.mdn_fields = fields
            return
        if embedded is None:
            self._attach_part(part, ctype)
            return
        headers = _raw_headers(embedded)
        if in_report or ctype.endswith("-headers"):
            ids, _ = parse_msg_ids(_first(headers, "message-id") or "", allow_bare=True)
            if ids and self.original_message_id is None:
                self.original_message_id = ids[0]
            to = [m.address for m in parse_address_list(_first(headers, "to") or "") if m.address]
            if to and self.original_to is None:
                self.original_to = to[0]
            if not ctype.endswith("-headers"):
                self.add_attachment(
                    name="original-message.eml",
                    content_type=ctype,
                    content=_message_bytes(embedded),
                )
            return
        # A forwarded message: show its headers and text in the body, list its files.
        summary = ["---------- Forwarded message ----------"]
        for name in ("from", "date", "subject", "to"):
            value = _first(headers, name)
            if value is not None:
                summary.append(f"{name.capitalize()}: {decode_rfc2047(value)[:300]}")
        self._new_slot().plain.append("\n".join(summary))
        self.forward_level += 1
        try:
            self.visit(embedded, depth + 1)
        finally:
            self.forward_level -= 1

    def _visit_tnef(self, part: email.message.Message, ctype: str) -> None:
        self.tnef_seen = True
        data = _payload_bytes(part)
        self.add_attachment(name=_filename(part) or "winmail.dat", content_type=ctype, content=data)
        result = extract_tnef(data)
        if result.error:
            self.defect(f"winmail.dat (TNEF) kept as an attachment: {result.error}")
            return
        if result.body or result.html:
            slot = self._new_slot()
            if result.body:
                slot.plain.append(clean_text(result.body))
            if result.html:
                slot.html.append(clean_text(result.html))
        for name, content in result.attachments:
            guessed = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            self.add_attachment(
                name=name,
                content_type=_GUESSED_TYPES.get(guessed, "application/octet-stream"),
                content=content,
            )


# -- entry points --------------------------------------------------------------------------
def _not_mime_reason(raw: bytes) -> str | None:
    """Refuse input that is not an RFC 5322 message at all, before parsing it as one."""
    if not raw or raw.isspace():  # (never raw.strip(): a copy of a large message)
        return "empty message"
    if raw.startswith(_OLE_MAGIC):
        return "not an email: an Outlook .msg file (OLE compound document), not RFC 5322"
    if raw.startswith(b"\x78\x9f\x3e\x22"):
        return "not an email: raw TNEF (winmail.dat) data, not RFC 5322"
    text = raw.lstrip(b" \t\r\n")
    head_end = re.search(rb"\r?\n\r?\n", text[:1_000_000])
    head = text[: head_end.start()] if head_end else text[:1_000_000]
    lines = head.split(b"\n", 2)
    first = lines[0]
    if first.startswith(b"From ") and len(lines) > 1:
        first = lines[1]
    sample_head = head[:4096]
    controls = sum(1 for byte in sample_head if byte < 9 or 13 < byte < 32)
    if not _HEADER_LINE.match(first) or controls * 10 > len(sample_head):
        sample = raw[:4].hex(" ").upper()
        return f"not an email: binary or non-RFC 5322 data (starts {sample})"
    return None


def _limits_reason(raw: bytes) -> str | None:
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


def _dedupe_key(message_id: str | None, raw: bytes) -> str:
    return message_id if message_id else "sha256:" + hashlib.sha256(raw).hexdigest()


def _unusable(raw: bytes, reason: str, defects: list[str] | None = None) -> ParsedEmail:
    return ParsedEmail(
        message_id=None,
        dedupe_key=_dedupe_key(None, raw),
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


def parse_message(raw: bytes) -> ParsedEmail:
    """Parse raw RFC 5322 bytes; never raises, sets ``quarantine_reason`` when unusable."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogateescape")
    elif not isinstance(raw, bytes):
        try:
            raw = bytes(raw)
        except Exception:
            raw = b""
    try:
        return _parse(raw)
    except RecursionError:
        return _unusable(raw, f"MIME nesting too deep to parse (more than {MAX_DEPTH} levels)")
    except Exception as exc:
        return _unusable(
            raw,
            f"the message could not be parsed ({type(exc).__name__})",
            [f"internal parse error: {type(exc).__name__}: {exc}"[:300]],
        )


def _capped(value: str, limit: int) -> str:
    """Cut an absurdly long header at a comma, so parsing work stays bounded."""
    if len(value) <= limit:
        return value
    cut = value.rfind(",", 0, limit)
    return value[: cut if cut > 0 else limit]


def _addresses(headers: dict[str, list[str]], name: str, hint: str | None) -> list[Mailbox]:
    mailboxes: list[Mailbox] = []
    total = 0
    for value in headers.get(name, [])[:20]:
        value = _capped(value, MAX_ADDRESS_HEADER_CHARS - total)
        total += len(value)
        mailboxes.extend(parse_address_list(value, hint))
        if total >= MAX_ADDRESS_HEADER_CHARS:
            break
    return mailboxes


def _unique(values: list[str], limit: int) -> list[str]:
    """Distinct values (case-insensitively), in order, at most ``limit`` of them."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        if value and value.lower() not in seen:
            seen.add(value.lower())
            result.append(value)
            if len(result) >= limit:
                break
    return result


def _parse(raw: bytes) -> ParsedEmail:
    reason = _not_mime_reason(raw)
    if reason:
        return _unusable(raw, reason)
    source = raw.lstrip(b" \t\r\n")
    if len(source) > MAX_MESSAGE_BYTES:
        limit_reason = (
            f"message too large ({len(source) / 1_048_576:.1f} MB; "
            f"the limit is {MAX_MESSAGE_BYTES // 1_048_576} MB)"
        )
        source = source[:1_000_000]  # enough for the header block, so staff see who sent it
    else:
        limit_reason = _limits_reason(source)
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

    raw_headers = _raw_headers(message)
    top_type = fix_surrogates(_first(raw_headers, "content-type") or "")
    charset_match = _CHARSET_PARAM.search(top_type)
    hint = charset_match.group(1) if charset_match else None
    # From here on header values are real text: 8-bit bytes decoded, NULs and controls gone.
    headers = {
        name: [clean_text(value, hint=hint) for value in values[:50]]
        for name, values in raw_headers.items()
    }
    defects: list[str] = []

    def note(text: str) -> None:
        if text not in defects:
            defects.append(text)

    for defect in getattr(message, "defects", [])[:10]:
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", type(defect).__name__).lower()
        note(f"MIME problem: {words.removesuffix(' defect')}")

    # Identity and threading ---------------------------------------------------------------
    message_id = None
    raw_id = _first(headers, "message-id")
    if raw_id is not None:
        ids, _ = parse_msg_ids(raw_id[:1000], allow_bare=True)
        message_id = ids[0] if ids else None
        if message_id is None:
            note("the Message-ID header is not a valid msg-id and was ignored")
    if len(headers.get("message-id", [])) > 1:
        note("more than one Message-ID header; the first was used")

    in_reply_to: list[str] = []
    references: list[str] = []
    skipped = 0
    for value in headers.get("in-reply-to", [])[:20]:
        ids, bad = parse_msg_ids(value[:MAX_ADDRESS_HEADER_CHARS])
        in_reply_to.extend(i for i in ids if i not in in_reply_to)
        skipped += bad
    for value in headers.get("references", [])[:20]:
        ids, bad = parse_msg_ids(value[:MAX_ADDRESS_HEADER_CHARS])
        references.extend(i for i in ids if i not in references)
        skipped += bad
    if skipped:
        note(f"skipped {skipped} invalid message id(s) in In-Reply-To/References")
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[-(MAX_REFERENCES - 1) :]
    in_reply_to = in_reply_to[:MAX_REFERENCES]

    subject_values = headers.get("subject", [])
    subject = ""
    if subject_values:
        source = subject_values[0][:MAX_SUBJECT_SOURCE_CHARS]
        subject = _truncate(decode_rfc2047(source, hint), MAX_SUBJECT_CHARS)
    if len(subject_values) > 1:
        note("more than one Subject header; the first was used")

    date_value = _first(headers, "date")
    date = parse_date(date_value[:1000]) if date_value is not None else None
    if date_value is not None and date is None:
        note("the Date header could not be understood")

    # Sender -------------------------------------------------------------------------------
    from_values = headers.get("from", [])
    from_mailboxes = _addresses(headers, "from", hint)
    valid_from = [m for m in from_mailboxes if m.address]
    distinct_from = _unique([m.address for m in valid_from], MAX_ADDRESSES)
    from_ambiguous = len(distinct_from) > 1
    if len(from_values) > 1:
        note(f"{len(from_values)} From headers; the first was used")
    first_header_boxes: list[Mailbox] = []
    if from_values:
        first_header_boxes = [
            m
            for m in parse_address_list(_capped(from_values[0], MAX_ADDRESS_HEADER_CHARS), hint)
            if m.address
        ]
    sender_box = (first_header_boxes or valid_from or [None])[0]
    from_address = sender_box.address if sender_box else None
    from_name = _truncate(sender_box.name, MAX_NAME_CHARS) if sender_box else ""
    if sender_box is None and from_mailboxes:
        from_name = _truncate(from_mailboxes[0].name, MAX_NAME_CHARS)
    if from_ambiguous:
        note("From holds more than one mailbox; the first was used and must not be trusted")

    unverified_reasons: list[str] = []
    if sender_box is not None and sender_box.encoded_address:
        unverified_reasons.append("the From address was hidden in an RFC 2047 encoded-word")
    if sender_box is not None:
        for shown in emails_in_text(sender_box.name):
            if shown.lower() != sender_box.address.lower():
                unverified_reasons.append(
                    f"the From display name shows {shown} but the address is {sender_box.address}"
                )
                break

    return_path_value = _first(headers, "return-path")
    null_return_path = False
    return_path = None
    if return_path_value is not None:
        text = clean_text(unfold(return_path_value), keep_newlines=False)
        if re.fullmatch(r"<\s*>", text):
            null_return_path = True
        else:
            boxes = [m for m in parse_address_list(return_path_value[:1000], hint) if m.address]
            return_path = boxes[0].address if boxes else None
    if return_path and from_address:
        rp_domain = return_path.rpartition("@")[2]
        from_domain = from_address.rpartition("@")[2]
        if org_domain(rp_domain) != org_domain(from_domain):
            unverified_reasons.append(
                f"the Return-Path domain ({rp_domain}) differs from the From domain ({from_domain})"
            )

    reply_boxes = [m for m in _addresses(headers, "reply-to", hint) if m.address]
    reply_to = reply_boxes[0].address if reply_boxes else None
    to_addresses = _unique([m.address for m in _addresses(headers, "to", hint)], MAX_ADDRESSES)
    cc_addresses = _unique([m.address for m in _addresses(headers, "cc", hint)], MAX_ADDRESSES)

    # Body ---------------------------------------------------------------------------------
    walker = _Walker()
    quarantine_reason: str | None = limit_reason
    if limit_reason is None:
        walker.visit(message, 0)
        if walker.too_many_parts:
            quarantine_reason = f"too many MIME parts (more than {MAX_PARTS})"
        elif walker.too_deep:
            quarantine_reason = f"MIME nesting too deep (more than {MAX_DEPTH} levels)"
    for text in walker.defects:
        note(text)
    if walker.attachments_omitted:
        note(
            f"{walker.attachments_omitted + len(walker.attachments)} attachments: only the first "
            f"{MAX_ATTACHMENTS} were kept ({walker.attachments_omitted} left in the raw message)"
        )

    texts: list[str] = []
    html_parts: list[str] = []
    for slot in walker.slots:
        plain = "\n\n".join(t.strip("\n") for t in slot.plain if t.strip())
        html = "\n".join(h for h in slot.html if h.strip())
        if html:
            html_parts.append(html)
        if plain.strip():
            texts.append(plain)
        elif html:
            converted = html_to_text(html)
            if converted.strip():
                texts.append(converted)
    if not any(t.strip() for t in texts):
        texts = [t for t in walker.inline_texts if t.strip()]
    text_body = "\n\n".join(texts).strip()
    if len(text_body) > MAX_TEXT_CHARS:
        text_body = text_body[:MAX_TEXT_CHARS]
        note("body text was too long and has been truncated")
    html_body = "\n".join(html_parts)[:MAX_HTML_CHARS] if html_parts else None
    has_text = bool(text_body)
    if not has_text:
        text_body = NO_TEXT
    new_text = strip_quoted(text_body) if has_text else NO_TEXT

    if (
        quarantine_reason is None
        and walker.unparseable_multipart
        and not has_text
        and not walker.attachments
    ):
        quarantine_reason = (
            "the multipart body has no parseable parts and no text could be recovered"
        )

    # Classification ------------------------------------------------------------------------
    reasons = bounces.auto_reasons(
        headers,
        from_address=from_address,
        return_path=return_path,
        null_return_path=null_return_path,
    )
    kind = KIND_MESSAGE
    bounce: BounceInfo | None = None
    fallback_original = (in_reply_to or references[-1:] or [None])[0]
    original_id = walker.original_message_id or fallback_original
    warning = any("warning" in value.lower() for value in headers.get("auto-submitted", []))
    # A report whose report-type parameter is missing (seen in the wild with status 5.0.0) is
    # still a delivery report when it carries a message/delivery-status part.
    dsn = walker.report_type == "delivery-status" or (
        walker.report_type in (None, "unknown") and bool(walker.dsn_blocks)
    )
    if dsn:
        kind, bounce = bounces.from_delivery_status(
            walker.dsn_blocks, original_message_id=original_id, warning=warning
        )
        reasons.append("delivery status report (RFC 3464)")
    elif walker.report_type == "feedback-report":
        kind = bounces.KIND_COMPLAINT
        bounce = bounces.from_feedback_report(
            walker.feedback_fields,
            original_message_id=original_id,
            original_to=walker.original_to,
        )
        reasons.append("abuse feedback report (RFC 5965)")
    elif walker.report_type == "disposition-notification" or walker.mdn_fields:
        kind = bounces.KIND_READ_RECEIPT
        bounce = bounces.from_disposition(walker.mdn_fields, original_message_id=original_id)
        reasons.append("read receipt (RFC 8098)")
    else:
        plain = bounces.plain_bounce(
            headers=headers,
            from_address=from_address,
            from_name=from_name,
            subject=subject,
            text=text_body if has_text else "",
            null_return_path=null_return_path,
            own_addresses=[a for a in [from_address, *to_addresses] if a],
            original_message_id=original_id,
        )
        if plain is not None:
            kind, bounce = plain
            reasons.append("bounce message from a mail server")
        elif bounces.looks_like_read_receipt(subject) and (
            walker.tnef_seen or not has_text or "was read" in text_body.lower()
        ):
            kind = bounces.KIND_READ_RECEIPT
            bounce = bounces.BounceInfo(
                recipient=from_address,
                status=None,
                action="displayed",
                permanent=False,
                original_message_id=original_id,
            )
            reasons.append("read receipt (subject)")
        else:
            why = bounces.is_auto_reply(headers, subject)
            if why:
                kind = bounces.KIND_AUTO_REPLY
                if why not in reasons:
                    reasons.append(why)
    if walker.report_type not in (None, "delivery-status", "feedback-report") and (
        kind == KIND_MESSAGE and not dsn
    ):
        reasons.append(f"machine-generated report ({walker.report_type})")

    if from_address is None and quarantine_reason is None:
        quarantine_reason = "no usable sender: the From header is missing or has no valid address"

    suppress_reply = bool(
        reasons
        or kind != KIND_MESSAGE
        or quarantine_reason
        or from_address is None
        or from_ambiguous
    )

    return ParsedEmail(
        message_id=message_id,
        dedupe_key=_dedupe_key(message_id, raw),
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        from_ambiguous=from_ambiguous,
        reply_to=reply_to,
        to_addresses=to_addresses,
        cc_addresses=cc_addresses,
        date=date,
        in_reply_to=in_reply_to,
        references=references,
        text_body=text_body,
        new_text=new_text,
        html_body=html_body,
        attachments=walker.attachments,
        kind=kind,
        auto_reasons=reasons,
        suppress_reply=suppress_reply,
        bounce=bounce,
        unverified_sender=bool(unverified_reasons),
        defects=defects,
        quarantine_reason=quarantine_reason,
        unverified_reasons=unverified_reasons,
        attachments_omitted=walker.attachments_omitted,
        return_path=return_path,
        from_headers=len(from_values),
        lossy_decoding=walker.lossy,
        trace_headers=_trace_headers(message),
    )
