"""Identity and threading headers: Message-ID, In-Reply-To/References, Subject and Date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..headers import decode_rfc2047, parse_date, parse_msg_ids
from .limits import (
    MAX_ADDRESS_HEADER_CHARS,
    MAX_REFERENCES,
    MAX_SUBJECT_CHARS,
    MAX_SUBJECT_SOURCE_CHARS,
)
from .mime_parts import first
from .result import Notes

Headers = dict[str, list[str]]


@dataclass(frozen=True)
class Envelope:
    """Which message this is and which conversation it belongs to."""

    message_id: str | None
    in_reply_to: list[str]
    references: list[str]
    subject: str
    date: datetime | None


def read_envelope(headers: Headers, hint: str | None, notes: Notes) -> Envelope:
    """Read the identity headers, noting for staff any that were repeated or unreadable."""
    message_id = _message_id(headers, notes)
    in_reply_to, references = _thread_ids(headers, notes)
    return Envelope(
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        subject=_subject(headers, hint, notes),
        date=_date(headers, notes),
    )


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _message_id(headers: Headers, notes: Notes) -> str | None:
    message_id = None
    raw_id = first(headers, "message-id")
    if raw_id is not None:
        ids, _ = parse_msg_ids(raw_id[:1000], allow_bare=True)
        message_id = ids[0] if ids else None
        if message_id is None:
            notes.add("the Message-ID header is not a valid msg-id and was ignored")
    if len(headers.get("message-id", [])) > 1:
        notes.add("more than one Message-ID header; the first was used")
    return message_id


def _ids_in(values: list[str], into: list[str]) -> int:
    """Add the distinct msg-ids in ``values`` to ``into``; return how many were invalid."""
    skipped = 0
    for value in values[:20]:
        ids, bad = parse_msg_ids(value[:MAX_ADDRESS_HEADER_CHARS])
        into.extend(i for i in ids if i not in into)
        skipped += bad
    return skipped


def _thread_ids(headers: Headers, notes: Notes) -> tuple[list[str], list[str]]:
    """In-Reply-To and References, bounded (References keeps its first and latest ids)."""
    in_reply_to: list[str] = []
    references: list[str] = []
    skipped = _ids_in(headers.get("in-reply-to", []), in_reply_to)
    skipped += _ids_in(headers.get("references", []), references)
    if skipped:
        notes.add(f"skipped {skipped} invalid message id(s) in In-Reply-To/References")
    if len(references) > MAX_REFERENCES:
        references = references[:1] + references[-(MAX_REFERENCES - 1) :]
    return in_reply_to[:MAX_REFERENCES], references


def _subject(headers: Headers, hint: str | None, notes: Notes) -> str:
    values = headers.get("subject", [])
    subject = ""
    if values:
        source = values[0][:MAX_SUBJECT_SOURCE_CHARS]
        subject = truncate(decode_rfc2047(source, hint), MAX_SUBJECT_CHARS)
    if len(values) > 1:
        notes.add("more than one Subject header; the first was used")
    return subject


def _date(headers: Headers, notes: Notes) -> datetime | None:
    value = first(headers, "date")
    if value is None:
        return None
    date = parse_date(value[:1000])
    if date is None:
        notes.add("the Date header could not be understood")
    return date
