"""Every sample message ends in exactly one recorded state, with its raw bytes kept.

Two corpora: the project's own fixtures (tests/fixtures/emails/, each with its outcome below) and
the real-world corpus beside the repository (../shared/email-corpus/, outcomes from its
INDEX.md), which is read in place and never copied into the project.
"""

import pytest

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage
from enquiries.models import Case, CaseEvent, Contact, Notification
from tests.channels.inbound_email.mails import FIXTURES, pipe
from tests.factories import CaseFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

S = InboundMessage.Status
OUT = InboundMessage.Outcome
from tests.channels.inbound_email.conftest import CORPUS  # noqa: E402

# file -> (status, outcome or None for "any", acknowledged)
FIXTURE_OUTCOMES = {
    # the email channel's own samples
    "ingest_alternative_cp1252.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "ingest_wrong_charset.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "ingest_html_inline_image.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    # list/bulk mail is held for staff, never a case (issue 10; was NEW_CASE, unacknowledged)
    "ingest_newsletter_bulk.eml": (S.QUARANTINED, OUT.AUTOMATIC, False),
    "ingest_absurd_nesting.eml": (S.QUARANTINED, None, False),
    "ingest_malformed_headers.eml": (S.PROCESSED, OUT.NEW_CASE, None),
    # the parser's samples, as the channel must treat them
    "display_name_spoof.eml": (S.PROCESSED, OUT.NEW_CASE, False),
    "encoded_name_subject.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "forwarded_letter.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "html_only_script.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "latin1_body.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "mailing_list.eml": (S.QUARANTINED, OUT.AUTOMATIC, False),
    "no_message_id_no_date.eml": (S.PROCESSED, OUT.NEW_CASE, None),
    "out_of_office.eml": (S.IGNORED, None, False),
    "pdf_and_jpeg.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "plain_bounce_of_our_mail.eml": (S.BOUNCE, None, False),
    "plain_resident.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "reply_gmail_quote.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "reply_outlook.eml": (S.PROCESSED, OUT.NEW_CASE, True),
    "welsh_out_of_office.eml": (S.IGNORED, None, False),
    "winmail_tnef.eml": (S.PROCESSED, OUT.NEW_CASE, True),
}


def _check_invariants(result, raw: bytes) -> InboundMessage:
    row = InboundMessage.objects.get(pk=result.row.pk)
    assert bytes(row.raw) == raw, "the raw bytes are kept exactly"
    assert row.status not in (S.STORED, S.FAILED), (row.status, row.reason)
    assert row.reason or row.outcome, "staff can see why"
    if row.status == S.PROCESSED:
        assert row.case_id and row.contact_id
        contact = row.contact
        assert "<script" not in contact.body.lower()
        assert len(contact.subject) <= 255
        for attachment in contact.attachments.all():
            assert "/" not in attachment.original_name and ".." not in attachment.original_name
    else:
        assert (
            not Contact.objects.filter(case__inbound_emails=row, direction="inbound")
            .exclude(pk=row.contact_id)
            .exists()
        )
    if row.status in (S.BOUNCE, S.COMPLAINT, S.QUARANTINED, S.IGNORED):
        assert not row.acknowledged
    return row


@pytest.mark.parametrize("name", sorted(FIXTURE_OUTCOMES))
def test_fixture_outcome(name):
    raw = (FIXTURES / name).read_bytes()
    status, outcome, acknowledged = FIXTURE_OUTCOMES[name]

    row = _check_invariants(pipe(raw), raw)

    assert row.status == status, row.reason
    if outcome is not None:
        assert row.outcome == outcome
    if acknowledged is not None:
        assert row.acknowledged is acknowledged, row.reason


def test_every_fixture_has_an_expected_outcome():
    names = {p.name for p in FIXTURES.glob("*.eml")}
    mine = {n for n in names if n.startswith("ingest_")}
    assert mine <= set(FIXTURE_OUTCOMES)


def test_cp1252_subject_and_body_are_decoded():
    row = pipe((FIXTURES / "ingest_alternative_cp1252.eml").read_bytes()).row
    assert row.case.summary == "Café bins – not emptied"
    assert "haven’t" in row.contact.body and row.contact.sender_name == "Renée O’Brien"


def test_a_wrong_declared_charset_falls_back_safely():
    row = pipe((FIXTURES / "ingest_wrong_charset.eml").read_bytes()).row
    assert "light outside" in row.contact.body and "\x00" not in row.contact.body


def test_inline_images_are_kept_and_html_is_never_stored_as_markup():
    row = pipe((FIXTURES / "ingest_html_inline_image.eml").read_bytes()).row
    assert "mattress" in row.contact.body and "<img" not in row.contact.body
    assert row.contact.attachments.get().original_name == "photo.png"


# --- the shared real-world corpus ---------------------------------------------------------------

CORPUS_RULES = {
    "spamscope__mail_malformed_1.eml": {S.PROCESSED, S.QUARANTINED},
    "spamscope__mail_malformed_2.eml": {S.BOUNCE},
    "spamscope__mail_malformed_3.eml": {S.PROCESSED, S.QUARANTINED},
    "spamscope__mail_outlook_1.msg": {S.QUARANTINED},
    "spamscope__mail_test_2.eml": {S.PROCESSED},
    "spamscope__mail_test_6.eml": {S.QUARANTINED},  # noreply@ sender, List-Id: held (issue 10)
    "spamscope__mail_test_9.eml": {S.PROCESSED},
    "spamscope__mail_test_15.eml": {S.QUARANTINED},  # do-not-reply@ sender: held (issue 10)
    "spamscope__mail_test_17.eml": {S.PROCESSED},
    "flanker__bounce__office365.eml": {S.BOUNCE},
    "flanker__bounce__mailbox-full.eml": {S.BOUNCE},
    "flanker__bounce__gmail-invalid-address.eml": {S.BOUNCE},
    "flanker__bounce__delayed.eml": {S.BOUNCE},
    "flanker__complaints__aol.eml": {S.COMPLAINT},
    "flanker__disposition-notification.eml": {S.IGNORED},
    "flanker__long-header.eml": {S.PROCESSED},
    "flanker__enclosed-endless.eml": {S.QUARANTINED},
    "flanker__torture.eml": {S.PROCESSED},
    "flanker__false-multipart.eml": {S.PROCESSED, S.QUARANTINED},
    "flanker__mailformed-headers.eml": {S.PROCESSED, S.QUARANTINED},
    "flanker__outlook-express.eml": {S.PROCESSED},
    "mikelmail__multi_charset__japanese_shift_jis.eml": {S.PROCESSED},
    "mikelmail__multi_charset__ks_c_5601-1987.eml": {S.PROCESSED},
    "mikelmail__error_emails__bad_encoded_subject.eml": {S.QUARANTINED},
    "mikelmail__error_emails__invalid_subject_characters.eml": {S.PROCESSED, S.QUARANTINED},
    "mikelmail__error_emails__multiple_references_with_one_invalid.eml": {S.PROCESSED},
    "mikelmail__plain_emails__raw_email_reply.eml": {S.PROCESSED},
    "mikelmail__plain_emails__raw_email_multiple_from.eml": {S.PROCESSED, S.QUARANTINED},
    "mikelmail__multipart_report_emails__report_422.eml": {S.BOUNCE, S.IGNORED},
    "mikelmail__rfc6532__utf8_headers.eml": {S.PROCESSED, S.QUARANTINED},
    "rt__new-ticket-from-gb18030.eml": {S.QUARANTINED},  # root@localhost: held (issue 10)
    "rt__russian-subject-no-content-type.eml": {S.PROCESSED},
    "rt__rfc2231-attachment-filename-continuations.eml": {S.QUARANTINED},  # root@ (issue 10)
    "rt__notes-uuencoded.eml": {S.PROCESSED},
    "djhelpdesk__utf-nondecodable.eml": {S.PROCESSED},
    "djhelpdesk__pgp.eml": {S.PROCESSED},
    "phpmime__m0027.eml": {S.QUARANTINED},
    "phpmime__issue408.eml": {S.PROCESSED},
    "phpmime__issue212.eml": {S.QUARANTINED},
    "phpmime__m0016.eml": {S.PROCESSED, S.QUARANTINED},
    "phpmime__m0020.eml": {S.PROCESSED},
    "zbateson__m4006.eml": {S.IGNORED},
    "zbateson__m0006.eml": {S.PROCESSED},
    "zbateson__m0010.eml": {S.PROCESSED, S.QUARANTINED},
    "gitlab__auto_reply.eml": {S.PROCESSED, S.IGNORED},
    "gitlab__html_only.eml": {S.PROCESSED},
    "discourse__auto_reply.eml": {S.QUARANTINED},  # Auto-Submitted: auto-generated (issue 10)
    "zbateson__files__winmail.dat": {S.QUARANTINED},
}
NEVER_ACKNOWLEDGED = {
    "spamscope__mail_test_15.eml",  # spoofed display name, do-not-reply address
    "spamscope__mail_test_17.eml",  # unverified sender
    "gitlab__auto_reply.eml",
    "discourse__auto_reply.eml",
}


def _corpus(name: str) -> bytes:
    """One corpus file; tests that call this are marked ``email_corpus`` (see conftest)."""
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{name} is not in the shared corpus")
    return path.read_bytes()


def _our_mail_for(raw: bytes) -> Notification | None:
    """Make the bounced/complained-about message one we sent, to a resident on a case."""
    parsed = ingest.safe_parse(raw)
    if parsed is None or parsed.bounce is None or not parsed.bounce.original_message_id:
        return None
    address = (parsed.bounce.recipient or "resident@example.com").lower()
    case = CaseFactory(resident=ResidentFactory(email=address))
    return Notification.objects.create(
        case=case,
        resident=case.resident,
        kind="received",
        medium="email",
        idempotency_key=f"corpus:{case.pk}",
        to_address=address,
        state="sent",
        message_id=parsed.bounce.original_message_id,
        subject="We have received your enquiry",
    )


@pytest.mark.email_corpus
@pytest.mark.parametrize("name", sorted(CORPUS_RULES))
def test_real_world_message(name):
    raw = _corpus(name)
    ours = _our_mail_for(raw)
    cases_before = Case.objects.count()

    row = _check_invariants(pipe(raw), raw)

    assert row.status in CORPUS_RULES[name], (row.status, row.reason)
    if name in NEVER_ACKNOWLEDGED:
        assert not row.acknowledged
    if row.status in (S.BOUNCE, S.COMPLAINT, S.IGNORED, S.QUARANTINED):
        assert Case.objects.count() == cases_before, "automatic mail never opens a case"
    if ours is not None and row.status == S.BOUNCE:
        assert row.case == ours.case, "matched to the message we sent"
        assert CaseEvent.objects.filter(case=ours.case, kind="notification_failed").exists()
        ours.resident.refresh_from_db()
        parsed = ingest.safe_parse(raw)
        assert ours.resident.email_failing == (parsed.kind == "bounce" and parsed.bounce.permanent)


@pytest.mark.email_corpus
def test_a_delay_warning_never_marks_the_address_failing():
    for name in (
        "flanker__bounce__delayed.eml",
        "mikelmail__multipart_report_emails__report_422.eml",
    ):
        raw = _corpus(name)
        ours = _our_mail_for(raw)
        pipe(raw)
        if ours is not None:
            ours.resident.refresh_from_db()
            assert not ours.resident.email_failing


@pytest.mark.email_corpus
def test_the_office365_bounce_marks_the_residents_email_failing():
    raw = _corpus("flanker__bounce__office365.eml")
    ours = _our_mail_for(raw)
    assert ours is not None, "the NDR names the message we sent"

    row = pipe(raw).row

    assert row.status == S.BOUNCE and row.case == ours.case
    ours.resident.refresh_from_db()
    assert ours.resident.email_failing


@pytest.mark.email_corpus
def test_the_display_name_spoof_uses_the_addr_spec_and_links_no_existing_resident():
    existing = ResidentFactory(email="do-not-reply@ncs.gov.ng")
    row = pipe(_corpus("spamscope__mail_test_15.eml")).row
    # A do-not-reply sender is held for staff (issue 10): shown by its addr-spec, linked to no one.
    assert row.status == S.QUARANTINED and row.sender == "do-not-reply@ncs.gov.ng"
    assert row.case is None and not existing.cases.exists() and not row.acknowledged


@pytest.mark.email_corpus
def test_a_long_subject_is_cut_to_the_field_with_an_ellipsis():
    row = pipe(_corpus("flanker__long-header.eml")).row
    assert len(row.contact.subject) <= 255 and row.contact.subject.endswith("…")
    assert len(row.case.summary) <= 200


@pytest.mark.email_corpus
def test_the_reply_template_threads_into_the_case_that_sent_the_message():
    raw = _corpus("mikelmail__plain_emails__raw_email_reply.eml")
    parsed = ingest.safe_parse(raw)
    case = CaseFactory(resident=ResidentFactory(email=parsed.from_address))
    ours = "our-update-1@northmoor.example"
    Notification.objects.create(
        case=case, kind="open", medium="email", idempotency_key="x", message_id=ours
    )
    for old in {*parsed.in_reply_to, *parsed.references}:
        raw = raw.replace(old.encode(), ours.encode())

    row = pipe(raw).row

    assert row.outcome == OUT.JOINED and row.case == case


@pytest.mark.email_corpus
def test_the_html_only_reply_threads_by_references():
    raw = _corpus("gitlab__html_only.eml")
    parsed = ingest.safe_parse(raw)
    case = CaseFactory(resident=ResidentFactory(email=parsed.from_address))
    Contact.objects.create(case=case, channel="email", message_id=parsed.references[0])

    row = pipe(raw).row

    assert row.case == case and row.outcome == OUT.JOINED
    assert "<details" not in row.contact.body and "<img" not in row.contact.body
