"""Recognising automatic mail: bounces, delay warnings, complaints, receipts and auto-replies.

A portal that acknowledges every email must never answer a machine (RFC 3834), or two
autoresponders will mail each other forever. Bounces (RFC 3464), complaints (RFC 5965) and read
receipts (RFC 8098) are also not new cases: they are facts about mail we sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .headers import emails_in_text, normalise_address, parse_msg_ids, unfold

KIND_MESSAGE = "message"
KIND_AUTO_REPLY = "auto_reply"
KIND_BOUNCE = "bounce"
KIND_DELAY = "delivery_delay"
KIND_COMPLAINT = "complaint"
KIND_READ_RECEIPT = "read_receipt"
KINDS = (KIND_MESSAGE, KIND_AUTO_REPLY, KIND_BOUNCE, KIND_DELAY, KIND_COMPLAINT, KIND_READ_RECEIPT)


@dataclass(frozen=True)
class BounceInfo:
    """What a delivery report, complaint or receipt says about a message we sent.

    Filled for ``bounce`` and ``delivery_delay`` (RFC 3464 or a plain-text bounce), and also for
    ``complaint`` (the complaining recipient) and ``read_receipt`` (``action`` is the
    disposition, such as "displayed").
    """

    recipient: str | None
    status: str | None
    action: str | None
    permanent: bool
    original_message_id: str | None
    diagnostic: str = ""


# Local parts that mean "a machine, not a person" (RFC 3834 section 2, RFC 5321 section 4.5.1).
_ROLE_LOCAL = re.compile(
    r"^(?P<role>mailer[-_.]?daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|root|nobody)"
    r"(?:[+\-_.].*)?$",
    re.IGNORECASE,
)
_ROLE_NAMES = {
    "mailerdaemon": "mailer-daemon",
    "postmaster": "postmaster",
    "noreply": "no-reply",
    "donotreply": "do-not-reply",
    "root": "root",
    "nobody": "nobody",
}
_AUTOREPLY_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "x-autoreply-from",
    "x-mail-autoreply",
    "x-auto-reply",
)
_AUTO_REPLY_SUBJECT = re.compile(
    r"^\s*(?:(?:re|aw|sv|fw|fwd)\s*:\s*)?(?:\[[^\]]{0,40}\]\s*)?"
    r"(?:out\s+of\s+(?:the\s+)?office|automatic\s+reply|auto(?:matic)?[-\s]?reply|autoreply|"
    r"auto[-\s]?response|autoresponse|away\s+from\s+(?:the\s+)?office|on\s+leave\s*:|"
    r"automatyczna\s+odpowied|abwesenheitsnotiz|automatische\s+antwort|"
    r"r[ée]ponse\s+automatique|respuesta\s+autom[áa]tica|risposta\s+automatica|"
    r"automatisch\s+antwoord|ateb\s+awtomatig|allan\s+o'r\s+swyddfa)",
    re.IGNORECASE,
)
_READ_RECEIPT_SUBJECT = re.compile(
    r"^\s*(?:read|not\s+read|gelesen|nicht\s+gelesen|lu|non\s+lu|le[íi]do|letto|gelezen|"
    r"darllenwyd|przeczytane|read\s+receipt|return\s+receipt)\s*:",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery\s+status\s+notification|delivery\s+(?:has\s+)?fail|"
    r"delivery\s+failure|failure\s+notice|returned\s+mail|mail\s+delivery\s+(?:failed|failure|"
    r"system|subsystem)|non[-\s]?delivery|could\s+not\s+be\s+delivered|not\s+delivered|"
    r"returned\s+to\s+sender|delivery\s+problem|delayed\s+mail|delivery\s+delayed",
    re.IGNORECASE,
)
_FAILURE_TEXT = re.compile(
    r"failed\s+permanently|permanent(?:ly)?\s+(?:error|failure|fatal)|could\s*n[o']t\s+be\s+"
    r"delivered|delivery\s+(?:has\s+)?failed|delivery\s+to\s+the\s+following\s+recipients?\s+"
    r"failed|undeliverable|user\s+unknown|unknown\s+user|no\s+such\s+user|mailbox\s+(?:is\s+)?"
    r"(?:unavailable|not\s+found|full|disabled)|recipient\s+rejected|address\s+rejected|"
    r"does\s+not\s+exist|quota\s+exceeded|following\s+(?:address|recipient)|"
    r"was\s+not\s+delivered|could\s+not\s+deliver|unable\s+to\s+deliver",
    re.IGNORECASE,
)
_DELAY_TEXT = re.compile(
    r"delivery\s+(?:has\s+been\s+|is\s+)?delayed|will\s+(?:continue|keep)\s+(?:trying|to\s+try)|"
    r"will\s+retry|not\s+yet\s+been\s+delivered|still\s+undelivered|warning\s+message\s+only",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_PERMANENT_SMTP = re.compile(r"\b55[0-4]\b")
_ORIGINAL_MSG_ID = re.compile(r"^message-id\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_DAEMON_NAME = re.compile(r"mail\s+delivery|postmaster|mailer[-\s]daemon", re.IGNORECASE)


def role_of(address: str | None) -> str | None:
    """Return "mailer-daemon", "postmaster", "no-reply", "do-not-reply", "root" or "nobody"."""
    if not address or "@" not in address:
        return None
    match = _ROLE_LOCAL.match(address.rpartition("@")[0])
    if not match:
        return None
    key = re.sub(r"[-_.]", "", match.group("role").lower())
    return _ROLE_NAMES.get(key)


def _first_word(value: str) -> str:
    value = re.sub(r"\([^)]*\)", " ", unfold(value))
    return value.strip().split(";", 1)[0].strip().split(" ", 1)[0].strip().lower()


def auto_reasons(
    headers: Mapping[str, Sequence[str]],
    *,
    from_address: str | None,
    return_path: str | None,
    null_return_path: bool,
) -> list[str]:
    """List every RFC 3834 signal that this message was sent by a machine.

    ``headers`` maps lower-case header names to their raw values.
    """
    return [
        *_auto_header_reasons(headers),
        *_machine_sender_reasons(from_address, return_path, null_return_path),
    ]


def _auto_header_reasons(headers: Mapping[str, Sequence[str]]) -> list[str]:
    """Header fields that only automatic and list mail carries."""
    reasons: list[str] = []
    for value in headers.get("auto-submitted", ()):
        word = _first_word(value)
        if word and word != "no":
            detail = " ".join(unfold(value).split())[:80]
            reasons.append(f"Auto-Submitted: {detail}")
            break
    for value in headers.get("precedence", ()):
        word = _first_word(value)
        if word in {"bulk", "junk", "list", "auto_reply", "auto-reply"}:
            reasons.append(f"Precedence: {word}")
            break
    signals = (
        ("List-Id", bool(headers.get("list-id"))),
        ("List-Unsubscribe", bool(headers.get("list-unsubscribe"))),
        ("X-Auto-Response-Suppress", bool(headers.get("x-auto-response-suppress"))),
        ("X-Autoreply", _autoreply_header(headers)),
        ("X-Failed-Recipients", bool(headers.get("x-failed-recipients"))),
    )
    reasons.extend(reason for reason, present in signals if present)
    return reasons


def _autoreply_header(headers: Mapping[str, Sequence[str]]) -> bool:
    """An X-Autoreply-style field (several vendors' names) that does not say "no"."""
    for name in _AUTOREPLY_HEADERS:
        values = headers.get(name, ())
        if values and _first_word(values[0]) not in {"no", "false", "0"}:
            return True
    return False


def _machine_sender_reasons(
    from_address: str | None, return_path: str | None, null_return_path: bool
) -> list[str]:
    """A role address (mailer-daemon, noreply...) as sender or return path, or a null path."""
    reasons: list[str] = []
    role = role_of(from_address)
    if role:
        reasons.append(f"sender is {role}")
    return_role = role_of(return_path)
    if return_role and return_role != role:
        reasons.append(f"return path is {return_role}")
    if null_return_path:
        reasons.append("null return path")
    return reasons


def is_auto_reply(headers: Mapping[str, Sequence[str]], subject: str) -> str | None:
    """Return why this looks like an out-of-office or other auto-reply, or None."""
    for value in headers.get("auto-submitted", ()):
        if _first_word(value) == "auto-replied":
            return "Auto-Submitted: auto-replied"
    if _autoreply_header(headers):
        return "X-Autoreply"
    if _AUTO_REPLY_SUBJECT.match(subject):
        return "subject looks like an automatic reply"
    return None


def looks_like_read_receipt(subject: str) -> bool:
    """Subject of a proprietary (non-RFC 8098) receipt, such as Outlook's "Read: ..."."""
    return bool(_READ_RECEIPT_SUBJECT.match(subject))


def _status(text: str) -> str | None:
    match = _STATUS.search(text)
    return ".".join(match.groups()) if match else None


def _address_field(value: str) -> str | None:
    """Address from a DSN field such as ``Final-Recipient: rfc822; user@example.com``."""
    text = unfold(value)
    text = text.split(";", 1)[1] if ";" in text else text
    address = normalise_address(text.strip())
    if address:
        return address
    found = emails_in_text(text)
    return found[0] if found else None


def parse_fields(text: str) -> list[dict[str, str]]:
    """Split a DSN/ARF/MDN body into blank-line separated blocks of ``name: value`` fields."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n")[:5000]:
        if not line.strip():
            if current:
                blocks.append(current)
                current, last = {}, ""
            continue
        if line[:1] in " \t" and last:
            current[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if sep and name.strip() and " " not in name.strip():
            last = name.strip().lower()
            current.setdefault(last, value.strip())
    if current:
        blocks.append(current)
    return blocks


def original_id_from_headers_text(text: str) -> str | None:
    """Message-ID of the original message in a returned header block."""
    for match in _ORIGINAL_MSG_ID.finditer(text):
        ids, _ = parse_msg_ids(match.group(1), allow_bare=True)
        if ids:
            return ids[0]
    return None


def from_delivery_status(
    blocks: Sequence[Mapping[str, str]],
    *,
    original_message_id: str | None,
    warning: bool = False,
) -> tuple[str, BounceInfo]:
    """Classify an RFC 3464 report: ``failed`` is a bounce (permanent only for 5.x.x status).

    ``delayed`` (or a 4.x.x status with no action, or an Auto-Submitted warning) is a delay.
    """
    recipients = [
        block
        for block in blocks
        if "final-recipient" in block or "action" in block or "original-recipient" in block
    ]
    chosen: Mapping[str, str] = {}
    for wanted in ("failed", "delayed"):
        chosen = next((b for b in recipients if _first_word(b.get("action", "")) == wanted), {})
        if chosen:
            break
    if not chosen and recipients:
        chosen = recipients[0]
    action = _first_word(chosen.get("action", "")) or None
    status = _status(chosen.get("status", ""))
    diagnostic = unfold(chosen.get("diagnostic-code", ""))
    if ";" in diagnostic:
        diagnostic = diagnostic.split(";", 1)[1]
    diagnostic = " ".join(diagnostic.split())[:500]
    if status is None:
        status = _status(diagnostic)
    recipient = _address_field(
        chosen.get("final-recipient", "") or chosen.get("original-recipient", "")
    )
    if action == "delayed" or (action is None and (warning or (status or "").startswith("4"))):
        kind = KIND_DELAY
        permanent = False
    else:
        kind = KIND_BOUNCE
        permanent = action in (None, "failed") and (status or "").startswith("5")
    info = BounceInfo(
        recipient=recipient,
        status=status,
        action=action,
        permanent=permanent,
        original_message_id=original_message_id,
        diagnostic=diagnostic,
    )
    return kind, info


def from_feedback_report(
    fields: Mapping[str, str], *, original_message_id: str | None, original_to: str | None
) -> BounceInfo:
    """Summarise an RFC 5965 abuse report: who complained and about which message."""
    recipient = None
    for name in ("original-rcpt-to", "removal-recipient"):
        if fields.get(name):
            recipient = _address_field(fields[name])
            if recipient:
                break
    feedback = _first_word(fields.get("feedback-type", "")) or "abuse"
    return BounceInfo(
        recipient=recipient or original_to,
        status=None,
        action=feedback,
        permanent=False,
        original_message_id=original_message_id,
        diagnostic=" ".join(unfold(fields.get("feedback-type", "")).split())[:500],
    )


def from_disposition(fields: Mapping[str, str], *, original_message_id: str | None) -> BounceInfo:
    """Summarise an RFC 8098 read receipt."""
    disposition = unfold(fields.get("disposition", ""))
    action = disposition.split(";", 1)[1].strip().lower() if ";" in disposition else None
    ids, _ = parse_msg_ids(fields.get("original-message-id", ""))
    return BounceInfo(
        recipient=_address_field(fields.get("final-recipient", "")),
        status=None,
        action=action or None,
        permanent=False,
        original_message_id=ids[0] if ids else original_message_id,
        diagnostic=" ".join(disposition.split())[:500],
    )


def plain_bounce(
    *,
    headers: Mapping[str, Sequence[str]],
    from_address: str | None,
    from_name: str,
    subject: str,
    text: str,
    null_return_path: bool,
    own_addresses: Iterable[str],
    original_message_id: str | None,
) -> tuple[str, BounceInfo] | None:
    """Recognise a bounce that is not RFC 3464 (plain text from a mailer-daemon), or None."""
    failed_header = headers.get("x-failed-recipients", ())
    daemon = role_of(from_address) in {"mailer-daemon", "postmaster"} or bool(
        _DAEMON_NAME.search(from_name)
    )
    failure = _FAILURE_TEXT.search(text)
    delay = _DELAY_TEXT.search(text)
    bounce_subject = bool(_BOUNCE_SUBJECT.search(subject))
    auto_submitted = any(
        _first_word(v) not in {"", "no"} for v in headers.get("auto-submitted", ())
    )
    if not failed_header:
        if not daemon or not (failure or delay or bounce_subject):
            return None
        if not (null_return_path or auto_submitted or bounce_subject or failure):
            return None

    own = {address.lower() for address in own_addresses}
    recipient = None
    for value in failed_header:
        found = emails_in_text(unfold(value))
        if found:
            recipient = found[0]
            break
    if recipient is None:
        match = failure or delay
        start = match.start() if match else 0
        candidates = [a for a in emails_in_text(text[start:]) if a.lower() not in own]
        recipient = candidates[0] if candidates else None

    status = _status(text)
    original = original_id_from_headers_text(text) or original_message_id
    diagnostic_line = ""
    for line in text.splitlines():
        if _STATUS.search(line) or _FAILURE_TEXT.search(line) or _DELAY_TEXT.search(line):
            diagnostic_line = " ".join(line.split())[:500]
            break
    permanent_words = bool(re.search(r"permanent", text, re.IGNORECASE))
    permanent = (
        (status or "").startswith("5") or permanent_words or bool(_PERMANENT_SMTP.search(text))
    )
    if delay and not failure and not permanent:
        kind, action, permanent = KIND_DELAY, "delayed", False
    else:
        kind, action = KIND_BOUNCE, "failed"
    return kind, BounceInfo(
        recipient=recipient,
        status=status,
        action=action,
        permanent=permanent,
        original_message_id=original,
        diagnostic=diagnostic_line,
    )
