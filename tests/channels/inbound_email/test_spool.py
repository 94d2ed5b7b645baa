"""Large base64 bodies are decoded apart from the stdlib parser, with the same result."""

from __future__ import annotations

import base64
import os
from email.message import EmailMessage

from channels.inbound_email import spool
from channels.inbound_email.parsing import parse_message

from .conftest import assert_storable

PDF = b"%PDF-1.4\n" + os.urandom(700_000)


def _with_attachment(content: bytes = PDF, *, linesep: str = "\r\n") -> bytes:
    message = EmailMessage()
    message["From"] = "Ann Lee <ann@example.org>"
    message["To"] = "contact@northmoor.example"
    message["Subject"] = "Survey"
    message.set_content("The survey is attached.\n")
    message.add_attachment(content, maintype="application", subtype="pdf", filename="s.pdf")
    message.add_attachment(b"small", maintype="application", subtype="pdf", filename="t.pdf")
    return message.as_bytes(policy=message.policy.clone(linesep=linesep))


def test_a_large_attachment_is_spooled_and_decoded_exactly():
    for linesep in ("\r\n", "\n"):
        raw = _with_attachment(linesep=linesep)
        skeleton, spooled = spool.split(raw)
        assert spooled is not None and len(skeleton) < 10_000

        parsed = parse_message(raw)

        assert_storable(parsed)
        assert [a.filename for a in parsed.attachments] == ["s.pdf", "t.pdf"]
        assert parsed.attachments[0].content == PDF
        assert parsed.attachments[1].content == b"small"
        assert parsed.text_body == "The survey is attached."


def test_a_single_part_base64_message_is_spooled_too():
    raw = (
        b"From: a@example.org\r\nTo: b@example.org\r\nSubject: scan\r\n"
        b"Content-Type: application/pdf; name=scan.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(PDF).replace(b"\n", b"\r\n")
    )
    parsed = parse_message(raw)

    assert parsed.attachments[0].content == PDF


def test_a_marker_header_written_by_a_sender_means_nothing():
    raw = _with_attachment().replace(
        b"Content-Type: application/pdf",
        f"{spool.HEADER}: 0000-0\r\nContent-Type: application/pdf".encode(),
        1,
    )
    parsed = parse_message(raw)

    assert parsed.attachments[0].content == PDF


def test_a_damaged_base64_body_decodes_what_it_can_without_raising():
    raw = _with_attachment().replace(b"\r\n--", b"!!!\r\n--", 1)

    parsed = parse_message(raw)

    assert_storable(parsed)
    assert len(parsed.attachments) == 2
