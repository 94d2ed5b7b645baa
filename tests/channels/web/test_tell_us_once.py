"""Tell us once: before a report about a place, offer the open reports nearby to join."""

import pytest

from enquiries.choices import Status
from enquiries.models import Case, CaseSubscription, Resident
from tests.channels.web.conftest import CONTACT
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(pothole):
    return CaseFactory(
        service=pothole,
        address="Ribble Lane",
        postcode="PR1 8XJ",
        postcode_district="PR1",
        status=Status.OPEN,
        description="Private details of the first reporter",
    )


def test_open_reports_nearby_are_offered_before_anything_else(walker, known):
    walker.start()
    response = walker.post("where", {"address": "", "postcode": "PR1 3AA"})
    assert response.url == walker.url("nearby")
    page = walker.get("nearby").content.decode()
    assert "Ribble Lane: reported" in page
    assert "Private details" not in page
    assert known.resident.full_name not in page


def test_closed_reports_and_other_districts_are_not_offered(walker, pothole):
    CaseFactory(service=pothole, postcode_district="PR1", status=Status.CLOSED)
    CaseFactory(service=pothole, postcode_district="PR2", status=Status.OPEN)
    walker.start()
    response = walker.post("where", {"address": "", "postcode": "PR1 3AA"})
    assert response.url == walker.url("q-location_detail")


def test_joining_a_known_report_subscribes_instead_of_opening_a_case(walker, known):
    walker.start()
    walker.post("where", {"address": "Ribble Lane", "postcode": "PR1 3AA"})
    response = walker.post("nearby", {"follow": str(known.pk)})
    assert response.url == walker.url("contact")
    walker.post("contact", CONTACT)
    check = walker.get("check").content.decode()
    assert "Report you are joining" in check

    response = walker.submit()

    assert response.status_code == 302
    assert Case.objects.count() == 1
    follower = Resident.objects.get(email="sian@example.com")
    assert CaseSubscription.objects.filter(case=known, resident=follower).exists()
    sent = walker.client.get(response.url).content.decode()
    assert "You have been added to the report" in sent
    assert known.tracking_path() not in sent


def test_a_different_problem_continues_to_a_new_report(walker, known):
    walker.start()
    walker.post("where", {"address": "", "postcode": "PR1 3AA"})
    response = walker.post("nearby", {"follow": "new"})
    assert response.url == walker.url("q-location_detail")


def test_joining_needs_a_way_to_send_updates(walker, known):
    walker.start()
    walker.post("where", {"address": "", "postcode": "PR1 3AA"})
    walker.post("nearby", {"follow": str(known.pk)})
    response = walker.post("contact", {**CONTACT, "updates": "none"})
    assert response.status_code == 400
