"""Every real-world message in shared/email-corpus reaches the outcome INDEX.md requires.

The corpus is data written by other projects; it is read in place from beside the repository
and never copied in. Each file has a row below saying what INDEX.md's "must" means for the
parser; the caller's job (creating cases, marking addresses) is tested elsewhere.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Callable
from typing import Any

import pytest

from channels.inbound_email.parsing import NO_TEXT, ParsedEmail, parse_message

from .conftest import CORPUS, assert_storable

# Skipped without the corpus; failed instead under CI=true or REQUIRE_REAL_SERVICES=1 (conftest).
pytestmark = pytest.mark.email_corpus

# Time limit for any one corpus message (the biggest is 2.9 MB); the parse is bounded work.
MAX_SECONDS = 3.0

Check = Callable[[ParsedEmail], Any]


def _has(*needles: str) -> Check:
    return lambda p: all(n in p.text_body for n in needles)


# file -> expected values. Plain keys are ParsedEmail attributes compared with ==; keys with a
# dot look inside ``bounce``; "quarantined" is True/False; "check" is a list of predicates.
EXPECTED: dict[str, dict[str, Any]] = {
    # 13: real spam with a broken start boundary: ingested, not a crash.
    "spamscope__mail_malformed_1.eml": {
        "quarantined": False,
        "kind": "message",
        "from_address": "femucca@tin.it",
        "unverified_sender": False,
    },
    # 14: MailSite DSN with Return-Path <> and message/rfc822-headers: a bounce, never answered.
    "spamscope__mail_malformed_2.eml": {
        "kind": "bounce",
        "suppress_reply": True,
        "bounce.recipient": "abh@netpar.com.br",
        "bounce.status": "4.2.2",
        "bounce.permanent": False,
        "check": [lambda p: "null return path" in p.auto_reasons],
    },
    # 15: multipart/alternative whose parts use another boundary: recovered with a note.
    "spamscope__mail_malformed_3.eml": {
        "check": [
            lambda p: p.quarantine_reason is not None or any("boundary" in d for d in p.defects),
            lambda p: "<" not in p.text_body or "<html" not in p.text_body.lower(),
        ],
    },
    # 16: an Outlook .msg (OLE) file is not MIME: quarantined, no garbage body.
    "spamscope__mail_outlook_1.msg": {
        "quarantined": True,
        "text_body": NO_TEXT,
        "attachments": [],
        "from_address": None,
        "check": [lambda p: ".msg" in p.quarantine_reason],
    },
    # 17: 1.5 MB with inline JPEGs in multipart/related and a PDF sent as octet-stream.
    "spamscope__mail_test_2.eml": {
        "quarantined": False,
        "check": [
            _has("BOLLETTINO"),
            lambda p: (
                [a.filename for a in p.attachments]
                == ["intestazione.jpg", "logometeo.jpg", "Bollettino.pdf"]
            ),
            lambda p: [a.is_inline for a in p.attachments] == [True, True, False],
            lambda p: p.attachments[2].size > 1_000_000,
        ],
    },
    # 18: HTML-only related message, Russian B-encoded subject folded over two lines.
    "spamscope__mail_test_6.eml": {
        "subject": "Быстрее вкладывайте в золото!",
        "suppress_reply": True,
        "check": [
            lambda p: p.html_body is not None,
            lambda p: "<td" not in p.text_body and "<img" not in p.text_body,
            lambda p: (
                len(p.attachments) == 4 and all(a.is_inline and a.content_id for a in p.attachments)
            ),
            lambda p: "List-Id" in p.auto_reasons,
        ],
    },
    # 19: GB2312 HTML spam, encoded-word subject split across lines: decoded, no exception.
    "spamscope__mail_test_9.eml": {
        "quarantined": False,
        "check": [lambda p: "镜头" in p.subject, lambda p: "内射" in p.text_body],
    },
    # 20: display-name spoofing: the sender is the addr-spec, flagged, never the display name.
    "spamscope__mail_test_15.eml": {
        "from_address": "do-not-reply@ncs.gov.ng",
        "from_name": "purchasing@aquillaindustries.com",
        "from_ambiguous": False,
        "unverified_sender": True,
        "suppress_reply": True,
        "check": [lambda p: [a.filename for a in p.attachments] == ["REQUEST FOR QUOTE.zip"]],
    },
    # 21: bank brand spoof sent from a VPS: the Return-Path domain differs, so unverified.
    "spamscope__mail_test_17.eml": {
        "unverified_sender": True,
        "from_address": "notificaccion-clientes@bbva.mx",
        "subject": "Transferencia Interbancaria Banca en Línea",
        "check": [lambda p: "Return-Path domain" in p.unverified_reasons[0]],
    },
    # 22: Exchange NDR matched to our outbound message by the DSN and In-Reply-To.
    "flanker__bounce__office365.eml": {
        "kind": "bounce",
        "suppress_reply": True,
        "bounce.permanent": True,
        "bounce.status": "5.1.10",
        "bounce.recipient": "noname@example.com",
        "bounce.original_message_id": "20171013111011.20866.254C2F3A4D7AA526@ninomail.com",
    },
    # 23: Postfix DSN (mailbox full) with text/rfc822-headers: the status code is recorded.
    "flanker__bounce__mailbox-full.eml": {
        "kind": "bounce",
        "bounce.status": "5.2.2",
        "bounce.action": "failed",
        "bounce.recipient": "user@aol.com",
        "bounce.original_message_id": "4E326A95.3010907@example.com",
    },
    # 24: Gmail plain-text bounce (not RFC 3464), null return path: still a bounce.
    "flanker__bounce__gmail-invalid-address.eml": {
        "kind": "bounce",
        "suppress_reply": True,
        "bounce.permanent": True,
        "bounce.recipient": "awfawfawfawfawfaw@someserverhere.com",
        "bounce.original_message_id": (
            "CAKsfaBUUGqVZiaMrmH3TRPfq1odQPtM7Ey5YW1SgyJJRHtAjgw@mail.gmail.com"
        ),
    },
    # 25: transient failure (status 4.0.0): never a permanent failure.
    "flanker__bounce__delayed.eml": {
        "kind": "bounce",
        "bounce.permanent": False,
        "bounce.status": "4.0.0",
        "bounce.recipient": "foo@example.com",
    },
    # 26: ARF abuse complaint: a complaint, with who complained and about which message.
    "flanker__complaints__aol.eml": {
        "kind": "complaint",
        "suppress_reply": True,
        "bounce.recipient": "redacted@aol.com",
        "bounce.original_message_id": "20101117174130.28884.55421@luna",
    },
    # 27: RFC 8098 read receipt: not a case, points at the original message.
    "flanker__disposition-notification.eml": {
        "kind": "read_receipt",
        "suppress_reply": True,
        "bounce.original_message_id": "199509192301.23456@example.org",
        "bounce.action": "displayed",
    },
    # 28: a 209 KB encoded subject: truncated to the field limit with an ellipsis.
    "flanker__long-header.eml": {
        "quarantined": False,
        "check": [
            lambda p: len(p.subject) == 255,
            lambda p: p.subject.endswith("…"),
            lambda p: p.subject.startswith("Die heiße Zypernsonne quälte Max"),
        ],
    },
    # 29: about 3,000 parts: refused by the part limit, quickly.
    "flanker__enclosed-endless.eml": {
        "quarantined": True,
        "from_address": "example@example.net",
        "check": [lambda p: "too many MIME parts" in p.quarantine_reason],
    },
    # 30: the MIME torture test: every leaf part is the body or an attachment.
    "flanker__torture.eml": {
        "quarantined": False,
        "check": [
            _has("This is a demonstration of multi-part mail"),
            lambda p: len(p.attachments) == 23,
            lambda p: (
                {"audio/basic", "image/gif", "application/postscript"}
                <= {a.content_type for a in p.attachments}
            ),
        ],
    },
    # 31: declared multipart with no boundary and no text: no empty case.
    "flanker__false-multipart.eml": {
        "quarantined": True,
        "text_body": NO_TEXT,
        "from_address": "broken.mime@notreallymultipart.com",
    },
    # 32: raw 8-bit bytes in From and Subject: replacement characters, ingest does not fail.
    "flanker__mailformed-headers.eml": {
        "quarantined": False,
        "from_address": "headers@gmail.com",
        "check": [lambda p: p.from_name.startswith("Юникод запрещен"), lambda p: p.subject],
    },
    # 33: top-level octet-stream with a raw 8-bit name: one safe attachment, "(no text)".
    "flanker__outlook-express.eml": {
        "text_body": NO_TEXT,
        "quarantined": False,
        "check": [
            lambda p: len(p.attachments) == 1,
            lambda p: p.attachments[0].filename.endswith(".txt"),
            lambda p: p.attachments[0].content.decode() == "текстовое вложение",
        ],
    },
    # 34: Shift_JIS body decoded to Unicode.
    "mikelmail__multi_charset__japanese_shift_jis.eml": {
        "check": [_has("あいうえお", "このメールはテスト用のメールです。")],
    },
    # 35: ks_c_5601-1987 mapped to CP949, no LookupError.
    "mikelmail__multi_charset__ks_c_5601-1987.eml": {"text_body": "스티해"},
    # 36: only a Subject with an unknown charset: quarantined (no sender), no exception.
    "mikelmail__error_emails__bad_encoded_subject.eml": {
        "quarantined": True,
        "from_address": None,
        "subject": "TEST",
    },
    # 37: raw Latin-1 subject, encoded-word inside a quoted display name: best effort.
    "mikelmail__error_emails__invalid_subject_characters.eml": {
        "subject": "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        "from_name": "Formação Frenetikpolis",
        "from_address": "info@formacaofrenetik.info",
    },
    # 38: References with one invalid id among valid ones: the bad id is skipped.
    "mikelmail__error_emails__multiple_references_with_one_invalid.eml": {
        "references": ["foo@bar.net", "baz@bar.net"],
        "check": [lambda p: any("invalid message id" in d for d in p.defects)],
    },
    # 39: an ordinary reply: the threading template.
    "mikelmail__plain_emails__raw_email_reply.eml": {
        "in_reply_to": ["348F04F142D69C21-291E56D292BC@xxxx.net"],
        "references": ["473FF3B8.9020707@xxx.org", "348F04F142D69C21-291E56D292BC@xxxx.net"],
        "message_id": "473FFE27.20003@xxx.org",
        "suppress_reply": False,
        "new_text": "Message body",
    },
    # 40: two mailboxes in From without a comma: deterministic first, flagged ambiguous.
    "mikelmail__plain_emails__raw_email_multiple_from.eml": {
        "from_address": "tim@powerupdev.com",
        "from_ambiguous": True,
        "suppress_reply": True,
    },
    # 41: Sendmail delay warning: automatic, not a permanent failure.
    "mikelmail__multipart_report_emails__report_422.eml": {
        "kind": "delivery_delay",
        "suppress_reply": True,
        "bounce.permanent": False,
        "bounce.status": "4.2.2",
        "bounce.recipient": "fraser@oooooooo.com.au",
    },
    # 42: RFC 6532 raw UTF-8 headers: decoded as UTF-8, address kept as-is.
    "mikelmail__rfc6532__utf8_headers.eml": {
        "from_address": "jdöe@mächine.example",
        "from_name": "Jöhn Doe",
        "subject": "Säying Hello",
        "to_addresses": ["märy@exämple.net"],
    },
    # 43: GB18030 body and encoded-word subject.
    "rt__new-ticket-from-gb18030.eml": {"subject": "测试", "text_body": "测试"},
    # 44: raw KOI8-R subject, no Content-Type: no crash, replacement acceptable.
    "rt__russian-subject-no-content-type.eml": {
        "quarantined": False,
        "from_address": "mitya@fling-wing.example.com",
        "check": [lambda p: len(p.subject) == 9],
    },
    # 45: RFC 2231 continuations in ISO-2022-JP: reassembled, decoded, stored safely.
    "rt__rfc2231-attachment-filename-continuations.eml": {
        "check": [
            lambda p: [a.filename for a in p.attachments] == ["新しいテキスト ドキュメント.txt"]
        ],
    },
    # 46: Lotus Notes uuencoded JPEG inside text/plain: extracted as an attachment.
    "rt__notes-uuencoded.eml": {
        "check": [
            lambda p: [a.filename for a in p.attachments] == ["Naz_Head.jpg"],
            lambda p: p.attachments[0].content.startswith(b"\xff\xd8\xff"),
            lambda p: "begin 644" not in p.text_body and len(p.text_body) < 2000,
            _has("(See attached file: Naz_Head.jpg)"),
        ],
    },
    # 47: django-helpdesk's UnicodeDecodeError case: decoded, words joined correctly.
    "djhelpdesk__utf-nondecodable.eml": {
        "subject": "Fwd: Cyklozaměstnavatel - změna vyhodnocení",
        "check": [_has("Ahoj Johne")],
    },
    # 48: PGP/MIME multipart/signed: body shown, signature kept as an attachment.
    "djhelpdesk__pgp.eml": {
        "check": [
            _has("thanks for looking into this"),
            lambda p: [a.filename for a in p.attachments] == ["signature.asc"],
        ],
    },
    # 49: path-traversal attachment name and no From: safe name, quarantined.
    "phpmime__m0027.eml": {
        "quarantined": True,
        "check": [lambda p: [a.filename for a in p.attachments] == ["1234.txt"]],
    },
    # 50: 330 parts: the attachment limit applies with a note; no timeout.
    "phpmime__issue408.eml": {
        "quarantined": False,
        "attachments_omitted": 228,
        "check": [
            lambda p: len(p.attachments) == 100,
            lambda p: any("only the first 100" in d for d in p.defects),
        ],
    },
    # 51: auto-reply known only by its subject, and no From: never answered, quarantined.
    "phpmime__issue212.eml": {
        "kind": "auto_reply",
        "quarantined": True,
        "suppress_reply": True,
        "check": [lambda p: p.subject.startswith("Automatyczna odpowiedź: Piotrze")],
    },
    # 52: two identical From fields: the first, with a warning.
    "phpmime__m0016.eml": {
        "from_address": "dwsauder@example.com",
        "from_ambiguous": False,
        "check": [
            lambda p: any("2 From headers" in d for d in p.defects),
            _has("Die Hasen und die Frösche"),
        ],
    },
    # 53: Exchange meeting invite: the calendar part is an attachment; nothing is accepted.
    "phpmime__m0020.eml": {
        "text_body": "1",
        "check": [lambda p: [a.content_type for a in p.attachments] == ["text/calendar"]],
    },
    # 54: Outlook "Read:" receipt whose TNEF payload is really a PNG.
    "zbateson__m4006.eml": {
        "kind": "read_receipt",
        "suppress_reply": True,
        "check": [
            lambda p: [a.filename for a in p.attachments] == ["winmail.dat"],
            lambda p: any("TNEF" in d for d in p.defects),
        ],
    },
    # 55: UTF-7 encoded-word and body.
    "zbateson__m0006.eml": {
        "subject": "Die Hasen und die Frösche (Microsoft Outlook 00)",
        "check": [_has("Die Hasen klagten einst über ihre mißliche Lage")],
    },
    # 56: a second From at the end of the header: the first From, never test@test.com.
    "zbateson__m0010.eml": {
        "from_address": "doug@example.com",
        "from_ambiguous": True,
        "subject": "Die Hasen und die Frösche (Microsoft Outlook 00)",
    },
    # 57: auto-reply marked only by X-Autoreply.
    "gitlab__auto_reply.eml": {"kind": "auto_reply", "suppress_reply": True},
    # 58: HTML-only reply that threads by a folded References header.
    "gitlab__html_only.eml": {
        "in_reply_to": ["topic/22638/86406@meta.discourse.org"],
        "references": ["topic/22638@meta.discourse.org", "topic/22638/86406@meta.discourse.org"],
        "check": [
            _has("The quick brown fox", "Here's a link http://example.com"),
            lambda p: "<div" not in p.text_body and "<details" not in p.text_body,
            lambda p: p.html_body is not None and "<details" in p.html_body,
        ],
    },
    # 59: Auto-Submitted: auto-generated: automatic (RFC 3834 section 5), no response.
    "discourse__auto_reply.eml": {
        "suppress_reply": True,
        "check": [lambda p: "Auto-Submitted: auto-generated" in p.auto_reasons],
    },
    # A raw TNEF blob (really a PNG) fed as a message: "not RFC 5322".
    "zbateson__files__winmail.dat": {
        "quarantined": True,
        "text_body": NO_TEXT,
        "check": [lambda p: "not an email" in p.quarantine_reason],
    },
}


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return sorted(EXPECTED)
    return sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "INDEX.md")


def _check(parsed: ParsedEmail, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "check":
            for index, predicate in enumerate(want):
                assert predicate(parsed), f"check #{index} failed"
        elif key == "quarantined":
            assert (parsed.quarantine_reason is not None) is want, parsed.quarantine_reason
        elif key.startswith("bounce."):
            assert parsed.bounce is not None, "no bounce info"
            assert getattr(parsed.bounce, key.split(".", 1)[1]) == want, key
        else:
            assert getattr(parsed, key) == want, key


def test_every_corpus_file_has_an_expectation():
    missing = set(_corpus_files()) - set(EXPECTED) - {".gitattributes"}
    assert not missing, f"corpus files without an expected outcome: {sorted(missing)}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in this copy of the corpus")
    raw = path.read_bytes()
    started = time.perf_counter()
    parsed = parse_message(raw)
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS, f"{name} took {elapsed:.2f}s"
    assert_storable(parsed)
    _check(parsed, EXPECTED[name])


def test_wrapped_winmail_dat_is_kept_as_is():
    """The corpus's winmail.dat wrapped as an ms-tnef part: kept byte for byte, with a note."""
    blob = (CORPUS / "zbateson__files__winmail.dat").read_bytes()
    message = email.message.EmailMessage(policy=email.policy.default)
    message["From"] = "Outlook User <user@example.com>"
    message["Subject"] = "Form"
    message.set_content("See attached.")
    message.add_attachment(blob, maintype="application", subtype="ms-tnef", filename="winmail.dat")
    parsed = parse_message(message.as_bytes())
    assert_storable(parsed)
    assert parsed.quarantine_reason is None
    assert [(a.filename, a.content) for a in parsed.attachments] == [("winmail.dat", blob)]
    assert any("winmail.dat (TNEF) kept as an attachment" in d for d in parsed.defects)


def test_corpus_kinds_are_all_covered():
    kinds = {row.get("kind") for row in EXPECTED.values()}
    assert {"message", "auto_reply", "bounce", "delivery_delay", "complaint", "read_receipt"} <= (
        kinds
    )
