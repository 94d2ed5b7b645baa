"""parse_message on the project's own fixtures (tests/fixtures/emails) and on odd inputs.

Each fixture was written for this project; the table says what the portal needs from it.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from datetime import UTC, datetime
from typing import Any

import pytest

from channels.inbound_email.parsing import (
    NO_TEXT,
    ParsedAttachment,
    ParsedEmail,
    parse_message,
    safe_filename,
)

from .conftest import FIXTURES, assert_storable

HAS_TNEFPARSE = importlib.util.find_spec("tnefparse") is not None

FIXTURE_EXPECTATIONS: dict[str, dict[str, Any]] = {
    "plain_resident.eml": {
        "kind": "message",
        "from_address": "jane.doe@example.org",
        "from_name": "Jane Doe",
        "subject": "Pothole on Mill Lane, Ashby",
        "message_id": "CAF1res1dent001@mail.example.org",
        "dedupe_key": "CAF1res1dent001@mail.example.org",
        "date": datetime(2024, 11, 4, 9, 12, 33, tzinfo=UTC),
        "to_addresses": ["contact@northmoor.gov.uk"],
        "suppress_reply": False,
        "unverified_sender": False,
        "quarantine_reason": None,
        "html_body": None,
        "attachments": [],
        "auto_reasons": [],
        "text_contains": ["deep pothole outside 14 Mill Lane", "07700 900123"],
    },
    "reply_gmail_quote.eml": {
        "kind": "message",
        "in_reply_to": ["ncc.outbound.7f3a9c@northmoor.gov.uk"],
        "references": ["CAF1res1dent001@mail.example.org", "ncc.outbound.7f3a9c@northmoor.gov.uk"],
        "new_text": (
            "Thank you. It has got worse since the rain – it is now about 10cm deep.\n\nJane"
        ),
        "text_contains": ["> A highways inspector will visit", "wrote:"],
        "suppress_reply": False,
    },
    "reply_outlook.eml": {
        "from_address": "R.Patel@example.co.uk",
        "from_name": "Patel, Ravi",
        "in_reply_to": ["ncc.outbound.1b2c3d@northmoor.gov.uk"],
        "new_text": "Still not collected, the green bin has been out since Monday.\n\nRavi",
        "text_contains": ["Sent: 05 November 2024 14:00"],
        "html_contains": ["divRplyFwdMsg"],
        "unverified_sender": False,
    },
    "html_only_script.eml": {
        "subject": "Streetlight out",
        "text_contains": [
            "The streetlight outside 22 Church Street has been out for a week & it's very dark.",
            "See the map [https://maps.example.com/?q=22+Church+Street] or click me.",
            "- Column number 17\n- Near the bus stop",
        ],
        "text_excludes": ["alert", "document.cookie", "javascript:", "tracker", "Ignore me", "<"],
        "html_contains": ["<script>"],
    },
    "encoded_name_subject.eml": {
        "from_name": "Siân O'Brien-Ng",
        "from_address": "sian@example.cymru",
        "subject": "Café licence – Siân's request",
        "text_contains": ["pavement café licence"],
    },
    "latin1_body.eml": {
        "text_body": "I paid £30 for my parking permit but it has not arrived. "
        "Ma fille s'appelle Chloé.",
        "date": datetime(2024, 11, 9, 9, 30, tzinfo=UTC),
    },
    "out_of_office.eml": {
        "kind": "auto_reply",
        "suppress_reply": True,
        "auto_reasons": [
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress",
            "null return path",
        ],
        "bounce": None,
    },
    "welsh_out_of_office.eml": {
        "kind": "auto_reply",
        "suppress_reply": True,
        "auto_reasons": ["subject looks like an automatic reply"],
    },
    "pdf_and_jpeg.eml": {
        "text_body": (
            "Please find attached a letter and a photo of the rubbish dumped in the lay-by."
        ),
        "attachment_names": [("letter.pdf", "application/pdf"), ("photo 1.jpg", "image/jpeg")],
    },
    "no_message_id_no_date.eml": {
        "message_id": None,
        "date": None,
        "from_address": "anon@example.com",
        "quarantine_reason": None,
        "suppress_reply": False,
        "text_body": "Dog fouling on the village green again.",
    },
    "display_name_spoof.eml": {
        "from_address": "attacker@phish.example",
        "from_name": "jane.doe@example.org",
        "unverified_sender": True,
        "from_ambiguous": False,
    },
    "forwarded_letter.eml": {
        "text_contains": [
            "is this allowed?",
            "---------- Forwarded message ----------\nFrom: Landlord <landlord@example.net>",
            "Your rent will go up by 40% next month.",
        ],
        "new_text_contains": ["Your rent will go up by 40% next month."],
        "attachments": [],
    },
    "plain_bounce_of_our_mail.eml": {
        "kind": "bounce",
        "suppress_reply": True,
        "bounce.recipient": "old.address@example.com",
        "bounce.status": "5.1.1",
        "bounce.permanent": True,
        "bounce.original_message_id": "ncc.outbound.bounced@northmoor.gov.uk",
    },
    "mailing_list.eml": {
        "kind": "message",
        "suppress_reply": True,
        "auto_reasons": ["Precedence: bulk", "List-Id", "List-Unsubscribe"],
    },
    "winmail_tnef.eml": {
        "text_contains": ["Please see the attached form."] if HAS_TNEFPARSE else [],
        "attachment_names": (
            [("winmail.dat", "application/ms-tnef"), ("form.txt", "text/plain")]
            if HAS_TNEFPARSE
            else [("winmail.dat", "application/ms-tnef")]
        ),
    },
}


def _check(parsed: ParsedEmail, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "text_contains":
            for needle in want:
                assert needle in parsed.text_body, needle
        elif key == "new_text_contains":
            for needle in want:
                assert needle in parsed.new_text, needle
        elif key == "text_excludes":
            for needle in want:
                assert needle not in parsed.text_body, needle
        elif key == "html_contains":
            for needle in want:
                assert parsed.html_body is not None and needle in parsed.html_body, needle
        elif key == "attachment_names":
            assert [(a.filename, a.content_type) for a in parsed.attachments] == want
        elif key.startswith("bounce."):
            assert parsed.bounce is not None
            assert getattr(parsed.bounce, key.split(".", 1)[1]) == want, key
        else:
            assert getattr(parsed, key) == want, key


def test_every_expected_fixture_exists():
    on_disk = {path.name for path in FIXTURES.glob("*.eml")}
    assert set(FIXTURE_EXPECTATIONS) <= on_disk


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTATIONS))
def test_fixture(name):
    parsed = parse_message((FIXTURES / name).read_bytes())
    assert_storable(parsed)
    _check(parsed, FIXTURE_EXPECTATIONS[name])


def test_attachment_contents_are_decoded():
    parsed = parse_message((FIXTURES / "pdf_and_jpeg.eml").read_bytes())
    pdf, jpeg = parsed.attachments
    assert pdf.content.startswith(b"%PDF-1.4") and pdf.size == len(pdf.content)
    assert jpeg.content.startswith(b"\xff\xd8\xff") and jpeg.content.endswith(b"\xff\xd9")
    assert isinstance(pdf, ParsedAttachment) and not pdf.is_inline


@pytest.mark.skipif(not HAS_TNEFPARSE, reason="tnefparse is not installed")
def test_tnef_contents_extracted_when_tnefparse_is_installed():
    parsed = parse_message((FIXTURES / "winmail_tnef.eml").read_bytes())
    form = parsed.attachments[1]
    assert form.content == b"Name: Jane Doe\r\nRef: NCC-1\r\n"
    assert not parsed.defects


def test_tnef_kept_with_a_note_without_tnefparse(monkeypatch):
    monkeypatch.setitem(sys.modules, "tnefparse", None)  # makes "import tnefparse" fail
    parsed = parse_message((FIXTURES / "winmail_tnef.eml").read_bytes())
    assert [a.filename for a in parsed.attachments] == ["winmail.dat"]
    assert parsed.text_body == NO_TEXT
    assert any("tnefparse is not installed" in d for d in parsed.defects)


def test_dedupe_key_falls_back_to_a_hash_of_the_raw_bytes():
    raw = (FIXTURES / "no_message_id_no_date.eml").read_bytes()
    first, second = parse_message(raw), parse_message(raw)
    assert first.dedupe_key == second.dedupe_key
    assert first.dedupe_key.startswith("sha256:")
    assert parse_message(raw + b"\n").dedupe_key != first.dedupe_key


def test_parsed_email_is_frozen():
    parsed = parse_message((FIXTURES / "plain_resident.eml").read_bytes())
    with pytest.raises(AttributeError):
        parsed.subject = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (b"   \r\n\r\n", "empty message"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Outlook .msg"),
        (b"\x78\x9f\x3e\x22\x01\x00" + bytes(50), "raw TNEF"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not an email"),
        (b"\x00\x01\x02\x03binary", "not an email"),
        (b"Subject: hi\r\n\r\nno sender here", "no usable sender"),
        (b"From: not an address\r\nSubject: hi\r\n\r\nbody", "no usable sender"),
        (b"From: <>\r\nSubject: hi\r\n\r\nbody", "no usable sender"),
    ],
)
def test_unusable_input_is_quarantined(raw, reason):
    parsed = parse_message(raw)
    assert_storable(parsed)
    assert parsed.quarantine_reason is not None and reason in parsed.quarantine_reason
    assert parsed.suppress_reply


def test_mbox_from_line_and_leading_blank_lines_are_tolerated():
    raw = b"\r\n\r\nFrom someone@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\n\nhi\n"
    parsed = parse_message(raw)
    assert parsed.quarantine_reason is None
    assert parsed.from_address == "a@example.com"
    assert parsed.text_body == "hi"


def test_str_and_bytearray_input_are_accepted():
    raw = (FIXTURES / "plain_resident.eml").read_bytes()
    assert parse_message(bytearray(raw)).subject == "Pothole on Mill Lane, Ashby"
    assert parse_message(raw.decode()).subject == "Pothole on Mill Lane, Ashby"  # type: ignore[arg-type]


def test_subject_only_message_keeps_its_subject_and_says_no_text():
    parsed = parse_message(b"From: a@example.com\r\nSubject: Bin not collected\r\n\r\n")
    assert parsed.quarantine_reason is None
    assert parsed.subject == "Bin not collected"
    assert parsed.text_body == NO_TEXT and parsed.new_text == NO_TEXT


def test_nul_bytes_and_control_characters_are_removed_from_text():
    raw = b"From: a@example.com\r\nSubject: a\x00b\x07c\r\n\r\nline\x00one\x1b[31m\r\n"
    parsed = parse_message(raw)
    assert_storable(parsed)
    assert parsed.subject == "abc"
    assert parsed.text_body == "lineone[31m"


def test_unknown_and_hostile_charsets_never_raise():
    for charset in ("x-unknown", "zlib", "base64", "rot13", "undefined", "utf-9", "\u00e9"):
        raw = (
            f"From: a@example.com\r\nContent-Type: text/plain; charset={charset}\r\n\r\n".encode()
            + "naïve café".encode()
        )
        parsed = parse_message(raw)
        assert_storable(parsed)
        assert parsed.text_body == "naïve café", charset


def test_undeclared_8bit_body_tries_utf8_then_windows_1252():
    utf8 = parse_message(b"From: a@example.com\r\n\r\n" + "£5 – ok".encode())
    cp1252 = parse_message(b"From: a@example.com\r\n\r\n\xa35 \x96 ok")
    assert utf8.text_body == "£5 – ok"
    assert cp1252.text_body == "£5 – ok"


def test_safe_filename():
    assert safe_filename("../../etc/passwd", 1) == "passwd"
    assert safe_filename("C:\\Users\\x\\report.pdf", 1) == "report.pdf"
    assert safe_filename("..", 3, "application/pdf") == "attachment-3.pdf"
    assert safe_filename("", 2) == "attachment-2.bin"
    assert safe_filename(None, 4, "image/jpeg") == "attachment-4.jpg"
    assert safe_filename("invoice\u202egpj.exe", 1) == "invoicegpj.exe"
    assert safe_filename("a\x00b\r\nc.txt", 1) == "abc.txt"
    assert safe_filename('what?<>:"|*.txt', 1) == "what_______.txt"
    assert safe_filename("CON.txt", 1) == "_CON.txt"
    assert safe_filename(".hidden", 1) == "hidden"
    long_name = "x" * 300 + ".pdf"
    assert safe_filename(long_name, 1).endswith(".pdf") and len(safe_filename(long_name, 1)) <= 150


def test_attachment_name_from_rfc2047_and_rfc2231():
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee files\r\n"
        b'--b\r\nContent-Type: application/pdf; name="=?utf-8?q?R=C3=A9sum=C3=A9.pdf?="\r\n'
        b"Content-Disposition: attachment\r\n\r\n%PDF\r\n"
        b"--b\r\nContent-Type: application/octet-stream\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20plan.txt\r\n\r\nx\r\n"
        b"--b--\r\n"
    )
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["Résumé.pdf", "€ plan.txt"]


def test_inline_cid_image_in_related_html():
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/related; boundary=r\r\n\r\n"
        b"--r\r\nContent-Type: text/html\r\n\r\n"
        b'<p>Look: <img src="cid:pic1" alt="the hole"></p>\r\n'
        b"--r\r\nContent-Type: image/png\r\nContent-ID: <pic1>\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--r--\r\n"
    )
    parsed = parse_message(raw)
    assert parsed.text_body == "Look: [the hole]"
    (image,) = parsed.attachments
    assert image.is_inline and image.content_id == "pic1" and image.filename == "attachment-1.png"
    assert image.content.startswith(b"\x89PNG")


def test_flowed_text_is_unwrapped():
    raw = (
        b"From: a@example.com\r\nContent-Type: text/plain; format=flowed\r\n\r\n"
        b"This is one long \r\nparagraph.\r\n\r\nNext.\r\n"
    )
    assert parse_message(raw).text_body == "This is one long paragraph.\n\nNext."


def test_multiple_mailboxes_in_from_are_ambiguous_and_never_answered():
    parsed = parse_message(b"From: a@example.com, b@example.com\r\n\r\nhi\r\n")
    assert parsed.from_address == "a@example.com"
    assert parsed.from_ambiguous and parsed.suppress_reply


def test_subdomain_return_path_is_not_unverified():
    raw = (
        b"Return-Path: <bounces@mail.example.co.uk>\r\n"
        b"From: Council Partner <team@example.co.uk>\r\n\r\nhi\r\n"
    )
    assert parse_message(raw).unverified_sender is False
    other = raw.replace(b"mail.example.co.uk", b"other.co.uk")
    assert parse_message(other).unverified_sender is True


def test_random_mutations_never_raise():
    """Cheap fuzzing: flip, cut and splice bytes of every fixture; the parser must not raise."""
    rng = random.Random(143343)
    sources = [path.read_bytes() for path in sorted(FIXTURES.glob("*.eml"))]
    for _ in range(300):
        raw = bytearray(rng.choice(sources))
        for _ in range(rng.randint(1, 20)):
            position = rng.randrange(len(raw))
            action = rng.random()
            if action < 0.5:
                raw[position] = rng.randrange(256)
            elif action < 0.75:
                del raw[position : position + rng.randint(1, 40)]
            else:
                raw[position:position] = rng.choice(
                    [b"\r\n", b"--", b"=?", b"?=", b"<", b">", b"\x00", b"\xff", b"boundary=x"]
                )
        assert_storable(parse_message(bytes(raw)))
