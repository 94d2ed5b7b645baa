"""A partner enquiry without a service goes in with none and routing places it, as an email's
is placed: keyword rules first, then the learning router (through enquiries' automation hooks)."""

import pytest
import requests
from rest_framework.test import APIClient

from enquiries.api.partners import issue_token
from enquiries.choices import Channel, EventKind
from enquiries.models import Case, OutboxTask
from router.models import Classification
from router.training import train_router
from tests.factories import DepartmentFactory, RoutingRuleFactory, ServiceFactory
from tests.integration.outbox_runner import drain
from tests.router.helpers import finished_cases, topic_services

LIGHT = "The street light outside 12 Ribble Lane has been out for a week, it is very dark."


def without_service(**overrides):
    body = {
        "summary": "Street light out",
        "description": LIGHT,
        "resident": {"full_name": "Aoife Ní Bhriain", "email": "aoife@example.com"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def trained(db):
    services = topic_services()
    DepartmentFactory(name="Triage", slug="triage", is_triage=True)
    finished_cases(services, 400, seed=7)
    train_router()
    return services


@pytest.fixture
def partner_client(db):
    partner, token = issue_token(name="Northmoor Housing Trust", contact_email="cases@nht.example")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.partner = partner
    return client


@pytest.mark.django_db
def test_an_enquiry_without_a_service_is_classified_and_routed_with_the_reason(
    trained, partner_client
):
    response = partner_client.post(
        "/api/v1/enquiries/", without_service(), format="json", HTTP_IDEMPOTENCY_KEY="light-1"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["service"] is None
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.channel == Channel.API and case.service is None
    assert OutboxTask.objects.filter(task_name="enquiries.tasks.route_case").count() == 1

    drain()
    case.refresh_from_db()
    street_lights = trained["report-a-street-light-fault"]
    assert case.service == street_lights
    assert case.department == street_lights.department
    routed = case.events.get(kind=EventKind.ROUTED).message
    assert routed.startswith("No rule matched: classified as Report a street light fault, 0.")
    assert Classification.objects.get(case=case).applied is True
    detail = partner_client.get(f"/api/v1/enquiries/{case.reference}/").json()
    assert detail["service"] == "report-a-street-light-fault"


@pytest.mark.django_db
def test_a_keyword_rule_still_wins_for_a_partner_enquiry_without_a_service(trained, partner_client):
    lighting = DepartmentFactory(name="Lighting contractor", slug="lighting-contractor")
    RoutingRuleFactory(name="Lights", keywords_any="street light", department=lighting)
    response = partner_client.post(
        "/api/v1/enquiries/", without_service(), format="json", HTTP_IDEMPOTENCY_KEY="light-2"
    )
    assert response.status_code == 201, response.json()
    drain()
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.department == lighting and case.service is None
    assert not Classification.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("service", ["", None])
def test_a_blank_or_null_service_means_none(partner_client, service):
    response = partner_client.post(
        "/api/v1/enquiries/",
        without_service(service=service),
        format="json",
        HTTP_IDEMPOTENCY_KEY=f"blank-{service!r}",
    )
    assert response.status_code == 201, response.json()
    assert Case.objects.get(reference=response.json()["reference"]).service is None


@pytest.mark.django_db
def test_answers_without_a_service_are_a_specific_400(partner_client):
    response = partner_client.post(
        "/api/v1/enquiries/",
        without_service(answers={"depth": "Deep"}),
        format="json",
        HTTP_IDEMPOTENCY_KEY="answers-1",
    )
    assert response.status_code == 400
    assert "only with a service" in response.json()["answers"][0]
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_over_http_an_enquiry_without_a_service_is_placed_by_the_router(live_server, trained):
    _partner, token = issue_token(name="Moor Police", contact_email="desk@police.example")
    response = requests.post(
        f"{live_server.url}/api/v1/enquiries/",
        json=without_service(),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "http-light-1"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:300]
    assert response.json()["service"] is None
    drain()
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.service == trained["report-a-street-light-fault"]
    again = requests.get(
        f"{live_server.url}/api/v1/enquiries/{case.reference}/",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert again.json()["service"] == "report-a-street-light-fault"
    assert again.json()["department"] == "Report a street light fault team"


@pytest.mark.django_db
def test_a_partner_limited_to_some_services_must_name_one(partner_client):
    """Routing could place an unnamed enquiry in a service the partner is not open to."""
    lights = ServiceFactory(name="Street lights", slug="street-lights")
    ServiceFactory(name="Adult social care", slug="adult-social-care")
    partner_client.partner.allowed_services.add(lights)
    response = partner_client.post(
        "/api/v1/enquiries/", without_service(), format="json", HTTP_IDEMPOTENCY_KEY="limited-1"
    )
    assert response.status_code == 400
    assert response.json()["service"] == ["Name the service: yours are street-lights."]
    assert not Case.objects.exists()
