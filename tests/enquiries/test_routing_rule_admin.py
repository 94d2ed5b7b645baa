"""Editing a routing rule in the admin: answer conditions are checked against its services."""

import pytest

from enquiries.models import RoutingRule
from tests.enquiries.staff import helpers
from tests.enquiries.staff.helpers import sign_in

pytestmark = pytest.mark.django_db
world = helpers.world

ADD = "/admin/enquiries/routingrule/add/"


def form(world, conditions: str) -> dict:
    return {
        "name": "Hurt on a pothole",
        "order": "5",
        "enabled": "on",
        "services": [world.pothole.pk],
        "answer_conditions": conditions,
        "channels": "[]",
        "resident_flags": "[]",
        "priority": "high",
    }


def test_an_answer_the_service_does_not_offer_is_refused(client, world):
    sign_in(client, world.admin)

    response = client.post(ADD, form(world, '{"accident_happened": "Perhaps"}'))

    assert response.status_code == 200
    assert "is not an answer to" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_a_valid_answer_condition_is_saved_without_warnings(client, world):
    sign_in(client, world.admin)

    response = client.post(ADD, form(world, '{"accident_happened": "Yes"}'), follow=True)

    rule = RoutingRule.objects.get()
    assert rule.answer_conditions == {"accident_happened": ["Yes"]}
    assert list(rule.services.all()) == [world.pothole]
    assert "choose the service too" not in response.content.decode()
