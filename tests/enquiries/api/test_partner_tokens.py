"""Partner tokens: optional expiry, rotation with an overlap, last-used time, revocation."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from enquiries.api.partners import issue_token, rotate_token
from enquiries.models import PartnerToken
from tests.enquiries.staff.helpers import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def services_status(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client.get("/api/v1/services/").status_code


def test_a_token_with_an_expiry_stops_working_after_it():
    expires = timezone.now() + timedelta(days=30)
    partner, token = issue_token(name="Police", expires_at=expires)
    assert services_status(token) == 200
    with time_machine.travel(expires + timedelta(seconds=1)):
        assert services_status(token) == 401


def test_rotation_keeps_the_old_token_working_for_the_overlap_only():
    partner, old = issue_token(name="Housing Trust")
    new = rotate_token(partner=partner, overlap=timedelta(days=7))
    assert services_status(old) == 200 and services_status(new) == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert services_status(old) == 401
        assert services_status(new) == 200


def test_using_a_token_records_when_it_was_last_used():
    partner, token = issue_token(name="Health Trust")
    row = PartnerToken.objects.get(partner=partner)
    assert row.last_used_at is None
    services_status(token)
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert timezone.now() - row.last_used_at < timedelta(minutes=1)


def test_an_admin_revokes_a_token_and_it_stops_at_once(client):
    partner, token = issue_token(name="Utility Co")
    admin = UserFactory(username="tokenadmin", is_staff=True, is_superuser=True)
    sign_in(client, admin)
    row = PartnerToken.objects.get(partner=partner)
    response = client.post(
        "/admin/enquiries/partnertoken/",
        {"action": "revoke_tokens", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert services_status(token) == 401


def test_the_open311_api_key_follows_the_same_rules(client):
    partner, token = issue_token(name="FixMyStreet", expires_at=timezone.now() + timedelta(days=1))
    assert client.get(f"/open311/v2/services.json?api_key={token}").status_code == 200
    PartnerToken.objects.filter(partner=partner).update(revoked_at=timezone.now())
    refused = client.get(f"/open311/v2/services.json?api_key={token}")
    assert refused.status_code == 403
