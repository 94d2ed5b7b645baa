"""A partner passing on a resident's "any news?" about an open case records a chaser."""

import pytest

from enquiries import services
from enquiries.choices import Status
from enquiries.models import Case
from tests.enquiries.api.test_partner_api import QUESTIONS, enquiry, partner_client  # noqa: F401
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_a_partner_contact_on_an_open_case_is_a_chaser(partner_client):  # noqa: F811
    service = ServiceFactory(questions=QUESTIONS)
    reference = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="c1"
    ).json()["reference"]
    case = Case.objects.get(reference=reference)
    services.route_case(case_id=case.pk)

    response = partner_client.post(
        f"/api/v1/enquiries/{reference}/contacts/",
        {"body": "The tenant asks when this will be fixed."},
        format="json",
        HTTP_IDEMPOTENCY_KEY="chase-1",
    )

    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.contacts.latest("id").is_chaser
