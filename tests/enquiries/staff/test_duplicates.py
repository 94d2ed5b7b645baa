"""The duplicates page: listed for identity staff and the DPO; merge and undo from it."""

import pytest
from django.urls import reverse

from enquiries import residents
from enquiries.models import Case, PossibleMatch, ResidentMerge
from tests.enquiries.staff.helpers import sign_in
from tests.factories import CaseFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_merge_a_listed_duplicate_and_undo_it(client):
    older = ResidentFactory(full_name="Pat Doe", email="pat@example.com")
    newer = ResidentFactory(full_name="Pat Doe", email="pat@example.com")
    case = CaseFactory(resident=newer)
    residents.record_possible_matches(newer)
    match = PossibleMatch.objects.get(resident=newer, matched_on="email")
    agent = UserFactory(groups=["contact_centre"])
    sign_in(client, agent)

    page = client.get(reverse("staff:duplicates"))
    assert page.status_code == 200 and "Email address" in page.content.decode()

    client.post(reverse("staff:duplicate_merge", args=[match.pk]))
    assert Case.objects.get(pk=case.pk).resident == older
    merge = ResidentMerge.objects.get()
    assert merge.by == agent and merge.kept == older

    client.post(reverse("staff:merge_undo", args=[merge.pk]))
    assert Case.objects.get(pk=case.pk).resident == newer


def test_a_caseworker_cannot_see_or_merge_duplicates(client):
    newer = ResidentFactory(email="pat@example.com")
    ResidentFactory(email="pat@example.com")
    residents.record_possible_matches(newer)
    match = PossibleMatch.objects.get(resident=newer, matched_on="email")
    sign_in(client, UserFactory(groups=["caseworker"]))

    assert client.get(reverse("staff:duplicates")).status_code == 404
    assert client.post(reverse("staff:duplicate_merge", args=[match.pk])).status_code == 404
    assert not ResidentMerge.objects.exists()
