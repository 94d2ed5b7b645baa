"""What a subject access export flags for redaction: people the database knows, and third parties
it does not (an email address or phone number in free text, anyone named in a staff note)."""

import pytest

from enquiries import services, subject_access
from tests.factories import ServiceFactory, UserFactory, submit_web_case

pytestmark = pytest.mark.django_db


def _case_with_neighbour():
    result = submit_web_case(
        service=ServiceFactory(),
        description=(
            "My neighbour Jo (jo.neighbour@example.net, 07700 900123) keeps dumping rubbish. "
            "Call me on 07700 900456."
        ),
        phone="07700 900456",
        email="me@example.org",
    )
    return result.case if hasattr(result, "case") else result


def test_contact_details_of_other_people_in_free_text_are_flagged_and_the_persons_own_are_not():
    case = _case_with_neighbour()

    flags = subject_access.gather(case.resident)["redact_before_release"]

    flagged = {flag["text"] for flag in flags}
    assert "jo.neighbour@example.net" in flagged
    assert any("900123" in text for text in flagged)
    assert not any("900456" in text for text in flagged)
    assert "me@example.org" not in flagged


def test_staff_notes_are_in_the_export_and_each_is_flagged_for_review():
    case = _case_with_neighbour()
    services.add_note(
        case=case, body="Spoke to Mr Pryce at no. 12 about the bins.", by=UserFactory()
    )

    data = subject_access.gather(case.resident)

    (exported,) = [c for c in data["cases"] if c["reference"] == case.reference]
    assert [note["text"] for note in exported["staff_notes"]] == [
        "Spoke to Mr Pryce at no. 12 about the bins."
    ]
    assert any(
        flag["where"].endswith("staff_notes[0]") and "staff note" in flag["why"]
        for flag in data["redact_before_release"]
    )
