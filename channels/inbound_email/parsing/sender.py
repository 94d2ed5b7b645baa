"""Who sent the message and to whom: From, Return-Path, Reply-To, To and Cc.

Also why the sender should not be trusted to be who they say (``unverified_reasons``): the
portal never attaches such mail to an existing resident automatically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..charsets import clean_text
from ..headers import Mailbox, emails_in_text, org_domain, parse_address_list, unfold
from .envelope import Headers, truncate
from .limits import MAX_ADDRESS_HEADER_CHARS, MAX_ADDRESSES, MAX_NAME_CHARS
from .mime_parts import first
from .result import Notes


@dataclass(frozen=True)
class Sender:
    """The From mailbox the portal uses, and how far it can be believed."""

    address: str | None
    name: str
    ambiguous: bool
    from_headers: int
    unverified_reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReturnPath:
    """The envelope sender: an address, or the null path ``<>`` that bounces use."""

    address: str | None
    null: bool


@dataclass(frozen=True)
class Recipients:
    """Reply-To and the distinct To and Cc addresses."""

    reply_to: str | None
    to: list[str]
    cc: list[str]


def read_sender(headers: Headers, hint: str | None, notes: Notes) -> Sender:
    """The first valid From mailbox (of the first From field), noting repeats and ambiguity."""
    from_values = headers.get("from", [])
    all_boxes = addresses(headers, "from", hint)
    valid = [m for m in all_boxes if m.address]
    ambiguous = len(unique([m.address for m in valid], MAX_ADDRESSES)) > 1
    if len(from_values) > 1:
        notes.add(f"{len(from_values)} From headers; the first was used")
    first_field: list[Mailbox] = []
    if from_values:
        first_field = _valid(capped(from_values[0], MAX_ADDRESS_HEADER_CHARS), hint)
    candidates = first_field or valid
    box = candidates[0] if candidates else None
    if ambiguous:
        notes.add("From holds more than one mailbox; the first was used and must not be trusted")
    if box is None:
        name = truncate(all_boxes[0].name, MAX_NAME_CHARS) if all_boxes else ""
        return Sender(None, name, ambiguous, len(from_values))
    return Sender(
        address=box.address,
        name=truncate(box.name, MAX_NAME_CHARS),
        ambiguous=ambiguous,
        from_headers=len(from_values),
        unverified_reasons=_disguise_reasons(box),
    )


def _disguise_reasons(box: Mailbox) -> list[str]:
    """Signs the From mailbox is dressed up to look like another address."""
    reasons: list[str] = []
    if box.encoded_address:
        reasons.append("the From address was hidden in an RFC 2047 encoded-word")
    for shown in emails_in_text(box.name):
        if shown.lower() != box.address.lower():
            reasons.append(f"the From display name shows {shown} but the address is {box.address}")
            break
    return reasons


def read_return_path(headers: Headers, hint: str | None) -> ReturnPath:
    """The Return-Path address, or the null path of a bounce."""
    value = first(headers, "return-path")
    if value is None:
        return ReturnPath(None, null=False)
    if re.fullmatch(r"<\s*>", clean_text(unfold(value), keep_newlines=False)):
        return ReturnPath(None, null=True)
    boxes = _valid(value[:1000], hint)
    return ReturnPath(boxes[0].address if boxes else None, null=False)


def return_path_mismatch(return_path: str | None, from_address: str | None) -> list[str]:
    """A reason, when the envelope sender's organisation differs from the From address's."""
    if not (return_path and from_address):
        return []
    rp_domain = return_path.rpartition("@")[2]
    from_domain = from_address.rpartition("@")[2]
    if org_domain(rp_domain) == org_domain(from_domain):
        return []
    return [f"the Return-Path domain ({rp_domain}) differs from the From domain ({from_domain})"]


def read_recipients(headers: Headers, hint: str | None) -> Recipients:
    """Reply-To (first valid address) and the distinct To and Cc addresses."""
    reply_boxes = [m for m in addresses(headers, "reply-to", hint) if m.address]
    return Recipients(
        reply_to=reply_boxes[0].address if reply_boxes else None,
        to=unique([m.address for m in addresses(headers, "to", hint)], MAX_ADDRESSES),
        cc=unique([m.address for m in addresses(headers, "cc", hint)], MAX_ADDRESSES),
    )


def _valid(value: str, hint: str | None) -> list[Mailbox]:
    return [m for m in parse_address_list(value, hint) if m.address]


def capped(value: str, limit: int) -> str:
    """Cut an absurdly long header at a comma, so parsing work stays bounded."""
    if len(value) <= limit:
        return value
    cut = value.rfind(",", 0, limit)
    return value[: cut if cut > 0 else limit]


def addresses(headers: Headers, name: str, hint: str | None) -> list[Mailbox]:
    """Every mailbox in the (at most 20) fields called ``name``, within a character budget."""
    mailboxes: list[Mailbox] = []
    total = 0
    for value in headers.get(name, [])[:20]:
        value = capped(value, MAX_ADDRESS_HEADER_CHARS - total)
        total += len(value)
        mailboxes.extend(parse_address_list(value, hint))
        if total >= MAX_ADDRESS_HEADER_CHARS:
            break
    return mailboxes


def unique(values: list[str], limit: int) -> list[str]:
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
