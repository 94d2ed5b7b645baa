"""The demo's outbox: what `make run` would have emailed and texted, where staff can read it.

Development only (EMAIL_MODE=outbox, SMS_MODE=outbox; production refuses both): without it the
demo's emails were raw MIME in the worker's log and texts were never sent at all. Each message is
one file under VAR_DIR/outbox/ (written whole, then renamed, so a reader never sees half of one);
the staff page /staff/outbox/ lists them with their links.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage as DjangoEmailMessage

logger = logging.getLogger(__name__)

LINK = re.compile(r"https?://[^\s<>\"')\]]+")


def outbox_dir() -> Path:
    return Path(settings.VAR_DIR) / "outbox"


def _write(suffix: str, data: bytes) -> Path:
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}{suffix}"
    partial = folder / f".{name}.part"
    partial.write_bytes(data)
    final = folder / name
    os.replace(partial, final)
    return final


class DemoOutboxEmailBackend(BaseEmailBackend):
    """Keeps each email as an .eml file and logs one readable line instead of the raw message."""

    def send_messages(self, email_messages: Sequence[DjangoEmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            _write(".eml", message.message().as_bytes())
            logger.info(
                "Email to %s: %s (read it at /staff/outbox/)",
                ", ".join(message.recipients()),
                message.subject,
            )
            sent += 1
        return sent


class DemoTextClient:
    """Stands in for the GOV.UK Notify client in the demo: texts go to the outbox, not to phones."""

    def send_sms_notification(
        self,
        *,
        phone_number: str,
        template_id: str,
        personalisation: dict[str, Any],
        reference: str,
    ) -> dict[str, str]:
        ident = str(uuid.uuid4())
        record = {"id": ident, "to": phone_number, "body": personalisation.get("body", "")}
        _write(".sms.json", json.dumps(record).encode())
        logger.info("Text to %s (read it at /staff/outbox/)", phone_number)
        return {"id": ident}

    def get_all_notifications(self, **_: Any) -> dict[str, list[Any]]:
        return {"notifications": []}  # nothing was sent before a crash that we cannot see


@dataclass(frozen=True)
class OutboxMessage:
    kind: str  # "Email" or "Text message"
    sent_at: datetime
    to: str
    subject: str
    body: str
    links: list[str] = field(default_factory=list)

    @property
    def first_lines(self) -> str:
        return "\n".join(line for line in self.body.strip().splitlines()[:3])


def _links(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in LINK.finditer(text):
        seen.setdefault(match.group(0).rstrip(".,;:"), None)
    return list(seen)


def _sent_at(path: Path) -> datetime:
    try:
        return datetime.strptime(path.name[:22], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    except ValueError:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _read_email(path: Path) -> OutboxMessage:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    part = parsed.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    return OutboxMessage(
        kind="Email",
        sent_at=_sent_at(path),
        to=str(parsed.get("To", "")),
        subject=str(parsed.get("Subject", "")),
        body=body,
        links=_links(body),
    )


def _read_text(path: Path) -> OutboxMessage:
    record = json.loads(path.read_text())
    body = str(record.get("body", ""))
    return OutboxMessage(
        kind="Text message",
        sent_at=_sent_at(path),
        to=str(record.get("to", "")),
        subject="",
        body=body,
        links=_links(body),
    )


def recent_messages(limit: int = 100) -> list[OutboxMessage]:
    """The newest messages first; a file that cannot be read is skipped, not fatal."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    paths = sorted(
        (p for p in folder.iterdir() if not p.name.startswith(".")),
        key=lambda p: p.name,
        reverse=True,
    )[:limit]
    found = []
    for path in paths:
        try:
            found.append(_read_text(path) if path.name.endswith(".sms.json") else _read_email(path))
        except (OSError, ValueError, AssertionError):
            logger.warning("Unreadable outbox file %s skipped", path.name)
    return found


def enabled() -> bool:
    return settings.EMAIL_MODE == "outbox" or settings.SMS_MODE == "outbox"
