"""The one path every inbound email takes, whichever door it came through (IMAP, pipe, webhook).

1. ``store_raw``: the raw bytes become an InboundMessage row and are committed. The row's
   ``(mailbox, dedupe_key)`` is unique, so a second delivery of the same message stops here.
2. ``process``: claim the stored row, decide what the message is, and act through
   ``enquiries.intake`` (new case, reply on a case) or record it (bounce, auto-reply,
   quarantine). The intake key is derived from the dedupe key, so re-processing after a crash
   never adds a second contact.
3. The caller acknowledges or deletes the message at its source only after 1 (and normally 2).

Nothing here sends mail: acknowledgements are outbox work, sent by the notifications gateway.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.inbound_email import authentication, rawstore
from channels.inbound_email.authentication import Verdict
from channels.inbound_email.case_matching import CaseMatch, match_case
from channels.inbound_email.models import InboundMessage, Mailbox
from channels.inbound_email.parsing import ParsedEmail, parse_message
from enquiries import outbox, replies, services
from enquiries.attachments import IncomingFile
from enquiries.choices import UNVERIFIED_SENDER_FLAG, Channel, EventKind, Status
from enquiries.intake import (
    MAX_DESCRIPTION,
    MAX_SUMMARY,
    ContactDetails,
    IntakeError,
    IntakeResult,
    NewCase,
    ResidentDetails,
    add_contact,
    submit,
)
from enquiries.models import Case, Contact, Department, Notification, Resident, Service
from enquiries.normalise import normalise_email

logger = logging.getLogger(__name__)

Row = InboundMessage
RowStatus = InboundMessage.Status
Outcome = InboundMessage.Outcome

#: A row claimed by a processor that then died is taken over after this long.
PROCESSING_LEASE = timedelta(minutes=5)
#: Parts that are not the resident's files: never worth telling them about.
_SIGNATURE_TYPES = {
    "application/pgp-signature",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
}
DEFAULT_MAILBOX = {
    "slug": "contact",
    "name": "Customer contact",
    "address": "contact@northmoor.example",
}


class StoreError(Exception):
    """The raw message could not be stored: the source must keep it (and retry later)."""


@dataclass(frozen=True)
class IngestResult:
    row: InboundMessage | None
    line: str
    stored: bool = True
    duplicate: bool = False

    @property
    def done(self) -> bool:
        """Safe to delete at the source: stored (and processed, or left for the sweeper)."""
        return self.stored


@dataclass
class _Finish:
    status: str
    reason: str = ""
    outcome: str = ""
    case: Case | None = None
    contact: Contact | None = None
    acknowledged: bool = False
    line: str = ""
    effects: list[Callable[[], object]] = field(default_factory=list)  # results unused
    facts: dict[str, object] = field(default_factory=dict)  # staff_facts() of the message


# --- mailboxes ----------------------------------------------------------------------------------


def default_mailbox() -> Mailbox:
    """The general contact mailbox (also created by this app's data migration)."""
    mailbox, _ = Mailbox.objects.get_or_create(
        slug=DEFAULT_MAILBOX["slug"],
        defaults={"name": DEFAULT_MAILBOX["name"], "address": DEFAULT_MAILBOX["address"]},
    )
    return mailbox


def find_mailbox(name: str) -> Mailbox:
    """By slug or address; raises Mailbox.DoesNotExist."""
    if "@" in name:
        return Mailbox.objects.get(address__iexact=name.strip())
    return Mailbox.objects.get(slug=name.strip())


def mailbox_for_recipients(recipients: list[str]) -> Mailbox:
    """The mailbox a provider delivered to (webhook), else the default one."""
    wanted = [r.strip().lower() for r in recipients if r and "@" in r]
    for mailbox in Mailbox.objects.filter(enabled=True):
        if mailbox.address.lower() in wanted:
            return mailbox
    return default_mailbox()


def triage_department() -> Department:
    department, _ = Department.objects.get_or_create(
        slug=settings.TRIAGE_DEPARTMENT_SLUG, defaults={"name": "Triage", "is_triage": True}
    )
    return department


# --- entry points -------------------------------------------------------------------------------


def safe_parse(raw: bytes) -> ParsedEmail | None:
    """parse_message promises never to raise; None here means it broke that promise."""
    try:
        return parse_message(raw)
    except Exception:  # a parser bug must not lose the message: it is quarantined instead
        logger.exception("parse_message raised")
        return None


def dedupe_key_for(raw: bytes, parsed: ParsedEmail | None) -> str:
    key = parsed.dedupe_key if parsed is not None else ""
    if not key:
        key = "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(key) > 255:
        key = "msgid-sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()
    return key


def ingest(*, mailbox: Mailbox, raw: bytes, source: str) -> IngestResult:
    """Store, then process, one raw message. Raises StoreError only when it could not be stored."""
    parsed = safe_parse(raw)
    row, created = store_raw(mailbox=mailbox, raw=raw, source=source, parsed=parsed, claim=True)
    if not created and row.status != RowStatus.STORED:
        where = f" (case {row.case.reference})" if row.case else ""
        return IngestResult(row=row, line=f"duplicate of message #{row.pk}{where}", duplicate=True)
    return process(row, parsed=parsed, claimed=created)


def store_raw(
    *,
    mailbox: Mailbox,
    raw: bytes,
    source: str,
    parsed: ParsedEmail | None = None,
    then: Callable[[InboundMessage], None] | None = None,
    claim: bool = False,
) -> tuple[InboundMessage, bool]:
    """Commit the raw bytes (once per mailbox and message). ``then`` runs in the same
    transaction for a new row (the webhook queues processing there)."""
    key = dedupe_key_for(raw, parsed)
    # The stored raw is loaded only if someone reads it: a duplicate of a large message must
    # not pull a second copy of it out of the database.
    existing = Row.objects.defer("raw").filter(mailbox=mailbox, dedupe_key=key).first()
    if existing is not None:
        return existing, False
    sender = ((parsed.from_address or "") if parsed else "").lower()
    try:
        fields = {
            "mailbox": mailbox,
            "dedupe_key": key,
            "message_id": ((parsed.message_id or "") if parsed else "")[:255],
            "raw": raw,
            "size": len(raw),
            "source": source,
            "kind": parsed.kind if parsed else "",
            "sender": sender[:254],
            "subject": (parsed.subject if parsed else "")[:255],
            # Claimed by the process storing it, which goes on to process it at once.
            "attempts": 1 if claim else 0,
            "processed_at": timezone.now() if claim else None,
        }
        with transaction.atomic():
            if rawstore.can_stream(len(raw)):
                # A large message: streamed in with COPY, never held as escaped copies.
                rawstore.insert_streaming(Row(**fields), "raw")
                row = Row.objects.defer("raw").get(mailbox=mailbox, dedupe_key=key)
                row.raw = raw
            else:
                row = Row.objects.create(**fields)
            if then is not None:
                then(row)
    except SuspiciousOperation:
        raise  # the request itself is refused (a replayed webhook token): nothing to retry
    except IntegrityError:
        existing = Row.objects.defer("raw").filter(mailbox=mailbox, dedupe_key=key).first()
        if existing is None:
            raise StoreError("could not store the message") from None
        return existing, False
    except Exception as exc:
        raise StoreError(f"could not store the message: {type(exc).__name__}: {exc}") from exc
    return row, True


def process(
    row: InboundMessage, *, parsed: ParsedEmail | None = None, claimed: bool = False
) -> IngestResult:
    """Process a stored row once. Safe to call again after a crash (or from the admin).
    ``claimed``: the caller stored the row itself, already claimed (see store_raw)."""
    with relaxed_commits():
        return _process(row, parsed, claimed)


@contextmanager
def relaxed_commits() -> Iterator[None]:
    """After the raw message is durably stored, the commits that process it need not wait for
    the disk: PostgreSQL's per-session ``synchronous_commit = off`` can lose only the last few
    hundred milliseconds of them in a database crash, which leaves the row ``stored`` and the
    sweeper processes it again (intake is idempotent on the message's key). Never used for
    ``store_raw``: that commit is what lets the source delete the message."""
    connection = transaction.get_connection()
    relax = connection.vendor == "postgresql" and not connection.in_atomic_block
    if relax:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        if relax:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit TO DEFAULT")


def _process(row: InboundMessage, parsed: ParsedEmail | None, claimed: bool) -> IngestResult:
    if not claimed and not _claim(row):
        return IngestResult(row=row, line=f"message #{row.pk} is already being processed")
    raw = bytes(row.raw)
    if parsed is None:
        parsed = safe_parse(raw)
    try:
        finish = _decide(row, parsed)
    except Exception as exc:
        logger.exception("Processing inbound message %s failed", row.pk)
        reason = f"{type(exc).__name__}: {exc}"[:2000]
        Row.objects.filter(pk=row.pk, status=RowStatus.STORED).update(
            status=RowStatus.FAILED, reason=reason, processed_at=timezone.now()
        )
        _reload(row)
        return IngestResult(
            row=row, line=f"failed: {reason} (kept as message #{row.pk}; reprocess from the admin)"
        )
    finish.facts = staff_facts(parsed)
    _finish(row, finish)
    return IngestResult(row=row, line=finish.line)


def reprocess(row: InboundMessage) -> IngestResult:
    """Staff: run a failed or quarantined message through again (after a fix)."""
    if row.status not in (RowStatus.FAILED, RowStatus.QUARANTINED):
        return IngestResult(row=row, line=f"message #{row.pk} is {row.status}: nothing to do")
    Row.objects.filter(pk=row.pk).update(
        status=RowStatus.STORED, processed_at=None, reason="", outcome=""
    )
    _reload(row)
    return process(row)


def process_pending(*, older_than: timedelta = timedelta(minutes=1), limit: int = 200) -> int:
    """The sweeper: rows stored but never processed (a crash, or a webhook's lost task)."""
    cutoff = timezone.now() - older_than
    done = 0
    for row in Row.objects.filter(status=RowStatus.STORED, received_at__lt=cutoff).order_by(
        "received_at"
    )[:limit]:
        process(row)
        done += 1
    return done


# --- claiming -----------------------------------------------------------------------------------


def _reload(row: InboundMessage) -> None:
    """Refresh everything but the raw bytes (which never change, and may be large)."""
    row.refresh_from_db(fields=[f.attname for f in Row._meta.concrete_fields if f.name != "raw"])


def _claim(row: InboundMessage) -> bool:
    """One processor at a time; a processor that died lets go after PROCESSING_LEASE."""
    now = timezone.now()
    current = Row.objects.filter(pk=row.pk).values("status", "attempts", "processed_at").first()
    if current is None or current["status"] != RowStatus.STORED:
        return False
    started = current["processed_at"]  # while STORED, processed_at marks the claim time
    if started is not None and now - started < PROCESSING_LEASE:
        return False
    claimed = Row.objects.filter(
        pk=row.pk, status=RowStatus.STORED, attempts=current["attempts"]
    ).update(attempts=current["attempts"] + 1, processed_at=now)
    return bool(claimed)


#: Parser notes that staff must see on the case (the rest stay in the logs and the admin).
_STAFF_NOTE_MARKERS = ("charset detected", "could not be decoded", "From holds more than one")


def staff_facts(parsed: ParsedEmail | None) -> dict[str, object]:
    """What to record on the row about the message itself: dropped files, From headers, text."""
    if parsed is None:
        return {}
    notes = [d for d in parsed.defects if any(m in d for m in _STAFF_NOTE_MARKERS)]
    return {
        "attachments_dropped": parsed.attachments_omitted,
        "from_header_count": min(max(parsed.from_headers, 0), 32767),
        "notes": notes[:20],
    }


def _finish(row: InboundMessage, finish: _Finish) -> None:
    """Record the outcome and run its side effects together, exactly once."""
    with transaction.atomic():
        updated = Row.objects.filter(pk=row.pk, status=RowStatus.STORED).update(
            **finish.facts,
            status=finish.status,
            reason=finish.reason[:5000],
            outcome=finish.outcome,
            case=finish.case,
            contact=finish.contact,
            acknowledged=finish.acknowledged,
            processed_at=timezone.now(),
        )
        if updated:
            for effect in finish.effects:
                effect()
    _reload(row)


# --- deciding -----------------------------------------------------------------------------------


def _decide(row: InboundMessage, parsed: ParsedEmail | None) -> _Finish:
    if parsed is None:
        return _quarantine("the parser failed on this message (see the logs)")
    if parsed.quarantine_reason:
        return _quarantine(parsed.quarantine_reason)
    sender = parsed.from_address or ""
    if _is_own_address(sender):
        return _Finish(
            status=RowStatus.IGNORED,
            reason=f"sent from our own address {sender}: never processed (mail loop)",
            line=f"ignored: from our own address {sender}",
        )
    if Notification.objects.filter(message_id=parsed.message_id or "-").exists():
        return _Finish(
            status=RowStatus.IGNORED,
            reason="this is a message we sent, come back to us (mail loop)",
            line="ignored: our own message came back",
        )
    if parsed.kind in ("bounce", "delivery_delay"):
        return _delivery_report(parsed)
    if parsed.kind == "complaint":
        return _complaint(parsed)
    if parsed.kind == "read_receipt":
        case = _case_for_our_message(parsed)
        return _Finish(
            status=RowStatus.IGNORED,
            case=case,
            reason="read receipt: " + "; ".join(parsed.auto_reasons),
            line="ignored read receipt" + (f" (case {case.reference})" if case else ""),
        )
    try:
        email = normalise_email(sender)
    except ValidationError:
        return _quarantine(f"the sender address {sender!r} is not one we can use or reply to")
    verdict = authentication.verdict(parsed.trace_headers, email)
    match = match_case(
        subject=parsed.subject,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        sender=email,
        sender_trusted=verdict.authenticated
        and not (parsed.unverified_sender or parsed.from_ambiguous),
    )
    if parsed.kind == "auto_reply":
        return _auto_reply(row, parsed, match)
    automatic = why_automatic(parsed)
    if automatic:
        if match.case is not None:
            return _auto_reply(row, parsed, match)
        return _Finish(
            status=RowStatus.QUARANTINED,
            outcome=Outcome.AUTOMATIC,
            reason=f"automatic or bulk mail ({'; '.join(automatic)}): held for staff, no case "
            "opened and nothing sent",
            line=f"quarantined: automatic or bulk mail ({'; '.join(automatic)})",
        )
    return _person_wrote(row, parsed, match, email, verdict)


#: RFC 3834 and list signals that mean "not a person writing to us": never a case, never answered.
_AUTOMATIC_PREFIXES = ("Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe", "sender is ")


def why_automatic(parsed: ParsedEmail) -> list[str]:
    """The signals that make a message automatic, list or bulk mail, or a no-reply sender.

    Softer hints (X-Auto-Response-Suppress, which Outlook adds to ordinary mail, or a null
    return path) only stop acknowledgements; they do not hold the message back.
    """
    return [r for r in parsed.auto_reasons if r.startswith(_AUTOMATIC_PREFIXES)]


def _quarantine(reason: str) -> _Finish:
    return _Finish(
        status=RowStatus.QUARANTINED,
        reason=reason,
        line=f"quarantined: {reason}",
    )


def _is_own_address(address: str) -> bool:
    if not address:
        return False
    address = address.lower()
    own = {m.lower() for m in Mailbox.objects.values_list("address", flat=True)}
    from_email = settings.DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >").lower()
    return address in own or address == from_email


# --- automatic mail -----------------------------------------------------------------------------


def _our_message(message_id: str | None) -> Notification | None:
    if not message_id:
        return None
    return (
        Notification.objects.select_related("case", "resident")
        .filter(message_id=message_id.strip("<>"))
        .first()
    )


def _case_for_our_message(parsed: ParsedEmail) -> Case | None:
    original = parsed.bounce.original_message_id if parsed.bounce else None
    for mid in [original, *parsed.in_reply_to, *parsed.references[-1:]]:
        notification = _our_message(mid)
        if notification is not None:
            return notification.case
        contact = Contact.objects.select_related("case").filter(message_id=mid or "-").first()
        if contact is not None:
            return contact.case
    return None


def _delivery_report(parsed: ParsedEmail) -> _Finish:
    """Bounces are facts about mail we sent: never a case, never answered."""
    info = parsed.bounce
    original = info.original_message_id if info else None
    notification = _our_message(original)
    status = (info.status or "") if info else ""
    detail = " ".join(x for x in [status, (info.diagnostic or "")[:300] if info else ""] if x)
    permanent = bool(info and info.permanent and parsed.kind == "bounce")
    what = "delivery failure" if permanent else "delivery delay or temporary failure"
    if notification is None:
        case = _case_for_our_message(parsed)
        return _Finish(
            status=RowStatus.BOUNCE,
            case=case,
            reason=f"{what} for a message we cannot match to anything we sent ({detail or '?'})",
            line=f"bounce: not matched to our mail ({detail or what})",
        )
    case = notification.case
    resident = notification.resident
    recipient = ((info.recipient if info else None) or notification.to_address).lower()

    def effects() -> None:
        services.record_event(
            case=case,
            kind=EventKind.NOTIFICATION_FAILED,
            message=f"Our email “{notification.subject[:120]}” to {recipient}: {what}"
            + (f" ({detail})" if detail else ""),
            data={"notification": notification.pk, "status": status, "permanent": permanent},
        )
        if permanent:
            Notification.objects.filter(pk=notification.pk).exclude(
                state=Notification.State.FAILED
            ).update(state=Notification.State.FAILED, error=f"bounced: {detail}"[:2000])
            same_address = resident is not None and resident.email.lower() == (
                notification.to_address.lower()
            )
            if same_address and resident is not None:
                services.mark_email_failing(resident=resident, reason=detail or what)

    failing = " (resident's email marked failing)" if permanent and resident else ""
    return _Finish(
        status=RowStatus.BOUNCE,
        case=case,
        reason=f"{what} for our message to {recipient}" + (f": {detail}" if detail else ""),
        line=f"bounce: case {case.reference}{failing}",
        effects=[effects],
    )


def _complaint(parsed: ParsedEmail) -> _Finish:
    original = parsed.bounce.original_message_id if parsed.bounce else None
    notification = _our_message(original)
    if notification is None or notification.resident is None:
        return _Finish(
            status=RowStatus.COMPLAINT,
            reason="spam complaint about a message we cannot match",
            line="complaint: not matched to our mail",
        )
    case, resident = notification.case, notification.resident

    def effects() -> None:
        services.record_email_complaint(resident=resident, case=case, detail=parsed.subject)

    return _Finish(
        status=RowStatus.COMPLAINT,
        case=case,
        reason="spam complaint: updates to the resident stopped",
        line=f"complaint: case {case.reference} (updates stopped)",
        effects=[effects],
    )


def _auto_reply(row: InboundMessage, parsed: ParsedEmail, match: CaseMatch) -> _Finish:
    """Out-of-office and similar: noted on the case, status unchanged, never answered."""
    reasons = "; ".join(parsed.auto_reasons) or "automatic reply"
    if match.case is None:
        return _Finish(
            status=RowStatus.IGNORED,
            reason=f"automatic reply not matched to a case ({reasons})",
            line=f"ignored auto-reply ({reasons})",
        )
    result = add_contact(
        case=match.case,
        idempotency_key=_intake_key(row),
        contact=_contact_details(row, parsed, is_public=False, prefix="[Automatic reply] "),
        resident=_sender_resident(match.case, parsed.from_address or ""),
        wake_case=False,
        judge_chaser=False,  # an out-of-office is not the resident chasing
    )
    return _Finish(
        status=RowStatus.PROCESSED,
        outcome=Outcome.AUTO_REPLY,
        case=result.case,
        contact=result.contact,
        reason=f"automatic reply recorded on the case without changing it ({reasons})",
        line=f"auto-reply recorded on case {result.case.reference} (not acknowledged)",
    )


# --- a person wrote -----------------------------------------------------------------------------


def _person_wrote(
    row: InboundMessage, parsed: ParsedEmail, match: CaseMatch, email: str, verdict: Verdict
) -> _Finish:
    if match.case is not None:
        case = match.case
        finished = case.status in (Status.RESOLVED, Status.CLOSED)
        judgement = replies.judge(status=case.status, text=_body(parsed))
        if finished and judgement.reopens and not services.reopen_window_open(case):
            return _new_case(row, parsed, email, follows=case, note="", verdict=verdict)
        # A thank-you joins the finished case without reopening it (enquiries/replies.py).
        result = add_contact(
            case=case,
            idempotency_key=_intake_key(row),
            contact=_contact_details(row, parsed),
            resident=_sender_resident(case, email),
        )
        finish = _Finish(
            status=RowStatus.PROCESSED,
            outcome=Outcome.JOINED,
            case=result.case,
            contact=result.contact,
            reason=f"joined case {case.reference} (matched by {match.via})"
            + (f"; {judgement.why}" if finished else ""),
            line=f"joined case {result.case.reference}",
        )
        _tell_about_skipped_files(row, parsed, finish, email)
        return finish
    note = "; ".join(match.refused)
    return _new_case(row, parsed, email, follows=None, note=note, verdict=verdict)


def _new_case(
    row: InboundMessage,
    parsed: ParsedEmail,
    email: str,
    *,
    follows: Case | None,
    note: str,
    verdict: Verdict,
) -> _Finish:
    acknowledge, why_not = _may_acknowledge(parsed, email)
    unauthenticated = not verdict.authenticated
    to_triage = bool(note) or unauthenticated
    department = triage_department() if to_triage else (row.mailbox.department or None)
    if department is None:
        department = triage_department()
    # Unauthenticated mail is never linked to a resident we already know (it may be spoofed).
    trusted = not (parsed.unverified_sender or parsed.from_ambiguous or unauthenticated)
    command = NewCase(
        idempotency_key=_intake_key(row),
        contact=_contact_details(row, parsed),
        resident=_sender_as_resident(parsed, email, follows, trusted=trusted),
        summary=_new_case_summary(parsed, follows),
        description=_body(parsed),
        service=_follow_on_service(follows),
        department=department,
        follows=follows,
        acknowledge=acknowledge,
    )
    try:
        result = submit(command)
    except IntakeError as exc:
        return _quarantine(f"the message could not become a case: {'; '.join(exc.messages)}")
    reasons = _new_case_reasons(parsed, verdict, note=note, follows=follows)
    if not acknowledge:
        reasons.append(f"not acknowledged: {why_not}")
    finish = _Finish(
        status=RowStatus.PROCESSED,
        outcome=_new_case_outcome(note=note, unauthenticated=unauthenticated, follows=follows),
        case=result.case,
        contact=result.contact,
        acknowledged=acknowledge,
        reason="; ".join(reasons) or "new case",
        line=_new_case_line(
            result.case, note=note, unauthenticated=unauthenticated, follows=follows
        ),
    )
    _add_new_case_notes(finish, result, parsed, verdict, note=note)
    if acknowledge:
        _tell_about_skipped_files(row, parsed, finish, email)
    return finish


def _sender_as_resident(
    parsed: ParsedEmail, email: str, follows: Case | None, *, trusted: bool
) -> ResidentDetails | Resident:
    """Who the new case is for: the followed case's resident, or details from the message."""
    # The followed case's record, only when it reaches no one but this authenticated address (as
    # intake's rule for authenticated email): a phone typed there may be someone else's.
    if (
        trusted
        and follows is not None
        and (follows.resident.email or "").lower() == email
        and not follows.resident.phone
    ):
        return follows.resident
    return ResidentDetails(
        full_name=parsed.from_name[:200],
        email=email,
        match_existing=trusted,
        # Nobody we cannot safely answer (machines, spoofing signs) gets automatic updates.
        consent_updates=trusted and not parsed.suppress_reply,
        flags=() if trusted else (UNVERIFIED_SENDER_FLAG,),
    )


def _new_case_summary(parsed: ParsedEmail, follows: Case | None) -> str:
    summary = _summary(parsed)
    if follows is None:
        return summary
    return f"Follow-up to {follows.reference}: {summary}"[:MAX_SUMMARY]


def _follow_on_service(follows: Case | None) -> Service | None:
    """The followed case's service, while it is still offered."""
    service = follows.service if follows is not None and follows.service_id else None
    return service if service is not None and service.is_active else None


def _new_case_reasons(
    parsed: ParsedEmail, verdict: Verdict, *, note: str, follows: Case | None
) -> list[str]:
    """Why the case was opened the way it was, for the inbound message's record."""
    reasons = []
    if not verdict.authenticated:
        reasons.append(
            f"unauthenticated sender ({verdict.reason}): not linked to any known "
            "resident or case, sent to triage"
        )
    if note:
        reasons.append(f"sent to triage: {note}")
    if follows is not None:
        reasons.append(
            f"case {follows.reference} closed more than {settings.REOPEN_WINDOW_DAYS} days ago"
        )
    if parsed.unverified_sender:
        reasons.append("unverified sender: " + "; ".join(parsed.unverified_reasons))
    return reasons


def _new_case_outcome(*, note: str, unauthenticated: bool, follows: Case | None) -> str:
    if note:
        return Outcome.TRIAGE_NOT_PARTY
    if unauthenticated:
        return Outcome.UNAUTHENTICATED
    return Outcome.FOLLOW_ON if follows is not None else Outcome.NEW_CASE


def _new_case_line(case: Case, *, note: str, unauthenticated: bool, follows: Case | None) -> str:
    """The one line the ingest command prints for this message."""
    if note:
        return f"new case {case.reference} in triage ({note})"
    if unauthenticated:
        return f"new case {case.reference} in triage (unauthenticated sender)"
    if follows is not None:
        return f"new case {case.reference} following closed case {follows.reference}"
    return f"new case {case.reference}"


def _add_new_case_notes(
    finish: _Finish, result: IntakeResult, parsed: ParsedEmail, verdict: Verdict, *, note: str
) -> None:
    """Case notes staff need, written after commit: unauthenticated, triage, unverified sender."""
    if not verdict.authenticated:
        finish.effects.append(
            lambda: services.record_event(
                case=result.case,
                kind=EventKind.NOTE,
                message=f"Unauthenticated email ({verdict.reason}): the sender may not be who "
                "they say. Not linked to any existing resident or case; check before linking.",
                data={"inbound_email": "unauthenticated", "verdict": verdict.reason},
            )
        )
    if note:
        finish.effects.append(lambda: _mark_for_triage(result, note))
    if parsed.unverified_sender and not note and verdict.authenticated:
        finish.effects.append(
            lambda: services.record_event(
                case=result.case,
                kind=EventKind.NOTE,
                message="Unverified sender: " + "; ".join(parsed.unverified_reasons),
            )
        )


def _mark_for_triage(result: IntakeResult, note: str) -> None:
    services.record_event(
        case=result.case,
        kind=EventKind.NOTE,
        message=f"Check before linking: this email {note}. It was not added to that case.",
        data={"inbound_email": "names_case_not_party"},
    )


def _may_acknowledge(parsed: ParsedEmail, email: str) -> tuple[bool, str]:
    """RFC 3834: never answer machines, lists or suspicious senders; and only a few an hour."""
    if parsed.suppress_reply:
        return False, "automatic or bulk mail (" + (
            "; ".join(parsed.auto_reasons) or parsed.kind
        ) + ")"
    if parsed.unverified_sender:
        return False, "the sender could not be verified"
    limit = settings.EMAIL_ACKS_PER_SENDER_PER_HOUR
    recent = Row.objects.filter(
        sender=email.lower(),
        acknowledged=True,
        received_at__gte=timezone.now() - timedelta(hours=1),
    ).count()
    if recent >= limit:
        return False, f"already {recent} acknowledgements to this sender in the last hour"
    return True, ""


def _tell_about_skipped_files(
    row: InboundMessage, parsed: ParsedEmail, finish: _Finish, email: str
) -> None:
    """The resident is told which files we could not keep (once, and never to a machine)."""
    contact = finish.contact
    if contact is None or contact.resident is None:
        return
    skipped = [
        a
        for a in contact.attachments.exclude(skipped_reason="")
        if a.content_type not in _SIGNATURE_TYPES
    ]
    if not skipped or (contact.resident.email or "").lower() != email:
        return
    if not finish.acknowledged:
        allowed, _why = _may_acknowledge(parsed, email)
        if not allowed:
            return
    lines = "\n".join(f"- {a.original_name}: {a.skipped_reason}" for a in skipped[:20])
    text = (
        "We could not keep these files from your email:\n"
        f"{lines}\n\nYou can send them again (photos or PDF files up to "
        f"{settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}MB) from the link below."
    )
    case_id, contact_id = contact.case_id, contact.pk
    finish.acknowledged = True
    finish.effects.append(
        lambda: outbox.enqueue(
            "enquiries.tasks.notify_resident",
            dedupe_key=f"email-files:{contact_id}",
            case_id=case_id,
            kind="update",
            text=text,
        )
    )


# --- shaping intake input -----------------------------------------------------------------------


def _intake_key(row: InboundMessage) -> str:
    key = f"email:{row.mailbox_id}:{row.dedupe_key}"
    if len(key) > 255:
        key = f"email:{row.mailbox_id}:sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _summary(parsed: ParsedEmail) -> str:
    summary = " ".join(parsed.subject.split())
    if not summary:
        first = next((line.strip() for line in parsed.new_text.splitlines() if line.strip()), "")
        summary = first or "Email with no subject"
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1].rstrip() + "…"
    return summary


def _body(parsed: ParsedEmail, prefix: str = "") -> str:
    body = prefix + parsed.new_text
    if parsed.new_text != parsed.text_body and parsed.new_text.strip() == "":
        body = prefix + parsed.text_body
    if len(body) > MAX_DESCRIPTION:
        note = "\n\n[Shortened: the full message is kept with the case.]"
        body = body[: MAX_DESCRIPTION - len(note)] + note
    return body


def _files(parsed: ParsedEmail) -> tuple[IncomingFile, ...]:
    ordered = sorted(parsed.attachments, key=lambda a: a.is_inline)  # real attachments first
    return tuple(
        IncomingFile(name=a.filename, content=a.content, declared_type=a.content_type)
        for a in ordered
    )


def _contact_details(
    row: InboundMessage, parsed: ParsedEmail, *, is_public: bool = True, prefix: str = ""
) -> ContactDetails:
    return ContactDetails(
        channel=Channel.EMAIL,
        body=_body(parsed, prefix),
        subject=parsed.subject[:255],
        message_id=(parsed.message_id or "")[:255],
        sender_name=parsed.from_name[:200],
        sender_address=(parsed.from_address or "")[:254],
        occurred_at=row.received_at,
        is_public=is_public,
        files=_files(parsed),
        skip_bad_files=True,
    )


def _sender_resident(case: Case, email: str) -> Resident | None:
    """Who on the case wrote: the resident, or a subscriber (else intake uses the resident)."""
    if (case.resident.email or "").lower() == email.lower():
        return case.resident
    subscription = (
        case.subscriptions.select_related("resident").filter(resident__email__iexact=email).first()
    )
    return subscription.resident if subscription else None
