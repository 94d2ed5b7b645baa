"""Possible duplicates (same email, same phone, similar name at the same postcode) are listed;
merging moves cases, contacts and subscriptions, is recorded, and can be undone exactly."""

import pytest
from django.core.exceptions import ValidationError

from enquiries import resident_merge, residents
from enquiries.models import (
    Case,
    CaseSubscription,
    Contact,
    PossibleMatch,
    Resident,
    ResidentChange,
)
from tests.factories import CaseFactory, ContactFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_similar_name_at_the_same_postcode_is_a_possible_duplicate():
    older = ResidentFactory(full_name="Siobhan O'Neill", email="", phone="", postcode="PR1 8XJ")
    ResidentFactory(full_name="Simon Price", email="", phone="", postcode="PR1 8XJ")
    ResidentFactory(full_name="Siobhan O'Neill", email="", phone="", postcode="PR2 1AA")
    newer = ResidentFactory(full_name="siobhan oneill", email="", phone="", postcode="PR1 8XJ")

    rows = residents.record_possible_matches(newer)

    assert [(row.other, row.matched_on) for row in rows] == [(older, "name_postcode")]


def test_the_scan_lists_each_pair_once_whichever_way_round():
    a = ResidentFactory(email="same@example.com")
    b = ResidentFactory(email="same@example.com")
    residents.record_possible_matches(b)  # as intake does for the newer record

    assert residents.scan_for_duplicates() == 0
    assert residents.scan_for_duplicates() == 0
    (match,) = PossibleMatch.objects.all()
    assert {match.resident, match.other} == {a, b}


def _two_records():
    kept = ResidentFactory(email="pat@example.com")
    merged = ResidentFactory(email="pat@example.com")
    kept_case = CaseFactory(resident=kept)
    merged_case = CaseFactory(resident=merged)
    contact = ContactFactory(case=kept_case, resident=merged)
    followed = CaseFactory()
    subscription = CaseSubscription.objects.create(case=followed, resident=merged, channel="web")
    return kept, merged, kept_case, merged_case, contact, subscription


def test_merging_moves_cases_contacts_and_subscriptions_and_records_it():
    kept, merged, kept_case, merged_case, contact, subscription = _two_records()
    residents.record_possible_matches(merged)
    match = PossibleMatch.objects.get(resident=merged, other=kept)
    officer = UserFactory()

    row = resident_merge.merge_residents(kept=kept, merged=merged, by=officer, match=match)

    assert Case.objects.get(pk=merged_case.pk).resident == kept
    assert Contact.objects.get(pk=contact.pk).resident == kept
    assert CaseSubscription.objects.get(pk=subscription.pk).resident == kept
    assert PossibleMatch.objects.get(pk=match.pk).state == "confirmed"
    assert row.by == officer and row.moved["cases"] == [merged_case.pk]
    assert ResidentChange.objects.filter(resident=kept, field="record", by=officer).exists()
    assert ResidentChange.objects.filter(resident=merged, field="record").exists()
    merged.refresh_from_db()
    assert merged.email == "pat@example.com"  # the merged record is kept, unchanged


def test_undoing_a_merge_puts_back_exactly_what_moved():
    kept, merged, kept_case, merged_case, contact, subscription = _two_records()
    row = resident_merge.merge_residents(kept=kept, merged=merged, by=UserFactory())
    later = CaseFactory(resident=kept)  # made after the merge: stays

    resident_merge.undo_merge(merge=row, by=UserFactory())

    assert Case.objects.get(pk=merged_case.pk).resident == merged
    assert Case.objects.get(pk=kept_case.pk).resident == kept
    assert Case.objects.get(pk=later.pk).resident == kept
    assert Contact.objects.get(pk=contact.pk).resident == merged
    assert CaseSubscription.objects.get(pk=subscription.pk).resident == merged
    with pytest.raises(ValidationError, match="already been undone"):
        resident_merge.undo_merge(merge=row, by=UserFactory())


def test_a_subscription_to_a_case_kept_already_follows_stays_where_it_is():
    kept, merged = ResidentFactory(), ResidentFactory()
    case = CaseFactory()
    CaseSubscription.objects.create(case=case, resident=kept, channel="web")
    theirs = CaseSubscription.objects.create(case=case, resident=merged, channel="web")

    resident_merge.merge_residents(kept=kept, merged=merged, by=UserFactory())

    assert CaseSubscription.objects.get(pk=theirs.pk).resident == merged


def test_a_record_cannot_be_merged_twice_or_into_itself_or_when_anonymised():
    kept, merged, other = ResidentFactory(), ResidentFactory(), ResidentFactory()
    resident_merge.merge_residents(kept=kept, merged=merged, by=UserFactory())

    with pytest.raises(ValidationError):
        resident_merge.merge_residents(kept=other, merged=merged, by=UserFactory())
    with pytest.raises(ValidationError):
        resident_merge.merge_residents(kept=kept, merged=kept, by=UserFactory())
    Resident.objects.filter(pk=other.pk).update(anonymised_at="2020-01-01T00:00Z")
    with pytest.raises(ValidationError):
        resident_merge.merge_residents(kept=kept, merged=other, by=UserFactory())


def test_the_command_lists_duplicates_among_existing_records():
    import io

    from django.core.management import call_command

    ResidentFactory(full_name="Ann Lee", email="", phone="", postcode="PR1 8XJ")
    ResidentFactory(full_name="Ann  Lee", email="", phone="", postcode="PR1 8XJ")
    out = io.StringIO()

    call_command("find_duplicate_residents", stdout=out)

    assert "1 new possible duplicates" in out.getvalue()
    assert PossibleMatch.objects.get().matched_on == "name_postcode"
