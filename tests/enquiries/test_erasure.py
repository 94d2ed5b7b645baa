"""Erasure on request: the retention machinery applied to one person now, with reason and basis."""

import pytest
from django.core.exceptions import ValidationError

from enquiries import retention
from enquiries.choices import Status
from enquiries.models import Case, Erasure, PossibleMatch, Resident
from tests.channels.inbound_email.mails import make_email, pipe
from tests.enquiries.privacy_data import database_text, media_files, media_text, spread_person
from tests.factories import CaseFactory, ContactFactory, ResidentFactory, UserFactory

pytestmark = [pytest.mark.django_db]


def erase(resident: Resident, **kwargs) -> Erasure:
    return retention.erase_resident(
        resident=resident,
        reason=kwargs.get("reason", "Resident asked by letter, ref DP-2026-014"),
        legal_basis=kwargs.get("legal_basis", Erasure.LegalBasis.CONSENT_WITHDRAWN),
        by=kwargs.get("by") or UserFactory(),
    )


def test_after_erasure_no_personal_marker_remains_in_the_database_or_media():
    person = spread_person()
    others = spread_person("Fenwright")  # someone else, whose data must stay
    text = database_text()
    assert all(marker in text for marker in person.markers)

    for case in person.cases:
        erase(Case.objects.get(pk=case.pk).resident)

    text = database_text() + media_text()
    for marker in person.markers:
        assert marker not in text, f"{marker!r} survived erasure"
    for marker in others.markers:
        assert marker in text, f"{marker!r} (someone else's) was erased too"
    assert len(media_files()) == 1  # the other person's photo


def test_the_erasure_records_who_why_and_on_what_basis_without_personal_data():
    case = CaseFactory()
    dpo = UserFactory()

    erasure = erase(case.resident, by=dpo, legal_basis=Erasure.LegalBasis.OBJECTION)

    assert erasure.by == dpo and erasure.legal_basis == "art17_1c"
    assert erasure.reason.startswith("Resident asked") and erasure.cases == 1
    case.refresh_from_db()
    assert case.personal_data_removed_at is not None and case.status == Status.RECEIVED


def test_erasure_needs_a_reason_and_a_legal_basis():
    resident = ResidentFactory()

    with pytest.raises(ValidationError) as error:
        erase(resident, reason=" ", legal_basis="because")

    assert set(error.value.message_dict) == {"reason", "legal_basis"}
    resident.refresh_from_db()
    assert resident.anonymised_at is None


def test_erasure_is_refused_while_a_case_is_on_legal_hold():
    case = CaseFactory()
    retention.place_legal_hold(case=case, reason="Tribunal", by=UserFactory())

    with pytest.raises(ValidationError, match=case.reference):
        erase(case.resident)

    case.refresh_from_db()
    assert case.personal_data_removed_at is None and case.resident.anonymised_at is None


def test_what_they_said_on_someone_elses_case_is_erased_and_that_case_kept():
    theirs = CaseFactory()
    neighbour_case = CaseFactory(description="The neighbour's own words")
    ContactFactory(case=neighbour_case, resident=theirs.resident, body="I saw it too, Flat 9")

    erase(theirs.resident)

    neighbour_case.refresh_from_db()
    assert neighbour_case.personal_data_removed_at is None
    assert neighbour_case.description == "The neighbour's own words"
    assert "Flat 9" not in database_text()


def test_a_later_email_from_the_erased_address_makes_a_new_unlinked_record():
    first = pipe(make_email(sender="Pat Doe <pat.doe@example.org>")).row.case
    erase(first.resident)

    later = pipe(make_email(sender="Pat Doe <pat.doe@example.org>", subject="New problem"))

    new = later.row.case
    assert new.pk != first.pk and new.resident_id != first.resident_id
    assert new.resident.email == "pat.doe@example.org"
    assert not PossibleMatch.objects.filter(resident=new.resident).exists()
    assert Resident.objects.get(pk=first.resident_id).email == ""
