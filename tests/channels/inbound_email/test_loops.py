"""Loops and noise (RFC 3834, RFC 3464): never answer machines; bounces never open cases."""

import pytest

from channels.inbound_email.models import InboundMessage
from enquiries.choices import EventKind, Status
from enquiries.models import Case, CaseEvent, Contact, Notification, OutboxTask
from tests.channels.inbound_email.mails import fixture, make_email, pipe
from tests.factories import CaseFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _acknowledged(case: Case) -> bool:
    return OutboxTask.objects.filter(dedupe_key=f"notify:{case.pk}:received").exists()


def test_a_person_writing_gets_an_acknowledgement():
    result = pipe(make_email())

    assert _acknowledged(result.row.case) and result.row.acknowledged


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-generated"},
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"List-Id": "<residents.lists.example.org>"},
        {"List-Unsubscribe": "<mailto:leave@lists.example.org>"},
        {"X-Auto-Response-Suppress": "All"},
    ],
    ids=lambda h: next(iter(h.items()))[0] + ":" + next(iter(h.values()))[:12],
)
def test_automatic_or_bulk_mail_is_never_acknowledged(headers):
    result = pipe(make_email(headers=headers, subject="Weekly newsletter"))

    row = result.row
    assert not row.acknowledged
    if row.case is not None:
        assert not _acknowledged(row.case)
        assert row.case.resident.consent_updates is False  # no later automatic updates either


def test_auto_submitted_no_is_a_person_and_is_acknowledged():
    result = pipe(make_email(headers={"Auto-Submitted": "no"}))

    assert result.row.acknowledged


@pytest.mark.parametrize(
    "sender",
    [
        "MAILER-DAEMON@mx.example.org",
        "postmaster@example.org",
        "no-reply@shop.example",
        "noreply@shop.example",
        "do-not-reply@shop.example",
    ],
)
def test_role_senders_are_never_acknowledged(sender):
    result = pipe(make_email(sender=sender, subject="Your order"))

    assert not result.row.acknowledged
    assert result.row.case is None or not _acknowledged(result.row.case)


def test_at_most_a_few_acknowledgements_per_sender_per_hour(settings):
    settings.EMAIL_ACKS_PER_SENDER_PER_HOUR = 3

    rows = [pipe(make_email(subject=f"Problem {n}")).row for n in range(5)]

    assert [r.acknowledged for r in rows] == [True, True, True, False, False]
    assert "already 3 acknowledgements" in rows[3].reason
    assert Case.objects.count() == 5  # every message still becomes a case


def test_mail_from_our_own_address_is_ignored():
    result = pipe(make_email(sender="contact@northmoor.example"))

    assert result.row.status == InboundMessage.Status.IGNORED and not Case.objects.exists()


def test_an_out_of_office_reply_is_recorded_on_its_case_without_changing_it():
    case = CaseFactory(resident=ResidentFactory(email="ann.lee@example.org"), status=Status.OPEN)
    Notification.objects.create(
        case=case,
        kind="open",
        medium="email",
        idempotency_key="k",
        message_id="update-7@northmoor.example",
    )
    raw = make_email(
        sender="Ann Lee <ann.lee@example.org>",
        subject="Automatic reply: Your enquiry",
        body="I am away until Monday.",
        in_reply_to="<update-7@northmoor.example>",
        headers={"Auto-Submitted": "auto-replied"},
    )

    result = pipe(raw)

    case.refresh_from_db()
    assert case.status == Status.OPEN
    contact = result.row.contact
    assert contact.case == case and not contact.is_public
    assert contact.body.startswith("[Automatic reply]")
    assert result.row.outcome == InboundMessage.Outcome.AUTO_REPLY
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.STATUS).exists()
    assert not OutboxTask.objects.filter(task_name="enquiries.tasks.notify_resident").exists()


def test_an_out_of_office_reply_for_no_case_is_ignored_and_opens_nothing():
    result = pipe(fixture("out_of_office.eml"))

    assert result.row.status == InboundMessage.Status.IGNORED
    assert result.line.startswith("ignored auto-reply") and not Case.objects.exists()


def _our_notification(email="ann.lee@example.org", message_id="ack-1@northmoor.example"):
    case = CaseFactory(resident=ResidentFactory(email=email))
    return Notification.objects.create(
        case=case,
        resident=case.resident,
        kind="received",
        medium="email",
        idempotency_key="n1",
        message_id=message_id,
        to_address=email,
        state=Notification.State.SENT,
        subject="We have received your enquiry",
    )


def _dsn(original: str, action: str = "failed", status: str = "5.1.1") -> bytes:
    return f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: contact@northmoor.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-{action}-{original}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; ann.lee@example.org
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 user unknown

--b
Content-Type: text/rfc822-headers

Message-ID: <{original}>
From: contact@northmoor.example
To: ann.lee@example.org
Subject: We have received your enquiry

--b--
""".replace("\n", "\r\n").encode()


def test_a_bounce_of_our_mail_marks_the_email_failing_and_shows_on_the_case():
    notification = _our_notification()

    result = pipe(_dsn("ack-1@northmoor.example"))

    row = result.row
    assert row.status == InboundMessage.Status.BOUNCE and row.case == notification.case
    notification.resident.refresh_from_db()
    assert notification.resident.email_failing
    notification.refresh_from_db()
    assert notification.state == Notification.State.FAILED
    event = CaseEvent.objects.get(case=notification.case, kind=EventKind.NOTIFICATION_FAILED)
    assert "5.1.1" in event.message
    assert Case.objects.count() == 1 and not Contact.objects.exists()


def test_a_delay_warning_is_recorded_but_does_not_mark_the_email_failing():
    notification = _our_notification()

    result = pipe(_dsn("ack-1@northmoor.example", action="delayed", status="4.4.1"))

    notification.resident.refresh_from_db()
    assert not notification.resident.email_failing
    assert result.row.status == InboundMessage.Status.BOUNCE
    assert CaseEvent.objects.filter(
        case=notification.case, kind=EventKind.NOTIFICATION_FAILED
    ).exists()


def test_a_bounce_we_cannot_match_never_opens_a_case():
    result = pipe(_dsn("someone-elses@example.com"))

    assert result.row.status == InboundMessage.Status.BOUNCE
    assert result.line.startswith("bounce: not matched") and not Case.objects.exists()


def test_a_bounce_for_an_address_the_resident_has_since_changed_does_not_mark_the_new_one():
    notification = _our_notification()
    notification.resident.email = "ann.new@example.org"
    notification.resident.save()

    pipe(_dsn("ack-1@northmoor.example"))

    notification.resident.refresh_from_db()
    assert not notification.resident.email_failing


def test_the_parsing_engineers_plain_bounce_fixture_never_opens_a_case():
    result = pipe(fixture("plain_bounce_of_our_mail.eml"))

    assert result.row.status == InboundMessage.Status.BOUNCE and not Case.objects.exists()
