import pytest
from rest_framework.test import APIClient

from enquiries.api.partners import issue_token
from enquiries.choices import Channel
from enquiries.models import Case, Contact, OutboxTask
from tests.factories import CaseFactory, ServiceFactory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "name": "depth",
        "label": "How deep is it?",
        "type": "choice",
        "required": True,
        "choices": ["Shallow", "Deep"],
    },
    {"name": "injured", "label": "Was anyone hurt?", "type": "yes_no"},
]


@pytest.fixture
def partner_client():
    partner, token = issue_token(name="Northmoor Housing Trust", contact_email="cases@nht.example")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.partner = partner
    return client


def enquiry(service, **overrides):
    body = {
        "service": service.slug,
        "summary": "Pothole outside 4 Moor Road",
        "description": "Reported by our tenant.",
        "answers": {"depth": "Deep", "injured": False},
        "location": {"postcode": "pr1 8xj", "address": "4 Moor Road"},
        "resident": {"full_name": "Aoife Ní Bhriain", "email": "aoife@example.com"},
    }
    body.update(overrides)
    return body


def test_a_partner_files_an_enquiry_into_the_same_case_model(partner_client):
    service = ServiceFactory(questions=QUESTIONS)
    response = partner_client.post(
        "/api/v1/enquiries/",
        enquiry(service),
        format="json",
        HTTP_IDEMPOTENCY_KEY="tenant-report-1",
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.channel == Channel.API and case.partner == partner_client.partner
    assert case.answers == {"depth": "Deep", "injured": False}
    assert case.postcode == "PR1 8XJ"
    assert case.resident.full_name == "Aoife Ní Bhriain"
    assert Contact.objects.get(case=case).sender_name == "Northmoor Housing Trust"
    assert OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").count() == 1


def test_a_retried_request_files_once(partner_client):
    service = ServiceFactory(questions=QUESTIONS)
    first = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    again = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reference"] == again.json()["reference"]
    assert Case.objects.count() == 1


def test_an_idempotency_key_is_required(partner_client):
    service = ServiceFactory()
    response = partner_client.post(
        "/api/v1/enquiries/", enquiry(service, answers={}), format="json"
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_bad_input_gets_specific_errors(partner_client):
    service = ServiceFactory(questions=QUESTIONS)
    response = partner_client.post(
        "/api/v1/enquiries/",
        enquiry(
            service,
            answers={"depth": "Bottomless", "colour": "red"},
            location={"postcode": "nowhere"},
            resident={"full_name": "No contact"},
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "resident" in errors
    response = partner_client.post(
        "/api/v1/enquiries/",
        enquiry(
            service,
            answers={"depth": "Bottomless", "colour": "red"},
            location={"postcode": "nowhere"},
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="bad2",
    )
    errors = response.json()
    assert "choose one of" in errors["depth"][0]
    assert "no question called" in errors["colour"][0]
    assert Case.objects.count() == 0


def test_no_token_or_a_wrong_token_is_refused():
    assert APIClient().get("/api/v1/services/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer ncc_not-a-real-token")
    assert client.get("/api/v1/services/").status_code == 401


def test_a_partner_sees_only_its_own_cases(partner_client):
    service = ServiceFactory(questions=QUESTIONS)
    mine = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="mine"
    ).json()["reference"]
    someone_elses = CaseFactory().reference
    assert partner_client.get(f"/api/v1/enquiries/{mine}/").json()["status"] == "received"
    assert partner_client.get(f"/api/v1/enquiries/{someone_elses}/").status_code == 404
    assert partner_client.get("/api/v1/enquiries/NOT-A-REF/").status_code == 404


def test_a_partner_adds_information_to_its_case(partner_client):
    service = ServiceFactory(questions=QUESTIONS)
    reference = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="c1"
    ).json()["reference"]
    for _ in range(2):
        response = partner_client.post(
            f"/api/v1/enquiries/{reference}/contacts/",
            {"body": "The tenant sent a photo."},
            format="json",
            HTTP_IDEMPOTENCY_KEY="follow-up-1",
        )
    assert response.status_code == 200
    assert Contact.objects.filter(case__reference=reference).count() == 2


def test_services_are_limited_to_those_allowed(partner_client):
    allowed, other = ServiceFactory(), ServiceFactory()
    partner_client.partner.allowed_services.add(allowed)
    slugs = [s["slug"] for s in partner_client.get("/api/v1/services/").json()["services"]]
    assert slugs == [allowed.slug]
    response = partner_client.post(
        "/api/v1/enquiries/", enquiry(other, answers={}), format="json", HTTP_IDEMPOTENCY_KEY="x"
    )
    assert response.status_code == 400 and "service" in response.json()


def test_each_partner_is_rate_limited(partner_client, settings):
    partner_client.partner.requests_per_minute = 3
    partner_client.partner.save()
    codes = [partner_client.get("/api/v1/services/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_place_outside_the_council_is_a_400_naming_the_field(partner_client, settings):
    from tests.factories.places import load_directory

    settings.COUNCIL_AREA_CODES = ["E10000099"]
    load_directory()
    service = ServiceFactory(questions=QUESTIONS)

    response = partner_client.post(
        "/api/v1/enquiries/",
        enquiry(service, location={"postcode": "SW1A 1AA"}),
        format="json",
        HTTP_IDEMPOTENCY_KEY="outside-1",
    )

    assert response.status_code == 400
    assert response.json() == {
        "location": {"postcode": ["SW1A 1AA is not in Northmoor: contact Westminster City Council"]}
    }
    assert not Case.objects.exists()


def test_a_partner_case_is_placed_from_its_postcode(partner_client, settings):
    from tests.factories.places import load_directory

    settings.COUNCIL_AREA_CODES = ["E10000099"]
    load_directory()
    service = ServiceFactory(questions=QUESTIONS)

    response = partner_client.post(
        "/api/v1/enquiries/", enquiry(service), format="json", HTTP_IDEMPOTENCY_KEY="placed-1"
    )

    case = Case.objects.get(reference=response.json()["reference"])
    assert case.ward_name == "Ribbleton" and case.imd_decile == 1
