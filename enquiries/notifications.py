"""Telling residents what is happening: one gateway, every message a Notification row.

Email goes through Django's mailer; text messages through GOV.UK Notify when a key is configured,
otherwise by email. A row's idempotency key (case, event, person, medium) means a retried or
redelivered task never sends the same update twice, and a per-case daily budget holds extra
status updates back for one digest so that nobody is flooded.
"""

import logging
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers, make_msgid
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from enquiries import demo_outbox, notification_templates, outbox
from enquiries.case_events import record_event
from enquiries.choices import Channel, Direction, EventKind, UpdatePreference
from enquiries.models import (
    Case,
    Contact,
    Notification,
    OutboxTask,
    PendingContactChange,
    Resident,
)
from enquiries.residents import CODE_MINUTES, confirmation_code
from enquiries.tracking import reissue_tracking_link

logger = logging.getLogger(__name__)

State = Notification.State
Medium = Notification.Medium

#: These always go at once (the resident needs them now); the budget counts only the others.
EXEMPT_FROM_BUDGET = frozenset(
    {
        "reply",
        "auto_answer",
        "tracking_link",
        "digest",
        "awaiting_resident",
        "escalation",
        "confirm_details",
    }
)
#: Rows that used up some of the day's budget.
COUNTED = (State.PENDING, State.SENDING, State.SENT, State.DELIVERED, State.FAILED)
#: A task still has to send (or finish sending) a row in these states.
UNSENT = (State.PENDING, State.SENDING)
#: Notify's delivery-receipt statuses that say the number or address will never work.
PERMANENT_FAILURES = frozenset({"permanent-failure"})
TEMPORARY_FAILURES = frozenset({"temporary-failure", "technical-failure"})


class TransientSendError(Exception):
    """The provider or mail server may succeed later: the task retries."""


class SendInFlight(Exception):  # noqa: N818 - a state, not a failure
    """Another worker holds the send claim on this row: try again once it may have ended.

    Not a TransientSendError, so it never uses up the task's retries: the wait is bounded by
    NOTIFICATION_UNCERTAIN_AFTER_SECONDS, after which the claim can be taken over.
    """

    def __init__(self, notification_id: int, retry_in: float):
        super().__init__(f"Notification {notification_id} is being sent by another worker")
        self.retry_in = retry_in


# --- who, and by which medium ---------------------------------------------------------------


def recipients(case: Case) -> list[Resident]:
    subscribers = [s.resident for s in case.subscriptions.select_related("resident")]
    return [case.resident, *subscribers]


HUMAN_KINDS = frozenset({"reply"})


def choose_medium(resident: Resident) -> str | None:
    """The resident's preference, falling back to the other channel when one is failing."""
    if resident.anonymised_at is not None:
        return None
    if not resident.consent_updates or resident.preferred_channel == UpdatePreference.NONE:
        return None
    can_email = bool(resident.email) and not resident.email_failing
    can_sms = bool(resident.phone) and not resident.phone_failing
    if resident.preferred_channel == UpdatePreference.SMS and can_sms:
        if texts_available():
            return Medium.SMS
        return Medium.EMAIL if can_email else None  # no text message provider configured
    if can_email:
        return Medium.EMAIL
    if can_sms and texts_available():
        return Medium.SMS
    return None


def texts_available() -> bool:
    """A text can be sent: GOV.UK Notify is configured, or (in the demo) the outbox stands in."""
    return bool(settings.NOTIFY_API_KEY) or settings.SMS_MODE == "outbox"


def _why_not_sent(resident: Resident) -> str:
    if resident.anonymised_at is not None:
        return "The resident's details have been anonymised."
    if not resident.consent_updates or resident.preferred_channel == UpdatePreference.NONE:
        return "The resident asked for no updates."
    return "No working email address or mobile number (or no text message provider)."


# --- updates to residents -------------------------------------------------------------------


def notify_case(
    *,
    case_id: int,
    kind: str,
    text: str = "",
    key: str,
    contact_id: int | None = None,
    template: str = "",
    note: str = "",
) -> list[Notification]:
    """Create (once) and send the update for every person following the case.

    A staff reply (contact_id given) already exists as a public Contact: it goes to the case's
    resident only, and the sent message is recorded on that Contact rather than a new one.
    ``template`` names an alternative wording (a routing rule's acknowledgement), ``note`` the
    reason shown with it (why the expected date moved).
    """
    case = Case.objects.select_related("resident", "department", "service").get(pk=case_id)
    contact = Contact.objects.get(pk=contact_id, case=case) if contact_id else None
    if contact is not None:
        text = text or contact.body
    rows = []
    for resident in [case.resident] if contact is not None else recipients(case):
        row = _existing(key, resident)
        if row is None:
            medium = choose_medium(resident)
            if medium is None:
                row = _suppressed(case, resident, kind, f"{key}:{resident.pk}:none")
            else:
                row = _row_for(
                    case,
                    resident,
                    kind,
                    medium,
                    text,
                    f"{key}:{resident.pk}:{medium}",
                    contact,
                    template=template,
                    note=note,
                    budget=True,
                )
        if row.state in UNSENT:
            _send(row, case)
            row.refresh_from_db()
        if row.state == State.FAILED and row.medium == Medium.SMS:
            fallback = _email_instead(row, case, resident, kind, text, contact, template, note)
            row = fallback or row
        rows.append(row)
    return rows


def _email_instead(
    row: Notification,
    case: Case,
    resident: Resident,
    kind: str,
    text: str,
    contact: Contact | None,
    template: str,
    note: str,
) -> Notification | None:
    """Notify refused the number (400): the same update goes once by email, if there is one."""
    resident.refresh_from_db()
    if not resident.phone_failing or choose_medium(resident) != Medium.EMAIL:
        return None
    key = row.idempotency_key.rsplit(":", 1)[0] + f":{Medium.EMAIL}"
    email = _row_for(
        case, resident, kind, Medium.EMAIL, text, key, contact, template=template, note=note
    )
    if email.state in UNSENT:
        _send(email, case)
        email.refresh_from_db()
    return email


def _existing(key: str, resident: Resident) -> Notification | None:
    """The same update for the same person, whichever medium it chose the first time."""
    keys = [f"{key}:{resident.pk}:{medium}" for medium in (*Medium.values, "none")]
    return Notification.objects.filter(idempotency_key__in=keys).first()


def _suppressed(case: Case, resident: Resident, kind: str, key: str) -> Notification:
    row, _ = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "case": case,
            "resident": resident,
            "kind": kind,
            "medium": Medium.EMAIL,
            "state": State.SUPPRESSED,
            "error": _why_not_sent(resident),
        },
    )
    return row


OPTOUT_SALT = "enquiries.optout"


def optout_token(case: Case, resident: Resident) -> str:
    """Signed ids, no secret: the link's view (enquiries.optout) checks the signature."""
    return signing.Signer(salt=OPTOUT_SALT).sign(f"{case.pk}.{resident.pk}")


def optout_url(case: Case, resident: Resident) -> str:
    return settings.PORTAL_BASE_URL + reverse("optout", args=[optout_token(case, resident)])


def _context(
    case: Case, resident: Resident | None, kind: str, text: str, note: str
) -> dict[str, Any]:
    previous = None
    is_reporter = resident is None or resident.pk == case.resident_id
    if kind == "expected_date_changed":
        event = case.events.filter(kind=EventKind.EXPECTED_DATE).order_by("-created_at").first()
        previous = _parse_when(event.data.get("from")) if event else None
    return {
        "case": case,
        "resident": resident,
        "kind": kind,
        "text": text,
        "note": note,
        # The tracking page shows the reporter's own messages: people who joined the report
        # ("tell us once") get the updates, never the link.
        "tracking_url": settings.PORTAL_BASE_URL + case.tracking_path() if is_reporter else "",
        "is_follower": not is_reporter,
        "optout_url": optout_url(case, resident) if resident is not None else "",
        "council_name": settings.COUNCIL_NAME,
        "council_phone": settings.COUNCIL_PHONE,
        "expected_by": case.expected_by,
        "previous_expected": previous,
    }


def _parse_when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _row_for(
    case: Case,
    resident: Resident,
    kind: str,
    medium: str,
    text: str,
    key: str,
    contact: Contact | None = None,
    *,
    template: str = "",
    note: str = "",
    budget: bool = False,
) -> Notification:
    """The one row for this key: rendered now, held for the digest when over the budget."""
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    wording = notification_templates.render(
        template or kind,
        medium,
        _context(case, resident, kind, text, note),
        fallback_kind=kind if template else notification_templates.DEFAULT_KIND,
    )
    try:
        with transaction.atomic():
            state = State.PENDING
            if budget and kind not in EXEMPT_FROM_BUDGET:
                Case.objects.select_for_update().filter(pk=case.pk).first()  # one at a time
                if budget_used(case.pk, resident.pk) >= settings.NOTIFICATION_DAILY_BUDGET:
                    state = State.DEFERRED
            return Notification.objects.create(
                case=case,
                resident=resident,
                kind=kind,
                medium=medium,
                idempotency_key=key,
                state=state,
                to_address=resident.email if medium == Medium.EMAIL else resident.phone,
                subject=wording.subject,
                body=wording.body,
                message_id=_new_message_id() if medium == Medium.EMAIL else "",
                contact=contact,
            )
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key)


def budget_used(case_id: int, resident_id: int, now: datetime | None = None) -> int:
    """Status updates this person has had about this case since local midnight."""
    midnight = timezone.localtime(now or timezone.now()).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return (
        Notification.objects.filter(
            case_id=case_id, resident_id=resident_id, state__in=COUNTED, created_at__gte=midnight
        )
        .exclude(kind__in=EXEMPT_FROM_BUDGET)
        .count()
    )


def _new_message_id() -> str:
    """Fixed when the row is made, so a re-sent copy carries the same Message-ID (mail clients
    then show it once)."""
    return make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">")).strip("<>")


# --- the daily digest ------------------------------------------------------------------------


def send_digest(*, case_id: int, resident_id: int, key: str) -> Notification | None:
    """Merge the held-back updates of one person on one case into one message, and send it."""
    case = Case.objects.select_related("resident", "department", "service").get(pk=case_id)
    resident = Resident.objects.get(pk=resident_id)
    digest = Notification.objects.filter(idempotency_key__startswith=f"{key}:").first()
    if digest is None:
        with transaction.atomic():
            held = list(
                Notification.objects.select_for_update()
                .filter(case=case, resident=resident, state=State.DEFERRED)
                .order_by("created_at", "id")
            )
            if not held:
                return None
            medium = choose_medium(resident)
            if medium is None:
                digest = _suppressed(case, resident, "digest", f"{key}:none")
            else:
                updates = [
                    {"created_at": row.created_at, "headline": _headline(row, case)} for row in held
                ]
                context = {**_context(case, resident, "digest", "", ""), "updates": updates}
                wording = notification_templates.render("digest", medium, context)
                digest = Notification.objects.create(
                    case=case,
                    resident=resident,
                    kind="digest",
                    medium=medium,
                    idempotency_key=f"{key}:{medium}",
                    to_address=resident.email if medium == Medium.EMAIL else resident.phone,
                    subject=wording.subject,
                    body=wording.body,
                    message_id=_new_message_id() if medium == Medium.EMAIL else "",
                )
            Notification.objects.filter(pk__in=[row.pk for row in held]).update(
                state=State.MERGED if digest.state != State.SUPPRESSED else State.SUPPRESSED,
                digest=digest,
            )
    if digest.state in UNSENT:
        _send(digest, case)
    return digest


def _headline(row: Notification, case: Case) -> str:
    return row.subject.replace(f"[{case.reference}]", "").strip()


# --- escalation to managers -----------------------------------------------------------------


def notify_managers(*, case_id: int, key: str) -> list[Notification]:
    """Email the managers of the case's department (else its team mailbox) once per escalation."""
    case = Case.objects.select_related("department", "service", "resident").get(pk=case_id)
    addresses: dict[str, str] = {}
    if case.department is not None:
        for user in case.department.managers.filter(is_active=True).exclude(email=""):
            addresses.setdefault(user.email.lower(), f"user{user.pk}")
        if not addresses and case.department.email:
            addresses[case.department.email.lower()] = "team"
    if not addresses:
        logger.warning("Case %s escalated but its department has no manager email", case.pk)
    context = {
        "case": case,
        "council_name": settings.COUNCIL_NAME,
        "staff_url": settings.PORTAL_BASE_URL + _staff_path(case),
    }
    wording = notification_templates.render("escalation", "staff", context)
    return _email_staff(case, addresses, kind="escalation", key=key, wording=wording)


def notify_team(*, case_id: int, kind: str, key: str, note: str = "") -> list[Notification]:
    """Tell the people working a case something happened (e.g. the resident said it is not
    sorted): the assigned caseworker, else the department's email address; once per key."""
    case = Case.objects.select_related("department", "service", "assignee", "resident").get(
        pk=case_id
    )
    addresses: dict[str, str] = {}
    assignee = case.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        addresses[assignee.email.lower()] = f"user{assignee.pk}"
    elif case.department is not None and case.department.email:
        addresses[case.department.email.lower()] = "team"
    if not addresses:
        logger.warning("Case %s: no caseworker or team email to tell about %s", case.pk, kind)
    context = {
        "case": case,
        "note": note,
        "to_assignee": assignee is not None and "team" not in addresses.values(),
        "council_name": settings.COUNCIL_NAME,
        "staff_url": settings.PORTAL_BASE_URL + _staff_path(case),
    }
    wording = notification_templates.render(kind, "staff", context)
    return _email_staff(case, addresses, kind=kind, key=key, wording=wording)


def _email_staff(
    case: Case,
    addresses: dict[str, str],
    *,
    kind: str,
    key: str,
    wording: notification_templates.Wording,
) -> list[Notification]:
    """One email row per staff address (keyed so a retried task sends once), sent now."""
    rows = []
    for address, who in addresses.items():
        row_key = f"{key}:{who}"
        try:
            with transaction.atomic():
                row = Notification.objects.create(
                    case=case,
                    kind=kind,
                    medium=Medium.EMAIL,
                    idempotency_key=row_key,
                    to_address=address,
                    subject=wording.subject,
                    body=wording.body,
                    message_id=_new_message_id(),
                )
        except IntegrityError:
            row = Notification.objects.get(idempotency_key=row_key)
        if row.state in UNSENT:
            _send(row, case)
        rows.append(row)
    return rows


def _staff_path(case: Case) -> str:
    candidates = (("staff:case", [case.reference]), ("admin:enquiries_case_change", [case.pk]))
    for name, args in candidates:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return "/admin/"


# --- sending ----------------------------------------------------------------------------------


def _send(row: Notification, case: Case) -> None:
    """Send a row at most once, whichever and however many workers run its task.

    The claim (PENDING → SENDING in one UPDATE) lets one delivery win; a second delivery of the
    same task waits (SendInFlight) while the claim is fresh. A claim older than
    NOTIFICATION_UNCERTAIN_AFTER_SECONDS is uncertain (the worker died mid-send, or the provider
    timed out after accepting): one delivery takes it over and, for a text message, first asks
    Notify whether that reference was accepted; an email goes again with its fixed Message-ID.
    """
    now = timezone.now()
    claimed = Notification.objects.filter(pk=row.pk, state=State.PENDING).update(
        state=State.SENDING, attempt_started_at=now, attempts=F("attempts") + 1
    )
    uncertain = False
    if not claimed:
        window = timedelta(seconds=settings.NOTIFICATION_UNCERTAIN_AFTER_SECONDS)
        claimed = Notification.objects.filter(
            pk=row.pk, state=State.SENDING, attempt_started_at__lt=now - window
        ).update(attempt_started_at=now, attempts=F("attempts") + 1)
        if not claimed:
            started = (
                Notification.objects.filter(pk=row.pk, state=State.SENDING)
                .values_list("attempt_started_at", flat=True)
                .first()
            )
            if started is not None:
                wait = (started + window - now).total_seconds()
                raise SendInFlight(row.pk, retry_in=max(1.0, wait + 1.0))
            return  # sent, failed or suppressed meanwhile
        uncertain = True
    row.state, row.attempt_started_at = State.SENDING, now
    if row.medium == Medium.EMAIL:
        _send_email(row, case)
    else:
        _send_sms(row, case, uncertain=uncertain)


def _release(row: Notification, error: str) -> None:
    """The provider certainly did not take the message: the next attempt sends it afresh."""
    Notification.objects.filter(pk=row.pk, state=State.SENDING).update(
        state=State.PENDING, error=error[:2000]
    )


def _mark_uncertain(row: Notification, error: str) -> None:
    """We cannot tell whether the provider took it (timeout): the next attempt checks first."""
    window = timedelta(seconds=settings.NOTIFICATION_UNCERTAIN_AFTER_SECONDS + 1)
    Notification.objects.filter(pk=row.pk, state=State.SENDING).update(
        attempt_started_at=timezone.now() - window, error=error[:2000]
    )


def _thread_ids(case: Case) -> list[str]:
    """The newest 20 message ids on the case, oldest first; the last is the one we answer."""
    ids = Contact.objects.filter(case=case).exclude(message_id="").order_by("-occurred_at", "-id")
    newest = list(ids.values_list("message_id", flat=True)[:20])
    return [f"<{mid.strip('<>')}>" for mid in reversed(newest)]


def _send_email(row: Notification, case: Case) -> None:
    message_id = row.message_id or _new_message_id()
    headers = {"Message-ID": f"<{message_id}>"}
    if row.kind not in HUMAN_KINDS:  # RFC 3834: only machine-written mail says it is automatic
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
    if row.resident is not None:  # residents can stop updates from their mail program (RFC 8058)
        headers["List-Unsubscribe"] = f"<{optout_url(case, row.resident)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        references = _thread_ids(case)
        if references:
            headers["In-Reply-To"] = references[-1]
            headers["References"] = " ".join(references)
    email = EmailMultiAlternatives(
        subject=row.subject, body=row.body, to=[row.to_address], headers=headers
    )
    email.attach_alternative(notification_templates.render_html(row.subject, row.body), "text/html")
    try:
        mailers.default.send_messages([email])
    except OSError as exc:
        # Mail has no look-up: the resend carries the same Message-ID (fixed when the row was
        # made), so a copy the server did take shows once in the resident's mail program.
        _release(row, str(exc))
        raise TransientSendError(str(exc)) from exc
    _mark_sent(row, case, message_id)


@lru_cache(maxsize=4)
def _notify_client(api_key: str, base_url: str) -> Any:  # the client library has no types
    """One client (and HTTP connection pool) per process and key."""
    from notifications_python_client.notifications import NotificationsAPIClient

    timeout = settings.NOTIFY_TIMEOUT_SECONDS
    return NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)


def _text_client() -> Any:
    """GOV.UK Notify, or in the demo the outbox that stands in for it."""
    if not settings.NOTIFY_API_KEY and settings.SMS_MODE == "outbox":
        return demo_outbox.DemoTextClient()
    return _notify_client(settings.NOTIFY_API_KEY, settings.NOTIFY_BASE_URL)


#: Notify statuses of a message that did not reach the phone (a resend is not a duplicate).
NOTIFY_FAILED = PERMANENT_FAILURES | TEMPORARY_FAILURES


def _accepted_by_notify(client: Any, reference: str) -> str:
    """The id of a message Notify accepted under this reference (not failed), or ""."""
    found = client.get_all_notifications(reference=reference, template_type="sms")
    for item in found.get("notifications", []):
        if item.get("reference") == reference and item.get("status") not in NOTIFY_FAILED:
            return str(item.get("id", ""))
    return ""


def _send_sms(row: Notification, case: Case, *, uncertain: bool = False) -> None:
    from notifications_python_client.errors import APIError

    client = _text_client()
    reference = row.idempotency_key[:100]
    try:
        if uncertain:
            accepted = _accepted_by_notify(client, reference)
            if accepted:
                logger.info("Notification %s was already accepted by Notify: not resent", row.pk)
                _mark_sent(row, case, "", provider_ref=accepted)
                return
        response = client.send_sms_notification(
            phone_number=row.to_address,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": row.body[:900]},
            reference=reference,
        )
    except APIError as exc:  # HTTPError, and connection failures reported as 503
        status = exc.status_code
        if getattr(exc, "response", None) is None:  # timeout or broken connection: maybe sent
            _mark_uncertain(row, str(exc))
            raise TransientSendError(str(exc)) from exc
        if status >= 500 or status == 429:
            _release(row, str(exc))
            raise TransientSendError(str(exc)) from exc
        _mark_failed(row, case, str(exc))
        if status == 400 and row.resident_id:  # Notify refused the number itself
            with transaction.atomic():
                _mark_detail_failing(row)
        return
    except OSError as exc:
        _mark_uncertain(row, str(exc))
        raise TransientSendError(str(exc)) from exc
    _mark_sent(row, case, "", provider_ref=str(response.get("id", "")))


def _mark_sent(row: Notification, case: Case, message_id: str, provider_ref: str = "") -> None:
    with transaction.atomic():
        contact = None
        if row.contact_id:
            Contact.objects.filter(pk=row.contact_id, message_id="").update(message_id=message_id)
            contact = row.contact
        elif row.resident_id:  # staff escalations stay off the resident's timeline
            contact = Contact.objects.create(
                case=case,
                resident=row.resident,
                channel=Channel.EMAIL if row.medium == Medium.EMAIL else Channel.SMS,
                direction=Direction.OUTBOUND,
                subject=row.subject,
                body=row.body,
                message_id=message_id,
                is_public=True,
            )
        Notification.objects.filter(pk=row.pk).update(
            state=State.SENT,
            sent_at=timezone.now(),
            message_id=message_id,
            provider_ref=provider_ref,
            contact=contact,
            error="",
        )
        record_event(
            case=case,
            kind=EventKind.NOTIFICATION_SENT,
            message=f"{row.get_medium_display()} sent: {row.subject}",
            data={"notification": row.pk, "kind": row.kind},
        )


def _mark_failed(row: Notification, case: Case, error: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=row.pk).update(state=State.FAILED, error=error[:2000])
        record_event(
            case=case,
            kind=EventKind.NOTIFICATION_FAILED,
            message=f"{row.get_medium_display()} could not be sent: {error[:300]}",
            data={"notification": row.pk},
        )


# --- delivery receipts ----------------------------------------------------------------------


def record_receipt(*, provider_ref: str, status: str, detail: str = "") -> Notification | None:
    """A provider's delivery receipt: delivered, or failed (permanently: the detail is bad)."""
    row = (
        Notification.objects.select_related("case", "resident")
        .filter(provider_ref=provider_ref)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if status == "delivered":
        Notification.objects.filter(pk=row.pk, state=State.SENT).update(
            state=State.DELIVERED, delivered_at=now
        )
    elif status in PERMANENT_FAILURES | TEMPORARY_FAILURES:
        with transaction.atomic():
            changed = Notification.objects.filter(
                pk=row.pk, state__in=[State.SENT, State.SENDING, State.PENDING]
            ).update(state=State.FAILED, error=f"{status} {detail}".strip()[:2000])
            if changed and status in PERMANENT_FAILURES and row.resident_id:
                _mark_detail_failing(row)
            elif changed:
                record_event(
                    case=row.case,
                    kind=EventKind.NOTIFICATION_FAILED,
                    message=f"{row.get_medium_display()} not delivered ({status}).",
                    data={"notification": row.pk, "status": status},
                )
            if changed and status == "technical-failure" and row.resident_id:
                _after_technical_failure(row)
    row.refresh_from_db()
    return row


def _after_technical_failure(row: Notification) -> None:
    """Notify never retries a technical failure: we send it once more through the outbox and,
    if that fails too, send the same update by email (inside the receipt's transaction)."""
    resent = outbox.enqueue(
        "enquiries.tasks.resend_notification",
        dedupe_key=f"resend:{row.pk}",
        notification_id=row.pk,
        stage="resend",
    )
    if resent is None:  # already resent once: this is its failure
        outbox.enqueue(
            "enquiries.tasks.resend_notification",
            dedupe_key=f"fallback:{row.pk}",
            notification_id=row.pk,
            stage="email",
        )


def resend_notification(*, notification_id: int, stage: str) -> Notification | None:
    """After a technical failure: ``resend`` the same message once, or send it by ``email``."""
    rows = Notification.objects.select_related("case", "resident").filter(pk=notification_id)
    row = rows.first()
    if row is None or row.state != State.FAILED or row.resident is None:
        return None
    case = Case.objects.select_related("resident", "department", "service").get(pk=row.case_id)
    if stage == "resend":
        Notification.objects.filter(pk=row.pk, state=State.FAILED).update(state=State.PENDING)
        row.state = State.PENDING
        _send(row, case)
        row.refresh_from_db()
        return row
    resident = row.resident
    if choose_medium(resident) is None or not resident.email or resident.email_failing:
        return None
    return _same_update_by_email(row, case, resident)


def _same_update_by_email(row: Notification, case: Case, resident: Resident) -> Notification:
    """The update this text message carried, worded for email, sent once (its own key)."""
    event_key = row.idempotency_key.rsplit(":", 2)[0]
    task = OutboxTask.objects.filter(dedupe_key=event_key).only("kwargs").first()
    original = task.kwargs if task else {}
    contact = row.contact if original.get("contact_id") else None
    key = row.idempotency_key.rsplit(":", 1)[0] + f":{Medium.EMAIL}"
    email = _row_for(
        case,
        resident,
        row.kind,
        Medium.EMAIL,
        original.get("text", "") or (contact.body if contact else ""),
        key,
        contact,
        template=original.get("template", ""),
        note=original.get("note", ""),
    )
    if email.state in UNSENT:
        _send(email, case)
        email.refresh_from_db()
    return email


def _mark_detail_failing(row: Notification) -> None:
    """Staff see the flag at the next contact; the next update uses the other channel."""
    if row.resident_id is None:  # callers check: a staff message has no resident to flag
        return
    field = "phone_failing" if row.medium == Medium.SMS else "email_failing"
    what = "mobile number" if row.medium == Medium.SMS else "email address"
    Resident.objects.filter(pk=row.resident_id).update(**{field: True}, updated_at=timezone.now())
    record_event(
        case=row.case,
        kind=EventKind.NOTIFICATION_FAILED,
        message=(
            f"{row.get_medium_display()} to the resident's {what} failed permanently: "
            f"check their {what} at the next contact."
        ),
        data={"notification": row.pk, "status": "permanent-failure", "failing": field},
    )


# --- find my enquiry (resident web channel) ---------------------------------------------------


def contact_fingerprint(value: str) -> str:
    """A keyed hash of a normalised email or phone, so queued work never stores the address."""
    import hashlib
    import hmac

    return hmac.new(
        settings.SECRET_KEY.encode(), f"find:{value.strip().lower()}".encode(), hashlib.sha256
    ).hexdigest()


def send_tracking_link(*, reference: str, fingerprint: str, key: str) -> Notification | None:
    """Find my enquiry: send the case's tracking link to the resident or follower whose email
    or phone has this fingerprint; nothing (silently) when the reference or detail do not match.
    Sent even when updates are switched off: the resident asked for it."""
    case = (
        Case.objects.select_related("resident", "department", "service")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        return None
    for resident in recipients(case):
        if resident.anonymised_at:
            continue
        if resident.email and contact_fingerprint(resident.email) == fingerprint:
            medium = Notification.Medium.EMAIL
        elif resident.phone and contact_fingerprint(resident.phone) == fingerprint:
            if texts_available():
                medium = Notification.Medium.SMS
            elif resident.email:  # no text message provider yet: their own email instead
                medium = Notification.Medium.EMAIL
            else:
                return None
        else:
            continue
        text = "You asked us for the link to follow your enquiry."
        if resident.pk != case.resident_id:  # followers have no tracking page (ADR 0010)
            text = (
                "You asked us for the link to follow this report. That link is only sent to the "
                "person who made the report, but we will keep sending you our updates about it."
            )
        row_key = f"{key}:{resident.pk}"
        # the reporter gets a fresh link; the old (maybe expired) one stops
        if (
            resident.pk == case.resident_id
            and not Notification.objects.filter(idempotency_key=row_key).exists()
        ):
            reissue_tracking_link(case)
        row = _row_for(case, resident, "tracking_link", medium, text, row_key)
        if row.state in UNSENT:
            _send(row, case)
        return row
    return None


def send_confirmation_code(*, pending_id: int) -> Notification | None:
    """Send the code that confirms a new email or phone to that new address (issue 14).

    The row's body is sent with the code, then kept with the code masked: the code is derived
    from the pending change and never stored.
    """
    pending = (
        PendingContactChange.objects.select_related("case", "case__resident")
        .filter(pk=pending_id, confirmed_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if pending is None:
        return None
    case = pending.case
    code = confirmation_code(pending)
    medium = Medium.EMAIL if pending.field == "email" else Medium.SMS
    body = (
        f"Your code to confirm this {'email address' if medium == Medium.EMAIL else 'number'} "
        f"for enquiry {case.reference} is {{code}}. It works for {CODE_MINUTES} minutes. "
        f"If you did not ask to change your details, ignore this message."
    )
    row, _created = Notification.objects.get_or_create(
        idempotency_key=f"confirm-details:{pending.pk}",
        defaults={
            "case": case,
            "resident": case.resident,
            "kind": "confirm_details",
            "medium": medium,
            "to_address": pending.new_value,
            "subject": f"Your confirmation code for enquiry {case.reference}",
            "body": body.format(code="••••••"),
            "message_id": _new_message_id() if medium == Medium.EMAIL else "",
        },
    )
    if row.state not in UNSENT:
        return row
    row.body = body.format(code=code)  # in memory only: what is sent
    _send(row, case)
    return row
