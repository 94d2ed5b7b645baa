"""resident_update_details: the one write path for stored details, with its history."""

import pytest
from django.core.exceptions import ValidationError

from enquiries.models import PossibleMatch, ResidentChange
from enquiries.residents import resident_update_details
from tests.factories import ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_only_changed_fields_are_recorded_with_old_and_new_values():
    resident = ResidentFactory(full_name="Ann", phone="+447700900001", phone_failing=True)
    officer = UserFactory()
    rows = resident_update_details(
        resident=resident,
        changes={"full_name": "Ann", "phone": "07700 900002", "consent_updates": False},
        by=officer,
        channel="staff",
        reason="Resident phoned",
    )
    assert [(r.field, r.old_value, r.new_value) for r in rows] == [
        ("phone", "+447700900001", "+447700900002"),
        ("consent_updates", "yes", "no"),
    ]
    resident.refresh_from_db()
    assert resident.phone == "+447700900002" and not resident.phone_failing
    assert ResidentChange.objects.filter(resident=resident, by=officer).count() == 2


def test_nothing_changed_records_nothing():
    resident = ResidentFactory(full_name="Ann")
    assert (
        resident_update_details(
            resident=resident,
            changes={"full_name": "Ann"},
            by=None,
            channel="staff",
            reason="Phoned",
        )
        == []
    )
    assert not ResidentChange.objects.exists()


def test_bad_values_and_unknown_fields_are_refused():
    resident = ResidentFactory()
    with pytest.raises(ValidationError) as raised:
        resident_update_details(
            resident=resident, changes={"email": "nope"}, by=None, channel="staff", reason="Phoned"
        )
    assert "email" in raised.value.message_dict
    with pytest.raises(ValueError):
        resident_update_details(
            resident=resident,
            changes={"email_failing": False},
            by=None,
            channel="staff",
            reason="Phoned",
        )


def test_a_changed_email_that_another_record_holds_is_a_possible_match():
    other = ResidentFactory(email="shared@example.com")
    resident = ResidentFactory()
    resident_update_details(
        resident=resident,
        changes={"email": "Shared@example.com"},
        by=None,
        channel="staff",
        reason="Phoned",
    )
    assert PossibleMatch.objects.get(resident=resident).other == other


def test_history_is_append_only():
    resident = ResidentFactory()
    (row,) = resident_update_details(
        resident=resident, changes={"full_name": "New"}, by=None, channel="staff", reason="Phoned"
    )
    row = ResidentChange.objects.get(pk=row.pk)
    row.new_value = "Edited"
    with pytest.raises(ValueError):
        row.save()
    with pytest.raises(ValueError):
        row.delete()


@pytest.mark.parametrize("channel", ["tracking_link", "unsubscribe"])
def test_stopping_updates_is_recorded_in_the_history(channel):
    from enquiries import services
    from tests.factories import CaseFactory

    case = CaseFactory()
    services.stop_updates(case=case, resident=case.resident, channel=channel)
    case.resident.refresh_from_db()
    assert case.resident.consent_updates is False
    change = ResidentChange.objects.get(resident=case.resident)
    assert (change.field, change.new_value, change.channel) == ("consent_updates", "no", channel)


def test_a_staff_correction_says_why_and_the_reason_is_kept():
    resident = ResidentFactory(full_name="Ann Smyth")
    with pytest.raises(ValidationError) as refused:
        resident_update_details(
            resident=resident, changes={"full_name": "Ann Smith"}, by=None, channel="staff"
        )
    assert refused.value.message_dict == {"reason": ["Say why the details are being corrected."]}

    (row,) = resident_update_details(
        resident=resident,
        changes={"full_name": "Ann Smith"},
        by=UserFactory(),
        channel="staff",
        reason="Spelling corrected at the resident's request",
    )

    assert (row.old_value, row.new_value) == ("Ann Smyth", "Ann Smith")
    assert ResidentChange.objects.get(pk=row.pk).reason.startswith("Spelling corrected")


def test_a_new_record_is_matched_by_email_in_any_case_or_phone_earliest_first_never_itself():
    from django.utils import timezone

    from enquiries.residents import MAX_MATCHES, record_possible_matches

    both = ResidentFactory(email="SIAN@example.com", phone="+447700900123")
    by_email = [ResidentFactory(email="sian@Example.com", phone="") for _ in range(MAX_MATCHES)]
    by_phone = ResidentFactory(email="", phone="+447700900123")
    ResidentFactory(email="sian@example.com", anonymised_at=timezone.now())  # erased: never
    new = ResidentFactory(email="sian@example.com", phone="+447700900123", postcode="")

    rows = record_possible_matches(new, new=True)  # no postcode: no name-and-postcode matches

    expected = sorted([both, *by_email, by_phone], key=lambda r: r.pk)[:MAX_MATCHES]
    assert [row.other for row in rows] == expected
    assert rows[0].matched_on == PossibleMatch.MatchedOn.BOTH
    assert {row.matched_on for row in rows[1:]} == {PossibleMatch.MatchedOn.EMAIL}
    assert PossibleMatch.objects.filter(resident=new).count() == MAX_MATCHES


def test_a_phone_match_beyond_the_email_matches_is_kept_in_order():
    from enquiries.residents import record_possible_matches

    by_phone = ResidentFactory(email="", phone="+447700900124")
    by_email = ResidentFactory(email="kai@example.com", phone="")
    new = ResidentFactory(email="kai@example.com", phone="+447700900124", postcode="")

    rows = record_possible_matches(new, new=True)  # no postcode: no name-and-postcode matches

    assert [(row.other, row.matched_on) for row in rows] == [
        (by_phone, PossibleMatch.MatchedOn.PHONE),
        (by_email, PossibleMatch.MatchedOn.EMAIL),
    ]
