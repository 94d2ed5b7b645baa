"""Lenient decoding of the header fields the portal relies on.

The standard library's header registry is strict in the wrong places for us: it decodes each
RFC 2047 word on its own (so a character split over two words is lost), does not know Microsoft
charset aliases, and reads ``From: a@x.com <b@y.com>`` as ``a@x.com``, the display name, which
is exactly the spoofing we must catch. These parsers work on the raw header text instead and
never raise.
"""

from __future__ import annotations

import binascii
import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from .charsets import clean_text, decode_bytes, fix_surrogates

MAX_MSG_ID_LENGTH = 250

_FOLD = re.compile(r"\r?\n(?=[ \t])")
_NEWLINES = re.compile(r"[\r\n]+")
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,80})\?([bBqQ])\?([^?]*)\?=")
_Q_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
_EMAILISH = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[^\s@<>()\[\]\"',;:]+")
_MSG_ID_IN_ANGLES = re.compile(r"<([^<>]*)>")
_DOMAIN = re.compile(
    r"^(?:[^\s@<>()\[\]\\,;:\"\x00-\x1f\x7f\ud800-\udfff]+|\[[^\[\]\\\s\x00-\x1f\x7f]+\])$"
)
_LOCAL_UNQUOTED = re.compile(r"^[^\s@<>()\[\]\\,;:\"\x00-\x1f\x7f\ud800-\udfff]+$")
_LOCAL_QUOTED = re.compile(r'^"(?:[^"\\\x00-\x1f\x7f\ud800-\udfff]|\\[^\x00-\x1f\x7f])*"$')

# Two-label public suffixes seen in UK council mail, so that bounces.example.co.uk and
# example.co.uk count as the same organisation but example.co.uk and other.co.uk do not.
_MULTI_LABEL_SUFFIXES = frozenset(
    {
        "ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "nhs.uk", "org.uk", "plc.uk",
        "police.uk", "sch.uk", "mod.uk", "com.au", "net.au", "org.au", "gov.au", "edu.au",
        "co.nz", "org.nz", "govt.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "co.za",
        "com.br", "com.mx", "com.cn", "net.cn", "org.cn", "gov.cn", "com.tr", "co.in",
        "gov.in", "com.sg", "gov.ng", "com.ng", "co.kr", "or.kr", "com.hk", "com.tw", "gov.ie",
    }
)  # fmt: skip


def unfold(value: str) -> str:
    """Undo header folding (RFC 5322 section 2.2.3) and drop stray line breaks."""
    return _NEWLINES.sub("", _FOLD.sub("", value))


def _decode_q(payload: str) -> bytes:
    raw = payload.replace("_", " ").encode("utf-8", "surrogateescape")
    return _Q_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def _decode_b(payload: str) -> bytes:
    text = _NOT_BASE64.sub("", payload)
    if len(text) % 4 == 1:
        text = text[:-1]
    text += "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text)
    except (binascii.Error, ValueError):
        return b""


def decode_rfc2047(value: str, hint: str | None = None) -> str:
    """Decode encoded-words (RFC 2047) in an unstructured header, joined on one line.

    Adjacent words in the same charset are joined as bytes before decoding, so a multibyte
    character split across two words survives; whitespace between encoded-words is dropped as
    the RFC requires; unknown charsets and broken base64 are decoded best effort.
    """
    text = fix_surrogates(unfold(value), hint)
    # Each part is (plain text, encoded bytes, charset); plain text is None for encoded-words.
    parts: list[tuple[str | None, bytes, str]] = []
    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        if match.start() > pos:
            parts.append((text[pos : match.start()], b"", ""))
        charset, encoding, payload = match.groups()
        data = _decode_q(payload) if encoding in "qQ" else _decode_b(payload)
        parts.append((None, data, charset.lower().split("*", 1)[0]))
        pos = match.end()
    if pos < len(text):
        parts.append((text[pos:], b"", ""))

    out: list[str] = []
    pending = b""
    pending_charset = ""
    for index, (plain, data, charset) in enumerate(parts):
        if plain is not None:
            between_words = (
                0 < index < len(parts) - 1
                and parts[index - 1][0] is None
                and parts[index + 1][0] is None
                and not plain.strip(" \t")
            )
            if between_words:
                continue
            if pending:
                out.append(decode_bytes(pending, pending_charset, hint=hint))
                pending = b""
            out.append(plain)
            continue
        if pending and charset != pending_charset:
            out.append(decode_bytes(pending, pending_charset, hint=hint))
            pending = b""
        pending += data
        pending_charset = charset
    if pending:
        out.append(decode_bytes(pending, pending_charset, hint=hint))
    return clean_text("".join(out), keep_newlines=False, hint=hint)


@dataclass(frozen=True)
class Mailbox:
    """One mailbox from an address header: ``address`` is '' when no valid addr-spec exists."""

    name: str
    address: str
    encoded_address: bool = False


def normalise_address(candidate: str) -> str:
    """Return ``local@domain`` with the domain lower-cased, or '' if it is not an addr-spec."""
    candidate = candidate.strip().strip("<>").strip()
    if ":" in candidate and candidate.startswith("@"):
        # Obsolete source route: <@relay1,@relay2:user@example.com>.
        candidate = candidate.rsplit(":", 1)[1]
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    if "@" not in candidate or len(candidate) > 254:
        return ""
    local, _, domain = candidate.rpartition("@")
    domain = domain.strip().rstrip(".").lower()
    local = local.strip()
    # A dotless domain such as "localhost" is kept: it is still an addr-spec, just a local one.
    if not local or not domain or not _DOMAIN.match(domain):
        return ""
    if not (_LOCAL_UNQUOTED.match(local) or _LOCAL_QUOTED.match(local)):
        return ""
    if local.startswith(".") or local.endswith(".") and not local.startswith('"'):
        return ""
    return f"{local}@{domain}"


def _split_elements(value: str) -> list[str]:
    """Split an address list on top-level commas, dropping group names ("team: a, b;")."""
    elements: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(value):
        end = _token_end(value, index)
        if end is not None:  # commas and colons inside it are not separators
            current.append(value[index : end + 1])
            index = end + 1
            continue
        char = value[index]
        if char in ",;":
            elements.append("".join(current))
            current = []
        elif char == ":":
            # Group syntax: what came before the colon is the group's name, not a mailbox.
            current = []
        else:
            current.append(char)
        index += 1
    elements.append("".join(current))
    return [element.strip() for element in elements if element.strip()]


def _token_end(value: str, index: int) -> int | None:
    """Where a quoted string, comment or angle-addr starting at ``index`` ends (inclusive)."""
    char = value[index]
    if char == '"':
        end = index + 1
        while end < len(value) and value[end] != '"':
            end += 2 if value[end] == "\\" else 1
        return end
    if char == "(":
        return _comment_end(value, index)
    if char == "<":
        end = value.find(">", index)
        return len(value) - 1 if end == -1 else end
    return None


def _comment_end(value: str, index: int) -> int:
    """The closing parenthesis of a (possibly nested) comment, or the end of the value."""
    depth = 0
    end = index
    while end < len(value):
        if value[end] == "\\":
            end += 2
            continue
        if value[end] == "(":
            depth += 1
        elif value[end] == ")":
            depth -= 1
            if depth == 0:
                break
        end += 1
    return end


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _strip_comments(text: str) -> tuple[str, list[str]]:
    """Remove (comments) outside quoted strings and angle brackets, returning them separately."""
    comments: list[str] = []
    out: list[str] = []
    depth = 0
    in_quote = False
    in_angle = False
    buffer: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if depth:
            if char == "\\" and index + 1 < len(text):
                buffer.append(text[index + 1])
                index += 2
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    comments.append("".join(buffer).strip())
                    buffer = []
                    out.append(" ")
                    index += 1
                    continue
            buffer.append(char)
        elif in_quote:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_quote = False
        elif in_angle:
            out.append(char)
            in_angle = char != ">"
        elif char == "(":
            depth = 1
        else:
            out.append(char)
            in_quote = char == '"'
            in_angle = char == "<"
        index += 1
    return "".join(out), [c for c in comments if c]


def _words(text: str) -> list[str]:
    """Split on whitespace outside quoted strings."""
    return [w for w in re.findall(r'"(?:[^"\\]|\\.)*"?|[^\s"]+', text) if w]


def _display_name(text: str, hint: str | None) -> str:
    words = [_unquote(word) for word in _words(text)]
    return decode_rfc2047(" ".join(words), hint)


def parse_mailboxes(element: str, hint: str | None = None) -> list[Mailbox]:
    """Parse one comma-separated element; several mailboxes mean a malformed list."""
    text, comments = _strip_comments(element)
    comment_name = decode_rfc2047(" ".join(comments), hint) if comments else ""
    angles = list(re.finditer(r"<([^<>]*)>?", text))
    if angles:
        mailboxes: list[Mailbox] = []
        start = 0
        for match in angles:
            name = _display_name(text[start : match.start()], hint)
            address = normalise_address(match.group(1))
            mailboxes.append(Mailbox(name=name or comment_name, address=address))
            start = match.end()
        trailing = text[start:].strip()
        for word in _words(trailing):
            address = normalise_address(_unquote(word))
            if address:
                mailboxes.append(Mailbox(name="", address=address))
        return mailboxes

    words = _words(text)
    addresses = [normalise_address(w) for w in words if "@" in w]
    addresses = [a for a in addresses if a]
    if addresses:
        if len(addresses) == 1:
            others = [_unquote(w) for w in words if "@" not in w]
            name = decode_rfc2047(" ".join(others), hint) if others else comment_name
            return [Mailbox(name=name, address=addresses[0])]
        return [Mailbox(name="", address=a) for a in addresses]

    # An addr-spec hidden in an RFC 2047 encoded-word is not allowed, but phishing uses it.
    if _ENCODED_WORD.search(text):
        decoded = decode_rfc2047(text, hint)
        found = [normalise_address(w) for w in decoded.split() if "@" in w]
        found = [a for a in found if a]
        if found:
            return [Mailbox(name=decoded, address=a, encoded_address=True) for a in found]
    name = _display_name(text, hint) or comment_name
    return [Mailbox(name=name, address="")] if name else []


def parse_address_list(value: str, hint: str | None = None) -> list[Mailbox]:
    """Parse an address header (From, To, Cc, Reply-To) into mailboxes, never raising."""
    text = fix_surrogates(unfold(value), hint)
    mailboxes: list[Mailbox] = []
    for element in _split_elements(text):
        mailboxes.extend(parse_mailboxes(element, hint))
    return mailboxes


def emails_in_text(text: str) -> list[str]:
    """Email-address-looking strings in free text (display names, bounce bodies)."""
    found = []
    for match in _EMAILISH.finditer(clean_text(text, keep_newlines=False)):
        address = normalise_address(match.group(0).strip(".'\""))
        if address:
            found.append(address)
    return found


def parse_msg_ids(value: str, *, allow_bare: bool = False) -> tuple[list[str], int]:
    """Return the valid ``id-left@id-right`` msg-ids in a header and how many were skipped."""
    text = clean_text(unfold(value), keep_newlines=False)
    candidates = _MSG_ID_IN_ANGLES.findall(text)
    if not candidates and allow_bare and text.strip():
        candidates = [text.strip()]
    valid: list[str] = []
    invalid = 0
    for candidate in candidates:
        candidate = candidate.strip()
        if (
            "@" in candidate
            and not any(ch.isspace() or ch in "<>" for ch in candidate)
            and 3 <= len(candidate) <= MAX_MSG_ID_LENGTH
            and not candidate.startswith("@")
            and not candidate.endswith("@")
        ):
            if candidate not in valid:
                valid.append(candidate)
        else:
            invalid += 1
    # An id whose closing ">" never came (for example cut by a bad fold) is invalid too.
    invalid += max(0, text.count("<") - len(candidates))
    return valid, invalid


def parse_date(value: str) -> datetime | None:
    """Parse an RFC 5322 date to an aware UTC datetime; None if it can't be understood."""
    text = clean_text(unfold(value), keep_newlines=False)
    if not text:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    try:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def org_domain(domain: str) -> str:
    """Approximate the organisational domain (mail.example.co.uk -> example.co.uk)."""
    labels = [label for label in domain.lower().strip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    if ".".join(labels[-2:]) in _MULTI_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])
