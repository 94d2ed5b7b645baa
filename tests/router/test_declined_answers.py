"""Never send an answer the resident has already said did not help (issue 11, issue 16)."""

import pytest
from django.core import mail
from django.urls import reverse

from enquiries.models import Case, Notification
from tests.channels.web.conftest import CONTACT, Walker
from tests.factories import RoutingRuleFactory, ServiceFactory
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db

ANSWER = "Library membership is free: bring proof of address to any library."


@pytest.fixture
def library(db):
    service = ServiceFactory(
        name="Join the library",
        slug="library-membership",
        is_simple_query=True,
        standard_answer=ANSWER,
    )
    rule = RoutingRuleFactory(
        name="Library membership question: standard answer",
        auto_resolve=True,
        standard_answer=ANSWER,
    )
    rule.services.add(service)
    return service


def walk_library(client, service) -> Case:
    walker = Walker(client, service)
    walker.start()
    for step, data in [
        ("describe", {"description": "How do I join? I read the page and it did not help."}),
        ("files", {"action": "continue"}),
        ("where", {"address": "1 Church St, Northmoor", "postcode": "PR1 8XJ"}),
        ("contact", CONTACT),
    ]:
        assert walker.post(step, data).status_code == 302, step
    assert walker.submit().status_code == 302
    return Case.objects.get()


def test_no_that_did_not_help_means_the_same_answer_is_never_emailed(client, library):
    response = client.post(reverse("web:self_service", args=[library.slug]), {"answered": "no"})
    assert response.status_code == 302
    case = walk_library(client, library)

    drain()

    assert not Notification.objects.filter(case=case, kind="auto_answer").exists()
    assert all(ANSWER not in message.body for message in mail.outbox)
    case.refresh_from_db()
    assert case.is_open  # in front of a person, not resolved by the answer they refused
    assert "already said" in case.events.filter(kind="routed").get().message


def test_without_a_no_the_rule_still_answers_automatically(client, library):
    case = walk_library(client, library)
    drain()
    assert Notification.objects.filter(case=case, kind="auto_answer").exists()
