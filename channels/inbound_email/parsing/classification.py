"""What kind of mail this is: a person writing, an auto-reply, or a report about other mail.

Standard reports (RFC 3464 delivery status, RFC 5965 feedback, RFC 8098 receipts) are trusted
first; then the plain-text conventions of mail servers and clients; then auto-reply signals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .. import bounces
from ..bounces import BounceInfo
from .bodies import Body
from .envelope import Envelope
from .mime_tree import TreeWalker
from .result import KIND_MESSAGE
from .sender import ReturnPath, Sender

Headers = Mapping[str, Sequence[str]]
#: (kind, bounce details, the reason given to staff)
_Finding = tuple[str, BounceInfo | None, str]


@dataclass(frozen=True)
class Classification:
    """The kind of mail, its report details, and every reason it looks automatic."""

    kind: str
    bounce: BounceInfo | None
    reasons: list[str]


@dataclass(frozen=True)
class MessageFacts:
    """What the other steps found, as classification needs it."""

    headers: Headers
    envelope: Envelope
    sender: Sender
    return_path: ReturnPath
    to_addresses: list[str]
    body: Body
    walker: TreeWalker


def classify(facts: MessageFacts) -> Classification:
    """Decide the kind; every automatic signal is listed in ``reasons`` whatever the kind."""
    reasons = bounces.auto_reasons(
        facts.headers,
        from_address=facts.sender.address,
        return_path=facts.return_path.address,
        null_return_path=facts.return_path.null,
    )
    original_id = facts.walker.original_message_id or _replied_to(facts.envelope)
    dsn = _is_delivery_report(facts.walker)
    finding = _from_report(facts, original_id, dsn) or _from_text(facts, original_id)
    kind, bounce, why = finding or (KIND_MESSAGE, None, "")
    if why and why not in reasons:
        reasons.append(why)
    report_type = facts.walker.report_type
    if report_type not in (None, "delivery-status", "feedback-report") and (
        kind == KIND_MESSAGE and not dsn
    ):
        reasons.append(f"machine-generated report ({report_type})")
    return Classification(kind, bounce, reasons)


def _replied_to(envelope: Envelope) -> str | None:
    """The message this one answers, when a report does not say which it is about."""
    candidates = envelope.in_reply_to or envelope.references[-1:]
    return candidates[0] if candidates else None


def _is_delivery_report(walker: TreeWalker) -> bool:
    # A report whose report-type parameter is missing (seen in the wild with status 5.0.0) is
    # still a delivery report when it carries a message/delivery-status part.
    return walker.report_type == "delivery-status" or (
        walker.report_type in (None, "unknown") and bool(walker.dsn_blocks)
    )


def _from_report(facts: MessageFacts, original_id: str | None, dsn: bool) -> _Finding | None:
    """A finding from a standard machine-readable report part, if the message had one."""
    walker = facts.walker
    if dsn:
        warning = any(
            "warning" in value.lower() for value in facts.headers.get("auto-submitted", [])
        )
        kind, bounce = bounces.from_delivery_status(
            walker.dsn_blocks, original_message_id=original_id, warning=warning
        )
        return kind, bounce, "delivery status report (RFC 3464)"
    if walker.report_type == "feedback-report":
        bounce = bounces.from_feedback_report(
            walker.feedback_fields, original_message_id=original_id, original_to=walker.original_to
        )
        return bounces.KIND_COMPLAINT, bounce, "abuse feedback report (RFC 5965)"
    if walker.report_type == "disposition-notification" or walker.mdn_fields:
        bounce = bounces.from_disposition(walker.mdn_fields, original_message_id=original_id)
        return bounces.KIND_READ_RECEIPT, bounce, "read receipt (RFC 8098)"
    return None


def _from_text(facts: MessageFacts, original_id: str | None) -> _Finding | None:
    """A finding from headers, subject and text: plain bounces, receipts, auto-replies."""
    sender, subject, body = facts.sender, facts.envelope.subject, facts.body
    plain = bounces.plain_bounce(
        headers=facts.headers,
        from_address=sender.address,
        from_name=sender.name,
        subject=subject,
        text=body.text if body.has_text else "",
        null_return_path=facts.return_path.null,
        own_addresses=[a for a in [sender.address, *facts.to_addresses] if a],
        original_message_id=original_id,
    )
    if plain is not None:
        return plain[0], plain[1], "bounce message from a mail server"
    if bounces.looks_like_read_receipt(subject) and (
        facts.walker.tnef_seen or not body.has_text or "was read" in body.text.lower()
    ):
        receipt = BounceInfo(
            recipient=sender.address,
            status=None,
            action="displayed",
            permanent=False,
            original_message_id=original_id,
        )
        return bounces.KIND_READ_RECEIPT, receipt, "read receipt (subject)"
    why = bounces.is_auto_reply(facts.headers, subject)
    return (bounces.KIND_AUTO_REPLY, None, why) if why else None
