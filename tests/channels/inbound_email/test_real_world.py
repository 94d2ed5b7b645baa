"""Messages from a run of real-world mail the parser had not seen before (no database)."""

from __future__ import annotations

from channels.inbound_email.charsets import decode_text
from channels.inbound_email.parsing import parse_message

from .conftest import assert_storable

RUSSIAN = "Здравствуйте! У нас во дворе уже неделю не вывозят мусор, контейнеры переполнены."


def _dsn(*, report_type: bytes, status: bytes, action: bytes = b"Action: failed\r\n") -> bytes:
    return (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        b"To: contact@northmoor.example\r\n"
        b"Subject: Undelivered Mail Returned to Sender\r\n"
        b"Message-ID: <dsn1@mx.example.net>\r\n"
        b"Content-Type: multipart/report" + report_type + b'; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nYour message could not be sent.\r\n"
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example.net\r\n\r\n"
        b"Final-Recipient: rfc822; gone@example.org\r\n" + action + b"Status: " + status + b"\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        b"Message-ID: <ours-1@northmoor.example>\r\nTo: gone@example.org\r\n"
        b"--B--\r\n"
    )


def test_a_delivery_report_without_report_type_is_a_permanent_bounce_by_its_status():
    parsed = parse_message(_dsn(report_type=b"", status=b"5.0.0"))

    assert_storable(parsed)
    assert parsed.kind == "bounce"
    assert parsed.bounce.permanent is True
    assert parsed.bounce.status == "5.0.0"
    assert parsed.bounce.recipient == "gone@example.org"
    assert parsed.bounce.original_message_id == "ours-1@northmoor.example"


def test_a_report_without_report_type_and_a_4xx_status_is_a_delay():
    parsed = parse_message(_dsn(report_type=b"", status=b"4.4.7", action=b""))

    assert parsed.kind == "delivery_delay" and parsed.bounce.permanent is False


def test_a_5xx_status_is_permanent_even_without_an_action_field():
    parsed = parse_message(
        _dsn(report_type=b'; report-type="delivery-status"', status=b"5.1.1", action=b"")
    )

    assert parsed.kind == "bounce" and parsed.bounce.permanent is True


def _koi8(content_type: bytes) -> bytes:
    return (
        (
            b"From: =?koi8-r?b?7snIwcnMIOnXwc7P1w==?= <m.ivanov@example.ru>\r\n"
            b"To: contact@northmoor.example\r\nSubject: Bins\r\n"
            b"Message-ID: <koi8@example.ru>\r\n"
            b"MIME-Version: 1.0\r\n" + content_type + b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        )
        + RUSSIAN.encode("koi8-r")
        + b"\r\n"
    )


def test_a_koi8r_body_with_no_declared_charset_is_detected():
    parsed = parse_message(_koi8(b"Content-Type: text/plain\r\n"))

    assert_storable(parsed)
    assert RUSSIAN in parsed.text_body
    assert any("detected" in d and "koi8" in d.lower() for d in parsed.defects), parsed.defects


def test_a_koi8r_body_declared_as_latin1_is_detected_and_flagged():
    parsed = parse_message(_koi8(b"Content-Type: text/plain; charset=iso-8859-1\r\n"))

    assert RUSSIAN in parsed.text_body
    assert any("iso-8859-1" in d.lower() and "koi8" in d.lower() for d in parsed.defects)


def test_correct_latin1_and_utf8_are_left_alone_without_a_note():
    for charset, text in (("iso-8859-1", "Café in the square, señor"), ("utf-8", RUSSIAN)):
        raw = (
            f"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n"
            f"Content-Type: text/plain; charset={charset}\r\n\r\n"
        ).encode() + text.encode(charset)
        parsed = parse_message(raw)
        assert text in parsed.text_body
        assert not any("charset" in d for d in parsed.defects), parsed.defects


def test_bytes_that_cannot_be_decoded_are_flagged_as_lossy():
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nBroken \xff\xfe bytes \xc3 here\r\n"
    )
    parsed = parse_message(raw)

    assert "\ufffd" in parsed.text_body
    assert parsed.lossy_decoding
    assert any("could not be decoded" in d for d in parsed.defects)


def test_decode_text_reports_what_it_did():
    result = decode_text(RUSSIAN.encode("koi8-r"), "iso-8859-1")

    assert result.text == RUSSIAN and result.detected and not result.lossy


def test_two_from_headers_are_flagged_and_the_omitted_attachments_counted():
    raw = (
        b"From: Ann <ann@example.org>\r\nFrom: Bob <bob@example.org>\r\nTo: c@example.org\r\n"
        b"Subject: x\r\n\r\nHello\r\n"
    )
    parsed = parse_message(raw)

    assert parsed.from_headers == 2
    assert parsed.from_address == "ann@example.org"
