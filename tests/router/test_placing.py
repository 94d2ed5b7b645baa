"""Routing a case that arrived without a service: confident -> routed with the reason; not
confident -> Triage with three one-click suggestions; keyword rules first."""

import pytest
from django.urls import reverse

from enquiries import services as case_services
from enquiries.choices import EventKind
from enquiries.models import Department
from router.models import Classification, RouterModel
from router.training import train_router
from tests.enquiries.staff.helpers import sign_in
from tests.factories import DepartmentFactory, RoutingRuleFactory, UserFactory
from tests.router.helpers import email_case, finished_cases, topic_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def trained(db):
    services = topic_services()
    DepartmentFactory(name="Triage", slug="triage", is_triage=True)
    finished_cases(services, 400, seed=7)
    model = train_router()
    assert model.state == RouterModel.State.ACTIVE
    return services


def routed(case):
    return case.events.get(kind=EventKind.ROUTED)


def test_a_confident_classification_routes_the_case_and_says_why(trained):
    case = email_case("Hello, the street light is out on Ribble Lane. Thanks.")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    street_lights = trained["report-a-street-light-fault"]
    assert case.service == street_lights
    assert case.department == street_lights.department
    message = routed(case).message
    assert message.startswith("No rule matched: classified as Report a street light fault, 0.")
    assert Classification.objects.get(case=case).applied is True


def test_below_the_threshold_triage_sees_the_top_three(trained, settings, client):
    RouterModel.objects.update(thresholds={})
    settings.ROUTER_DEFAULT_THRESHOLD = 0.999
    case = email_case("There is a problem near the school, can someone help?")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.service is None
    assert case.department.slug == "triage"
    assert "Triage sees its top three suggestions" in routed(case).message
    suggestions = Classification.objects.get(case=case).suggestions
    assert len(suggestions) == 3

    outsider = UserFactory(groups=["caseworker"])
    trained["missed-bin-collection"].department.members.add(outsider)
    sign_in(client, outsider)
    url = reverse("router:choose_service", args=[case.reference])
    assert client.post(url, {"service": suggestions[0]["service"]}).status_code == 404

    officer = UserFactory(groups=["caseworker"])
    case.department.members.add(officer)
    sign_in(client, officer)
    page = client.get(reverse("staff:case", args=[case.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Suggested services" in html
    for suggestion in suggestions:
        assert suggestion["name"] in html

    choice = suggestions[1]
    response = client.post(url, {"service": choice["service"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.service.slug == choice["service"]
    assert case.department == trained[choice["service"]].department
    assert Classification.objects.get(case=case).chosen_by == officer


def test_a_keyword_rule_wins_over_the_router(trained):
    lighting = DepartmentFactory(name="Lighting contractor", slug="lighting-contractor")
    RoutingRuleFactory(
        name="Lights to contractor", keywords_any="street light", department=lighting
    )
    case = email_case("Hello, the street light is out on Ribble Lane. Thanks.")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.department == lighting
    assert case.service is None
    assert not Classification.objects.filter(case=case).exists()


def test_without_a_trained_model_cases_go_to_triage_as_before(db):
    Department.objects.get_or_create(slug="triage", defaults={"name": "Triage", "is_triage": True})
    case = email_case("the street light is out")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.department.slug == "triage"
    assert routed(case).message == "No rule matched and no service: sent to the triage queue"


def test_a_residents_description_on_the_search_page_suggests_services(trained, client):
    page = client.get("/search/", {"q": "the lamp post outside my house is dark at night"})
    html = page.content.decode()
    assert "Services that may fit what you described" in html
    assert 'href="/services/report-a-street-light-fault/"' in html


def test_a_broken_model_leaves_the_case_with_triage(trained):
    RouterModel.objects.filter(state="active").update(weights=b"not a model")
    from router import training

    training._loaded.clear()
    case = email_case("Hello, the street light is out on Ribble Lane. Thanks.")
    case_services.route_case(case_id=case.pk)
    case.refresh_from_db()
    assert case.department.slug == "triage"
    assert case.service is None
