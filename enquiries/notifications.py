"""Telling residents what is happening: one gateway, every message a Notification row.

Email goes through Django's mailer; text messages through GOV.UK Notify when a key is configured,
otherwise by email. The row's idempotency key means a retried task never sends twice.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers, make_msgid
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from enquiries.choices import Channel, Direction, EventKind, UpdatePreference
from enquiries.models import Case, Contact, Notification, Resident
from enquiries.services import record_event

logger = logging.getLogger(__name__)

SUBJECTS = {
    "received": "We have received your enquiry",
    "open": "Your enquiry is with the right team",
    "in_progress": "We are working on your enquiry",
    "awaiting_resident": "We need more information from you",
    "resolved": "Your enquiry has been resolved",
    "reopened": "Your enquiry has been reopened",
    "auto_answer": "An answer to your enquiry",
    "reply": "A reply about your enquiry",
    "tracking_link": "Your link to follow your enquiry",
}


class TransientSendError(Exception):
    """The provider or mail server may succeed later: the task retries."""


def recipients(case: Case) -> list[Resident]:
    subscribers = [s.resident for s in case.subscriptions.select_related("resident")]
    return [case.resident, *subscribers]


def choose_medium(resident: Resident) -> str | None:
    """The resident's preference, falling back to the other channel when one is failing."""
    if not resident.consent_updates or resident.preferred_channel == UpdatePreference.NONE:
        return None
    can_email = bool(resident.email) and not resident.email_failing
    can_sms = bool(resident.phone) and not resident.phone_failing
    if resident.preferred_channel == UpdatePreference.SMS and can_sms:
        return (
            Notification.Medium.SMS
            if settings.NOTIFY_API_KEY or not can_email
            else Notification.Medium.EMAIL
        )
    if can_email:
        return Notification.Medium.EMAIL
    if can_sms and settings.NOTIFY_API_KEY:
        return Notification.Medium.SMS
    return None


def notify_case(
    *, case_id: int, kind: str, text: str = "", key: str, contact_id: int | None = None
) -> list[Notification]:
    """Create (once) and send the update for every person following the case.

    A staff reply (contact_id given) already exists as a public Contact: it goes to the case's
    resident only, and the sent message is recorded on that Contact rather than a new one.
    """
    case = Case.objects.select_related("resident", "department", "service").get(pk=case_id)
    contact = Contact.objects.get(pk=contact_id, case=case) if contact_id else None
    if contact is not None:
        text = text or contact.body
    sent = []
    people = [case.resident] if contact is not None else recipients(case)
    for resident in people:
        medium = choose_medium(resident)
        if medium is None:
            continue
        row = _row_for(case, resident, kind, medium, text, f"{key}:{resident.pk}:{medium}", contact)
        if row.state == Notification.State.PENDING:
            _send(row, case)
        sent.append(row)
    return sent


def _row_for(
    case: Case,
    resident: Resident,
    kind: str,
    medium: str,
    text: str,
    key: str,
    contact: Contact | None = None,
) -> Notification:
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    context = {
        "case": case,
        "resident": resident,
        "kind": kind,
        "text": text,
        "tracking_url": settings.PORTAL_BASE_URL + case.tracking_path(),
        "council_name": settings.COUNCIL_NAME,
        "council_phone": settings.COUNCIL_PHONE,
        "expected_by": case.expected_by,
    }
    subject = f"{SUBJECTS.get(kind, 'An update on your enquiry')} [{case.reference}]"
    body = render_to_string("notifications/update.txt", context)
    try:
        with transaction.atomic():
            return Notification.objects.create(
                case=case,
                resident=resident,
                kind=kind,
                medium=medium,
                idempotency_key=key,
                to_address=resident.email
                if medium == Notification.Medium.EMAIL
                else resident.phone,
                subject=subject,
                body=body,
                contact=contact,
            )
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key)


def _send(row: Notification, case: Case) -> None:
    claimed = Notification.objects.filter(pk=row.pk, state=Notification.State.PENDING).update(
        attempts=row.attempts + 1
    )
    if not claimed:
        return
    if row.medium == Notification.Medium.EMAIL:
        _send_email(row, case)
    else:
        _send_sms(row, case)


def _thread_ids(case: Case) -> list[str]:
    ids = Contact.objects.filter(case=case).exclude(message_id="").order_by("occurred_at")
    return [f"<{mid.strip('<>')}>" for mid in ids.values_list("message_id", flat=True)[:20]]


def _send_email(row: Notification, case: Case) -> None:
    message_id = make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">"))
    references = _thread_ids(case)
    headers = {
        "Message-ID": message_id,
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
    }
    if references:
        headers["In-Reply-To"] = references[-1]
        headers["References"] = " ".join(references)
    html = render_to_string("notifications/update.html", {"body": row.body, "subject": row.subject})
    email = EmailMultiAlternatives(
        subject=row.subject, body=row.body, to=[row.to_address], headers=headers
    )
    email.attach_alternative(html, "text/html")
    try:
        mailers.default.send_messages([email])
    except OSError as exc:
        Notification.objects.filter(pk=row.pk).update(error=str(exc)[:2000])
        raise TransientSendError(str(exc)) from exc
    _mark_sent(row, case, message_id.strip("<>"))


def _send_sms(row: Notification, case: Case) -> None:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL)
    try:
        response = client.send_sms_notification(
            phone_number=row.to_address,
            template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
            personalisation={"body": row.body[:900]},
            reference=row.idempotency_key[:100],
        )
    except HTTPError as exc:
        status = getattr(exc, "status_code", 500)
        Notification.objects.filter(pk=row.pk).update(error=str(exc)[:2000])
        if status >= 500 or status == 429:
            raise TransientSendError(str(exc)) from exc
        _mark_failed(row, case, str(exc))
        return
    except OSError as exc:
        raise TransientSendError(str(exc)) from exc
    _mark_sent(row, case, "", provider_ref=response.get("id", ""))


def _mark_sent(row: Notification, case: Case, message_id: str, provider_ref: str = "") -> None:
    with transaction.atomic():
        if row.contact_id:
            Contact.objects.filter(pk=row.contact_id, message_id="").update(message_id=message_id)
            contact = row.contact
        else:
            contact = Contact.objects.create(
                case=case,
                resident=row.resident,
                channel=Channel.EMAIL if row.medium == "email" else Channel.SMS,
                direction=Direction.OUTBOUND,
                subject=row.subject,
                body=row.body,
                message_id=message_id,
                is_public=True,
            )
        Notification.objects.filter(pk=row.pk).update(
            state=Notification.State.SENT,
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
            data={"notification": row.pk},
        )


def _mark_failed(row: Notification, case: Case, error: str) -> None:
    with transaction.atomic():
        Notification.objects.filter(pk=row.pk).update(
            state=Notification.State.FAILED, error=error[:2000]
        )
        record_event(
            case=case,
            kind=EventKind.NOTIFICATION_FAILED,
            message=f"{row.get_medium_display()} could not be sent: {error[:300]}",
            data={"notification": row.pk},
        )
