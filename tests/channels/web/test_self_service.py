"""Simple queries: the standard answer first, and "Did this answer your question?" counted."""

import pytest
from django.urls import reverse

from enquiries.models import Case, SelfServiceOutcome
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def simple(db):
    return ServiceFactory(
        slug="recycling-centre-hours",
        is_simple_query=True,
        standard_answer="Recycling centres open 8am to 6pm every day.",
    )


def test_the_standard_answer_comes_before_the_form(client, simple):
    page = client.get(simple.get_absolute_url()).content.decode()
    assert "Recycling centres open 8am to 6pm every day." in page
    assert "Did this answer your question?" in page
    assert reverse("web:start", args=[simple.slug]) not in page


def test_yes_records_a_self_service_resolution_and_no_case(client, simple):
    response = client.post(reverse("web:self_service", args=[simple.slug]), {"answered": "yes"})
    assert response.status_code == 200
    assert "We are glad that helped" in response.content.decode()
    assert SelfServiceOutcome.objects.get().answered is True
    assert not Case.objects.exists()


def test_no_is_counted_and_continues_to_the_form(client, simple):
    response = client.post(reverse("web:self_service", args=[simple.slug]), {"answered": "no"})
    assert response.status_code == 302
    assert response.url == reverse("web:start", args=[simple.slug])
    assert SelfServiceOutcome.objects.get().answered is False


def test_each_visit_is_counted_once(client, simple):
    url = reverse("web:self_service", args=[simple.slug])
    client.post(url, {"answered": "no"})
    client.post(url, {"answered": "no"})
    assert SelfServiceOutcome.objects.count() == 1


def test_no_answer_is_an_error(client, simple):
    response = client.post(reverse("web:self_service", args=[simple.slug]), {})
    assert response.status_code == 400
    assert "Select yes if this answered your question" in response.content.decode()
