"""Threading: a message joins a case only when it names it AND comes from a party to it."""

import pytest

from channels.inbound_email.case_matching import match_case
from channels.inbound_email.models import InboundMessage
from enquiries import services
from enquiries.choices import EventKind
from enquiries.models import CaseEvent, CaseSubscription, Contact, Notification
from enquiries.references import generate_reference
from tests.channels.inbound_email.mails import make_email, pipe
from tests.factories import CaseFactory, ContactFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

ANN = "Ann Lee <ann.lee@example.org>"


def _case_for(email="ann.lee@example.org"):
    return CaseFactory(resident=ResidentFactory(email=email))


def _wrong_check_character(reference: str) -> str:
    from enquiries.references import ALPHABET

    last = reference[-1]
    return reference[:-1] + next(c for c in ALPHABET if c != last)


def test_a_valid_reference_in_the_subject_from_the_resident_joins_the_case():
    case = _case_for()

    result = pipe(make_email(sender=ANN, subject=f"Re: Your enquiry [{case.reference}]"))

    assert result.row.outcome == InboundMessage.Outcome.JOINED and result.row.case == case
    assert result.line == f"joined case {case.reference}"
    assert case.contacts.get().sender_address == "ann.lee@example.org"


def test_a_reference_typed_without_dashes_in_lower_case_still_matches():
    case = _case_for()
    typed = case.reference.replace("-", "").lower()

    assert (
        match_case(
            subject=f"about {typed}", in_reply_to=[], references=[], sender="ann.lee@example.org"
        ).case
        == case
    )


def test_a_reference_with_a_wrong_check_character_is_not_a_reference():
    case = _case_for()

    result = pipe(make_email(sender=ANN, subject=f"Re: {_wrong_check_character(case.reference)}"))

    assert result.row.outcome == InboundMessage.Outcome.NEW_CASE and result.row.case != case


def test_in_reply_to_one_of_our_notifications_joins_the_case():
    case = _case_for()
    Notification.objects.create(
        case=case,
        kind="received",
        medium="email",
        idempotency_key="n1",
        message_id="ack-1@northmoor.example",
    )

    result = pipe(
        make_email(
            sender=ANN,
            subject="Re: We have received your enquiry",
            in_reply_to="<ack-1@northmoor.example>",
        )
    )

    assert result.row.case == case and result.row.outcome == InboundMessage.Outcome.JOINED


def test_references_holding_a_message_we_received_on_the_case_join_it():
    case = _case_for()
    ContactFactory(
        case=case,
        channel="email",
        message_id="first@example.org",
        sender_address="ann.lee@example.org",
    )

    result = pipe(
        make_email(
            sender=ANN, subject="more photos", references="<other@elsewhere> <first@example.org>"
        )
    )

    assert result.row.case == case


def test_a_subscriber_may_reply_to_the_case():
    case = _case_for()
    neighbour = ResidentFactory(email="bob@example.net")
    CaseSubscription.objects.create(case=case, resident=neighbour, channel="web")

    result = pipe(make_email(sender="Bob <bob@example.net>", subject=f"Re: {case.reference}"))

    assert result.row.case == case
    assert result.row.contact.resident == neighbour


def test_someone_already_on_the_case_by_email_may_reply():
    case = _case_for()
    ContactFactory(case=case, channel="email", sender_address="cllr.smith@northmoor.example")

    result = pipe(
        make_email(
            sender="Cllr Smith <cllr.smith@northmoor.example>", subject=f"Re: {case.reference}"
        )
    )

    assert result.row.case == case


def test_a_stranger_naming_a_case_goes_to_triage_marked_and_never_onto_the_case():
    case = _case_for()

    result = pipe(
        make_email(
            sender="Mallory <mallory@evil.example>",
            subject=f"Re: {case.reference} please change the address",
        )
    )

    row = result.row
    assert row.outcome == InboundMessage.Outcome.TRIAGE_NOT_PARTY
    assert row.case != case and row.case.department.slug == "triage"
    assert not case.contacts.exists()
    assert "names case" in result.line and case.reference in result.line
    note = CaseEvent.objects.get(case=row.case, kind=EventKind.NOTE)
    assert case.reference in note.message and "not added" in note.message


def test_a_stranger_replying_to_our_message_id_is_not_attached_either():
    case = _case_for()
    Notification.objects.create(
        case=case,
        kind="received",
        medium="email",
        idempotency_key="n1",
        message_id="ack-1@northmoor.example",
    )

    result = pipe(make_email(sender="eve@evil.example", in_reply_to="<ack-1@northmoor.example>"))

    assert result.row.case != case and not case.contacts.exists()
    assert result.row.outcome == InboundMessage.Outcome.TRIAGE_NOT_PARTY


def test_a_spoofed_looking_sender_never_joins_even_with_the_residents_address():
    case = _case_for()
    raw = make_email(
        sender='"bank@trusted.example" <ann.lee@example.org>', subject=f"Re: {case.reference}"
    )

    result = pipe(raw)

    assert result.row.case != case
    assert result.row.outcome == InboundMessage.Outcome.TRIAGE_NOT_PARTY


def test_an_unknown_reference_opens_a_new_case():
    result = pipe(make_email(subject=f"About {generate_reference()}"))

    assert result.row.outcome == InboundMessage.Outcome.NEW_CASE


def test_a_reply_to_a_merged_case_goes_to_the_case_it_was_merged_into():
    main, duplicate = _case_for(), _case_for()
    services.merge(duplicate=duplicate, into=main, by=None)

    result = pipe(make_email(sender=ANN, subject=f"Re: {duplicate.reference}"))

    assert result.row.case == main


def test_a_reply_is_matched_case_insensitively_on_the_address():
    case = _case_for("Ann.Lee@Example.org")

    result = pipe(make_email(sender=ANN, subject=f"Re: {case.reference}"))

    assert result.row.case == case


def test_a_resident_reply_to_a_waiting_case_wakes_it():
    case = _case_for()
    case.status = "awaiting_resident"
    case.save()

    pipe(make_email(sender=ANN, subject=f"Re: {case.reference} here are the details"))

    case.refresh_from_db()
    assert case.status == "in_progress"
    assert Contact.objects.filter(case=case, channel="email").count() == 1
