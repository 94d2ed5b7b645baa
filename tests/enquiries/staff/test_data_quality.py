"""The DPO's data-quality view: failing details, unverified changes, no contact route, and
records past retention still waiting for the job."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enquiries import retention
from enquiries.choices import Status
from enquiries.models import PendingContactChange
from tests.enquiries.privacy_data import close_long_ago
from tests.enquiries.staff.helpers import sign_in
from tests.factories import CaseFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_officer_sees_each_kind_of_problem(client):
    bouncing = CaseFactory(resident=ResidentFactory(full_name="Bea Bounce", email_failing=True))
    silent = CaseFactory(resident=ResidentFactory(full_name="Nell Noroute", email="", phone=""))
    CaseFactory(resident=ResidentFactory(full_name="Una Verified", flags=["unverified_sender"]))
    waiting = CaseFactory()
    PendingContactChange.objects.create(
        case=waiting,
        field="email",
        new_value="unproven@example.com",
        salt="x",
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    due, held = CaseFactory(status=Status.CLOSED), CaseFactory(status=Status.CLOSED)
    close_long_ago([due, held])
    retention.place_legal_hold(case=held, reason="Claim", by=UserFactory())
    sign_in(client, UserFactory(groups=["data_protection"]))

    page = client.get(reverse("staff:data_quality")).content.decode()

    assert "Bea Bounce" in page and "email failing" in page
    assert "Nell Noroute" in page
    assert "Unverified email senders (1)" in page and "Una Verified" in page
    assert waiting.reference in page and "unproven@example.com" not in page
    assert due.reference in page and held.reference not in page
    assert "1 case past retention is on legal hold" in page
    assert bouncing.reference not in page and silent.reference not in page


def test_only_the_officer_sees_it(client):
    sign_in(client, UserFactory(groups=["manager"]))

    assert client.get(reverse("staff:data_quality")).status_code == 404
