"""DMARC/SPF alignment from our own server's Authentication-Results decides who we trust."""

import pytest

from channels.inbound_email.authentication import verdict
from channels.inbound_email.models import InboundMessage
from enquiries.models import CaseEvent, Resident
from tests.channels.inbound_email.mails import make_email, pipe
from tests.factories import CaseFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]

OURS = "mx.northmoor.example"
ANN = "Ann Lee <ann.lee@example.org>"
OUT = InboundMessage.Outcome


@pytest.fixture(autouse=True)
def _checked(mail_settings):
    settings = mail_settings
    settings.EMAIL_AUTHSERV_ID = OURS
    settings.EMAIL_AUTH_RESULTS_REQUIRED = True


def _with_results(*fields: tuple[str, str], subject: str = "Bins", body: str = "Hello") -> bytes:
    """Trace fields prepended as receiving servers do (first given = topmost)."""
    raw = make_email(sender=ANN, subject=subject, body=body)
    top = b"".join(f"{name}: {value}\r\n".encode() for name, value in fields)
    return top + raw


def _reply_to_anns_case(*fields):
    case = CaseFactory(resident=ResidentFactory(email="ann.lee@example.org"))
    return case, pipe(_with_results(*fields, subject=f"Re: your enquiry [{case.reference}]"))


AR = "Authentication-Results"
RECEIVED = ("Received", "from mail.example.org by mx.northmoor.example; Thu, 26 Nov 2026")


def test_dmarc_pass_from_our_server_threads_the_reply_into_the_residents_case():
    case, result = _reply_to_anns_case(
        (AR, f"{OURS}; dmarc=pass (p=reject) header.from=example.org"), RECEIVED
    )

    assert result.row.outcome == OUT.JOINED and result.row.case == case


def test_dmarc_fail_is_never_threaded_nor_linked_but_opens_a_triage_case_with_the_reason():
    case, result = _reply_to_anns_case(
        (AR, f"{OURS}; spf=fail smtp.mailfrom=evil.example; dmarc=fail header.from=example.org"),
        RECEIVED,
    )

    row = result.row
    assert row.status == InboundMessage.Status.PROCESSED
    assert row.case != case and row.case.department.slug == "triage"
    assert row.case.resident != case.resident, "never linked to the resident we know"
    assert Resident.objects.filter(email__iexact="ann.lee@example.org").count() == 2
    assert "DMARC fail" in row.reason
    assert CaseEvent.objects.filter(case=row.case, message__contains="Unauthenticated").exists()


def test_no_results_from_our_server_means_unauthenticated_when_they_are_required():
    ResidentFactory(email="ann.lee@example.org")

    result = pipe(_with_results(RECEIVED))

    assert result.row.outcome == OUT.UNAUTHENTICATED
    assert "no Authentication-Results" in result.row.reason
    assert result.row.case.department.slug == "triage"
    assert result.row.case.resident.email == "ann.lee@example.org"
    assert Resident.objects.filter(email__iexact="ann.lee@example.org").count() == 2


def test_a_pass_claimed_by_another_server_does_not_count():
    case, result = _reply_to_anns_case((AR, "mx.attacker.example; dmarc=pass"), RECEIVED)

    assert result.row.case != case and "DMARC" not in result.row.reason


def test_a_pass_written_below_our_servers_trace_fields_by_the_sender_does_not_count():
    case, result = _reply_to_anns_case(
        RECEIVED, (AR, f"{OURS}; dmarc=pass header.from=example.org")
    )

    assert result.row.case != case and result.row.outcome != OUT.JOINED


def test_our_own_result_wins_over_a_forged_pass_further_down():
    case, result = _reply_to_anns_case(
        (AR, f"{OURS}; dmarc=fail header.from=example.org"),
        RECEIVED,
        (AR, f"{OURS}; dmarc=pass header.from=example.org"),
    )

    assert result.row.case != case and "DMARC fail" in result.row.reason


def test_spf_pass_aligned_with_the_from_domain_is_enough_without_a_dmarc_verdict():
    case, result = _reply_to_anns_case(
        (AR, f"{OURS}; spf=pass smtp.mailfrom=bounces.example.org"), RECEIVED
    )

    assert result.row.outcome == OUT.JOINED


def test_spf_pass_for_another_domain_is_not_alignment():
    case, result = _reply_to_anns_case(
        (AR, f"{OURS}; spf=pass smtp.mailfrom=mailer.other.example; dkim=none"), RECEIVED
    )

    assert result.row.case != case


def test_our_servers_received_line_may_sit_above_when_configured(settings):
    settings.EMAIL_AUTH_RESULTS_RECEIVED_ABOVE = 1
    case, result = _reply_to_anns_case(
        RECEIVED, (AR, f"{OURS}; dkim=pass header.d=example.org"), RECEIVED
    )

    assert result.row.outcome == OUT.JOINED


def test_when_the_server_adds_no_results_the_check_is_off(settings):
    settings.EMAIL_AUTH_RESULTS_REQUIRED = False
    case, result = _reply_to_anns_case(RECEIVED)

    assert result.row.outcome == OUT.JOINED


def test_the_verdict_reads_folded_headers_with_comments():
    fields = [
        (
            "authentication-results",
            f"{OURS} (Postfix);\r\n\tdmarc=pass (p=none) header.from=example.org",
        )
    ]

    assert verdict(fields, "ann.lee@example.org").authenticated


def test_an_unauthenticated_sender_is_listed_for_the_data_protection_officer():
    from enquiries import data_quality

    trusted = pipe(_with_results((AR, f"{OURS}; dmarc=pass header.from=example.org"), RECEIVED))
    spoofed = pipe(_with_results((AR, f"{OURS}; dmarc=fail header.from=example.org"), RECEIVED))

    listed = data_quality.report().unverified_senders
    assert spoofed.row.case.resident in listed
    assert trusted.row.case.resident not in listed
