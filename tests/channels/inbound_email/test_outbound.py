"""Outbound mail end to end over real SMTP (aiosmtpd on loopback), and replies threading back.

The sending itself is the notifications gateway's (enquiries/notifications.py); these tests check
the contract the email channel relies on: the reference in the subject, our Message-ID recorded
on the Contact, In-Reply-To/References, Auto-Submitted, and plain text plus HTML bodies.
"""

import pytest

from channels.inbound_email.models import InboundMessage
from enquiries import services
from enquiries.choices import Direction
from enquiries.models import Contact, Notification, OutboxTask
from enquiries.tasks import notify_resident
from tests.channels.inbound_email.mails import make_email, pipe
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _run_notifications() -> None:
    """What the worker does with the outbox rows written after commit."""
    for task in OutboxTask.objects.filter(
        task_name="enquiries.tasks.notify_resident", state__in=["pending", "dispatched"]
    ).order_by("pk"):
        notify_resident.run(outbox_id=task.pk, **task.kwargs)


def _ids(value: str) -> list[str]:
    return [part.strip("<>") for part in (value or "").split()]


def test_the_acknowledgement_goes_out_over_smtp_threaded_to_the_residents_email(smtp_server):
    row = pipe(
        make_email(subject="Broken swing in the park", message_id="<resident-1@example.org>")
    ).row
    case = row.case

    _run_notifications()

    [sent] = smtp_server.wait_for(1)
    assert smtp_server.envelopes[0][1] == ["ann.lee@example.org"]
    assert case.reference in sent["Subject"]
    assert sent["Auto-Submitted"] in ("auto-replied", "auto-generated")
    assert sent["In-Reply-To"].strip() == "<resident-1@example.org>"
    assert "resident-1@example.org" in _ids(sent["References"])
    our_id = sent["Message-ID"].strip("<> ")
    notification = Notification.objects.get(case=case, kind="received")
    assert notification.message_id == our_id and notification.state == "sent"
    outbound = Contact.objects.get(case=case, direction=Direction.OUTBOUND)
    assert outbound.message_id == our_id
    kinds = {part.get_content_type() for part in sent.walk()}
    assert {"text/plain", "text/html"} <= kinds


def test_a_reply_to_our_acknowledgement_joins_the_case(smtp_server):
    case = pipe(make_email(subject="Overgrown hedge")).row.case
    _run_notifications()
    [ack] = smtp_server.wait_for(1)

    reply = make_email(
        subject="Re: " + str(ack["Subject"]).replace(case.reference, "").strip(),
        body="It is now blocking the pavement.\n\n> Thank you for contacting us",
        in_reply_to=ack["Message-ID"],
        references=ack["Message-ID"],
    )
    result = pipe(reply)

    assert result.row.outcome == InboundMessage.Outcome.JOINED and result.row.case == case
    assert result.row.contact.body == "It is now blocking the pavement."


def test_a_staff_reply_is_sent_with_our_message_id_recorded_on_its_contact(smtp_server):
    case = pipe(make_email(message_id="<resident-2@example.org>")).row.case
    officer = UserFactory()

    contact = services.reply_to_resident(case=case, body="We will collect on Friday.", by=officer)
    _run_notifications()

    sent = [m for m in smtp_server.wait_for(2) if "Friday" in m.get_body(("plain",)).get_content()]
    assert len(sent) == 1
    message = sent[0]
    contact.refresh_from_db()
    assert contact.message_id == message["Message-ID"].strip("<> ")
    assert case.reference in message["Subject"]
    assert message["In-Reply-To"] and "resident-2@example.org" in _ids(message["References"])
    assert message["Auto-Submitted"] is None  # a person wrote it (RFC 3834)


def test_a_resident_reply_to_a_staff_reply_threads_by_message_id(smtp_server):
    case = pipe(make_email()).row.case
    services.reply_to_resident(case=case, body="Can you send a photo?", by=UserFactory())
    _run_notifications()
    staff_reply = next(
        m for m in smtp_server.wait_for(2) if "photo" in m.get_body(("plain",)).get_content()
    )

    result = pipe(make_email(subject="photo attached", in_reply_to=staff_reply["Message-ID"]))

    assert result.row.case == case


def test_nothing_is_sent_to_a_no_reply_sender_even_after_routing(smtp_server):
    row = pipe(make_email(sender="no-reply@shop.example")).row
    assert row.case is None, "a no-reply sender is held for staff, never a case (issue 10)"

    _run_notifications()

    assert not [m for m in smtp_server.messages if "no-reply@shop.example" in str(m["To"])]
