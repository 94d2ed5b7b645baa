"""Text is stored in one normal form, single-line fields stay on one line (issue 9)."""

import unicodedata
import uuid

import pytest

from enquiries import intake
from enquiries.choices import Channel
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.text import clean_line, clean_text

pytestmark = pytest.mark.django_db

DECOMPOSED_E = "e\u0301"  # "e" followed by a combining acute accent
COMPOSED_E = "\u00e9"


def submit(service, **overrides):
    values = dict(
        idempotency_key=f"test:{uuid.uuid4()}",
        contact=ContactDetails(
            channel=Channel.EMAIL,
            body=f"Caf{DECOMPOSED_E}\r\nsecond line\x00",
            subject=f"Caf{DECOMPOSED_E}\r\nBcc: victim@example.com",
            sender_name=f"Ren{DECOMPOSED_E}e\nX-Header: 1",
        ),
        resident=ResidentDetails(
            full_name=f"Ren{DECOMPOSED_E}e\r\nDupont", email="renee@example.com"
        ),
        summary=f"Caf{DECOMPOSED_E} bins\r\nBcc: victim@example.com",
        description=f"Outside the caf{DECOMPOSED_E}.\r\nSecond line.",
        answers={"detail": f"caf{DECOMPOSED_E}", "nested": [f"caf{DECOMPOSED_E}"], "ok": True},
        address=f"1 Caf{DECOMPOSED_E} Street\n",
        service=service,
    )
    values.update(overrides)
    return intake.submit(NewCase(**values))


def test_a_decomposed_e_is_stored_composed(service):
    result = submit(service)
    case, contact = result.case, result.contact
    for stored in (
        case.summary,
        case.description,
        case.answers["detail"],
        case.answers["nested"][0],
        case.address,
        case.resident.full_name,
        contact.body,
        contact.subject,
        contact.sender_name,
    ):
        assert unicodedata.is_normalized("NFC", stored), stored
        assert DECOMPOSED_E not in stored
    assert case.summary.startswith(f"Caf{COMPOSED_E}")
    assert case.answers["ok"] is True


def test_single_line_fields_are_stored_on_one_line(service):
    result = submit(service)
    case, contact = result.case, result.contact
    assert case.summary == f"Caf{COMPOSED_E} bins Bcc: victim@example.com"
    assert contact.subject == f"Caf{COMPOSED_E} Bcc: victim@example.com"
    assert case.resident.full_name == f"Ren{COMPOSED_E}e Dupont"
    assert "\n" not in contact.sender_name and "\r" not in contact.sender_name
    assert case.address == f"1 Caf{COMPOSED_E} Street"


def test_multi_line_text_keeps_its_lines_without_carriage_returns_or_nul(service):
    result = submit(service)
    assert result.case.description == f"Outside the caf{COMPOSED_E}.\nSecond line."
    assert result.contact.body == f"Caf{COMPOSED_E}\nsecond line"


def test_a_summary_that_is_only_line_breaks_is_refused(service):
    with pytest.raises(intake.IntakeError) as raised:
        submit(service, summary="\r\n\r\n")
    assert "summary" in raised.value.message_dict


@pytest.mark.parametrize(
    "raw, line, text",
    [
        ("a\r\nb", "a b", "a\nb"),
        ("a\rb", "a b", "a\nb"),
        ("a\u2028b", "a b", "a\nb"),
        ("a\tb\x07", "a b", "a\tb"),
        ("\u202eabc", "\u202eabc", "\u202eabc"),  # kept: neutralised on display instead
    ],
)
def test_cleaning_rules(raw, line, text):
    assert clean_line(raw) == line
    assert clean_text(raw) == text
