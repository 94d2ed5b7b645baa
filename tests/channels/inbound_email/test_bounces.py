"""Automatic mail: RFC 3834 loop signals, RFC 3464 bounces, complaints, receipts, auto-replies."""

from __future__ import annotations

import pytest

from channels.inbound_email.bounces import (
    auto_reasons,
    from_delivery_status,
    parse_fields,
    role_of,
)
from channels.inbound_email.parsing import parse_message

from .conftest import assert_storable

PERSON = b"From: Jane Doe <jane@example.org>\r\nTo: contact@northmoor.gov.uk\r\n"


def _message(extra_headers: bytes, body: bytes = b"Hello\r\n", sender: bytes = PERSON) -> bytes:
    return sender + b"Subject: test\r\n" + extra_headers + b"\r\n" + body


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (b"Auto-Submitted: auto-generated\r\n", "Auto-Submitted: auto-generated"),
        (b"Auto-Submitted: auto-notified; owner-email=x@y\r\n", "Auto-Submitted: auto-notified"),
        (b"Precedence: bulk\r\n", "Precedence: bulk"),
        (b"Precedence: junk\r\n", "Precedence: junk"),
        (b"Precedence: list\r\n", "Precedence: list"),
        (b"List-Id: <news.example.org>\r\n", "List-Id"),
        (b"List-Unsubscribe: <mailto:u@example.org>\r\n", "List-Unsubscribe"),
        (b"X-Auto-Response-Suppress: All\r\n", "X-Auto-Response-Suppress"),
        (b"X-Autoreply: yes\r\n", "X-Autoreply"),
        (b"X-Autorespond: yes\r\n", "X-Autoreply"),
        (b"Return-Path: <>\r\n", "null return path"),
        (b"Return-Path: <MAILER-DAEMON@example.org>\r\n", "return path is mailer-daemon"),
    ],
)
def test_loop_signals_suppress_replies(header, reason):
    parsed = parse_message(_message(header))
    assert_storable(parsed)
    assert any(r.startswith(reason) for r in parsed.auto_reasons), parsed.auto_reasons
    assert parsed.suppress_reply


@pytest.mark.parametrize(
    "header", [b"Auto-Submitted: no\r\n", b"Precedence: first-class\r\n", b"X-Autoreply: no\r\n"]
)
def test_non_signals_do_not_suppress(header):
    parsed = parse_message(_message(header))
    assert parsed.auto_reasons == []
    assert not parsed.suppress_reply
    assert parsed.kind == "message"


@pytest.mark.parametrize(
    ("address", "role"),
    [
        ("MAILER-DAEMON@example.org", "mailer-daemon"),
        ("postmaster@example.org", "postmaster"),
        ("no-reply@example.org", "no-reply"),
        ("noreply+abc@example.org", "no-reply"),
        ("no_reply@example.org", "no-reply"),
        ("do-not-reply@example.org", "do-not-reply"),
        ("donotreply@example.org", "do-not-reply"),
        ("jane@example.org", None),
        ("noreplyjane@example.org", None),
        (None, None),
    ],
)
def test_role_addresses(address, role):
    assert role_of(address) == role


def test_role_sender_suppresses_but_stays_a_message():
    parsed = parse_message(_message(b"", sender=b"From: Alerts <no-reply@example.org>\r\n"))
    assert parsed.kind == "message"
    assert parsed.auto_reasons == ["sender is no-reply"]
    assert parsed.suppress_reply


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Your enquiry",
        "Automatic reply: [NCC-1] Pothole",
        "Autoreply: away",
        "Auto-Reply: on leave",
        "RE: Out of office",
        "Abwesenheitsnotiz: Urlaub",
        "Réponse automatique : absent",
        "Ateb awtomatig: Allan o'r swyddfa",
    ],
)
def test_out_of_office_subjects(subject):
    raw = (
        PERSON
        + f"Subject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAway\r\n".encode()
    )
    parsed = parse_message(raw)
    assert parsed.kind == "auto_reply"
    assert parsed.suppress_reply


@pytest.mark.parametrize("subject", ["Office opening hours", "Reply to my complaint", "Read this"])
def test_ordinary_subjects_are_not_auto_replies(subject):
    parsed = parse_message(PERSON + f"Subject: {subject}\r\n\r\nHi\r\n".encode())
    assert parsed.kind == "message" and not parsed.suppress_reply


def test_auto_replied_header_makes_an_auto_reply():
    parsed = parse_message(_message(b"Auto-Submitted: auto-replied\r\n"))
    assert parsed.kind == "auto_reply"


def _dsn(action: str, status: str, extra: bytes = b"") -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        b"To: noreply@northmoor.gov.uk\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"Return-Path: <>\r\n" + extra + b"MIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=R\r\n\r\n"
        b"--R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        b"--R\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.org\r\n\r\n"
        b"Final-Recipient: rfc822; resident@example.com\r\n"
        b"Action: " + action.encode() + b"\r\nStatus: " + status.encode() + b"\r\n"
        b"Diagnostic-Code: smtp; 550 5.1.1 <resident@example.com>: User unknown\r\n\r\n"
        b"--R\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <ncc.outbound.42@northmoor.gov.uk>\r\nSubject: Your case\r\n\r\n"
        b"--R--\r\n"
    )


@pytest.mark.parametrize(
    ("action", "status", "kind", "permanent"),
    [
        ("failed", "5.1.1", "bounce", True),
        ("failed", "4.2.2", "bounce", False),
        ("delayed", "4.4.7", "delivery_delay", False),
    ],
)
def test_rfc3464_reports(action, status, kind, permanent):
    parsed = parse_message(_dsn(action, status))
    assert_storable(parsed)
    assert parsed.kind == kind
    assert parsed.suppress_reply
    assert parsed.bounce is not None
    assert parsed.bounce.recipient == "resident@example.com"
    assert parsed.bounce.status == status
    assert parsed.bounce.action == action
    assert parsed.bounce.permanent is permanent
    assert parsed.bounce.original_message_id == "ncc.outbound.42@northmoor.gov.uk"
    assert "User unknown" in parsed.bounce.diagnostic


def test_dsn_without_returned_headers_falls_back_to_in_reply_to():
    raw = _dsn("failed", "5.1.1", b"In-Reply-To: <ncc.outbound.99@northmoor.gov.uk>\r\n")
    raw = raw.replace(b"Message-ID: <ncc.outbound.42@northmoor.gov.uk>\r\n", b"")
    parsed = parse_message(raw)
    assert parsed.bounce.original_message_id == "ncc.outbound.99@northmoor.gov.uk"


def test_from_delivery_status_picks_the_failed_recipient():
    blocks = parse_fields(
        "Reporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; ok@example.com\nAction: delivered\nStatus: 2.0.0\n\n"
        "Final-Recipient: rfc822;bad@example.com\nAction: failed\nStatus: 5.7.1\n"
        "Diagnostic-Code: smtp; 550 5.7.1 rejected\n continued\n"
    )
    kind, info = from_delivery_status(blocks, original_message_id=None)
    assert kind == "bounce"
    assert (info.recipient, info.status, info.permanent) == ("bad@example.com", "5.7.1", True)
    assert info.diagnostic == "550 5.7.1 rejected continued"


def test_warning_timeout_without_action_is_a_delay():
    blocks = parse_fields("Final-Recipient: rfc822; a@example.com\nStatus: 4.4.1\n")
    kind, info = from_delivery_status(blocks, original_message_id=None, warning=True)
    assert kind == "delivery_delay" and not info.permanent


def test_plain_text_delay_warning_from_mailer_daemon():
    raw = (
        b"From: MAILER-DAEMON@mx.example.org\r\nReturn-Path: <>\r\n"
        b"Subject: Delayed Mail (still being retried)\r\n\r\n"
        b"This is a warning message only. Delivery to resident@example.com has been delayed;"
        b" the server will retry for 5 days.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.kind == "delivery_delay"
    assert parsed.bounce.recipient == "resident@example.com"
    assert not parsed.bounce.permanent


def test_x_failed_recipients_alone_marks_a_bounce():
    raw = (
        b"From: Mail Delivery System <Mailer-Daemon@relay.example>\r\n"
        b"X-Failed-Recipients: gone@example.com\r\nSubject: Mail delivery failed\r\n\r\n"
        b"A message that you sent could not be delivered to one or more of its recipients.\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.kind == "bounce"
    assert parsed.bounce.recipient == "gone@example.com"


def test_resident_mentioning_delivery_is_not_a_bounce():
    raw = PERSON + b"Subject: Parcel\r\n\r\nThe parcel could not be delivered to my house.\r\n"
    parsed = parse_message(raw)
    assert parsed.kind == "message" and parsed.bounce is None


def test_feedback_report_is_a_complaint():
    raw = (
        b"From: feedback@isp.example\r\nSubject: Abuse report\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/report; report-type=feedback-report; boundary=F\r\n\r\n"
        b"--F\r\nContent-Type: text/plain\r\n\r\nThis is an abuse report.\r\n"
        b"--F\r\nContent-Type: message/feedback-report\r\n\r\n"
        b"Feedback-Type: abuse\r\nOriginal-Rcpt-To: <resident@example.com>\r\n\r\n"
        b"--F\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: noreply@northmoor.gov.uk\r\nMessage-ID: <ncc.outbound.7@northmoor.gov.uk>\r\n"
        b"\r\nYour case\r\n--F--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.kind == "complaint" and parsed.suppress_reply
    assert parsed.bounce.recipient == "resident@example.com"
    assert parsed.bounce.action == "abuse"
    assert parsed.bounce.original_message_id == "ncc.outbound.7@northmoor.gov.uk"


def test_auto_reasons_directly():
    reasons = auto_reasons(
        {"auto-submitted": ["auto-replied (vacation)"], "precedence": ["Bulk"]},
        from_address="postmaster@example.org",
        return_path=None,
        null_return_path=True,
    )
    assert reasons == [
        "Auto-Submitted: auto-replied (vacation)",
        "Precedence: bulk",
        "sender is postmaster",
        "null return path",
    ]


def test_resident_forwarding_a_bounce_is_still_a_message():
    """A report inside a forwarded message describes someone else's mail, not ours."""
    raw = (
        (
            PERSON + b"Subject: Fwd: my email to the school bounced\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
            b"--outer\r\nContent-Type: text/plain\r\n\r\nCan you help?\r\n"
            b"--outer\r\nContent-Type: message/rfc822\r\n\r\n"
        )
        + _dsn("failed", "5.1.1")
        + b"\r\n--outer--\r\n"
    )
    parsed = parse_message(raw)
    assert_storable(parsed)
    assert parsed.kind == "message" and parsed.bounce is None
    assert not parsed.suppress_reply
    assert "Can you help?" in parsed.new_text
