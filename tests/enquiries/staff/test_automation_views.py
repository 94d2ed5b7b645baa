"""Managers see per-rule matches, misroutes and chasers; staff correct a chaser flag (logged)."""

import pytest
from django.urls import reverse

from enquiries.choices import Channel, Direction
from enquiries.models import AccessLog, CaseEvent
from tests.factories import ContactFactory, RoutingRuleFactory

pytestmark = pytest.mark.django_db

STATS = reverse("staff:routing_stats")


def test_managers_see_the_routing_page_linked_from_home(signed_in, world):
    RoutingRuleFactory(name="Dangerous potholes")
    world.highways_case.routing_rule = RoutingRuleFactory(name="Potholes to highways")
    world.highways_case.transfer_count = 1
    world.highways_case.save()
    ContactFactory(case=world.highways_case, is_chaser=True)
    client = signed_in(world.manager)

    assert STATS.encode() in client.get(reverse("staff:home")).content
    page = client.get(STATS).content.decode()

    assert "Potholes to highways" in page and "Dangerous potholes" in page
    assert "100%" in page  # its one case was transferred
    assert "Report a pothole" in page  # chasers per service


@pytest.mark.parametrize("who", ["highways_officer", "agent"])
def test_others_are_not_shown_the_page(signed_in, world, who):
    client = signed_in(getattr(world, who))

    assert STATS.encode() not in client.get(reverse("staff:home")).content
    assert client.get(STATS).status_code == 404
    assert AccessLog.objects.filter(action="denied:routing_stats").exists()


def test_the_case_page_counts_chasers_and_staff_correct_one(signed_in, world):
    case = world.highways_case
    chaser = ContactFactory(case=case, is_chaser=True, channel=Channel.PHONE)
    ContactFactory(case=case, direction=Direction.OUTBOUND, body="We are on it")
    client = signed_in(world.highways_officer)

    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "The resident chased this case 1 time." in page

    url = reverse("staff:case_chaser", args=[case.reference, chaser.pk])
    assert client.post(url, {"is_chaser": "0"}).status_code == 302

    chaser.refresh_from_db()
    assert not chaser.is_chaser
    assert CaseEvent.objects.filter(case=case, data__corrected=True).count() == 1
    page = client.get(reverse("staff:case", args=[case.reference])).content.decode()
    assert "The resident has not chased this case." in page


def test_someone_who_cannot_see_the_case_cannot_correct_it(signed_in, world):
    chaser = ContactFactory(case=world.highways_case, is_chaser=True)
    client = signed_in(world.waste_officer)

    url = reverse("staff:case_chaser", args=[world.highways_case.reference, chaser.pk])
    assert client.post(url, {"is_chaser": "0"}).status_code == 404
    chaser.refresh_from_db()
    assert chaser.is_chaser
