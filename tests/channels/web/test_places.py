"""Where is the problem: the boundary answer before anything is written, pins, and "tell us
once" by distance (within the service's radius, not the whole postcode district)."""

from decimal import Decimal

import pytest

from enquiries.choices import Status
from enquiries.models import Case
from tests.channels.web.conftest import walk_pothole
from tests.factories import CaseFactory, ServiceFactory
from tests.factories.places import load_directory

pytestmark = pytest.mark.django_db

PR1_8XJ = (Decimal("53.763200"), Decimal("-2.703100"))


@pytest.fixture(autouse=True)
def directory(settings):
    settings.COUNCIL_AREA_CODES = ["E10000099"]
    settings.COUNCIL_AREA_NAME = "Northmoor"
    load_directory()


def metres_north(point, metres):
    return Decimal(str(round(float(point[0]) + metres / 111_195, 6))), point[1]


def test_a_postcode_outside_the_county_is_answered_at_the_where_step(walker):
    walker.start()

    response = walker.post("where", {"address": "Buckingham Palace", "postcode": "SW1A 1AA"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "SW1A 1AA is not in Northmoor: contact Westminster City Council" in page
    assert walker.client.session["web_journeys"][walker.service.slug]["where"]["postcode"] == ""


def test_a_service_for_people_moving_in_accepts_an_outside_address(client):
    from tests.channels.web.conftest import Walker

    badge = ServiceFactory(
        slug="blue-badge-moving", is_location_based=True, accepts_outside_area=True
    )
    walker = Walker(client, badge)
    walker.start()

    response = walker.post("where", {"address": "", "postcode": "SW1A 1AA"})

    assert response.status_code == 302


def test_a_dropped_pin_is_stored_on_the_case(walker):
    pin = ("53.764100", "-2.705200")
    walk_pothole(walker, where={"latitude": pin[0], "longitude": pin[1]})

    assert "Marked on the map" in walker.get("check").content.decode()
    walker.submit()

    case = Case.objects.get()
    assert (str(case.latitude), str(case.longitude)) == pin
    assert case.ward_name == "Ribbleton"


def test_a_pin_alone_is_enough_for_where(walker):
    walker.start()

    response = walker.post(
        "where", {"address": "", "postcode": "", "latitude": "53.7641", "longitude": "-2.7052"}
    )

    assert response.status_code == 302


def test_without_the_map_the_postcode_places_the_case(walker):
    walk_pothole(walker)
    walker.submit()

    case = Case.objects.get()
    assert (case.latitude, case.longitude) == PR1_8XJ and case.imd_decile == 1


def test_tell_us_once_offers_only_reports_within_the_services_radius(walker, pothole):
    pothole.nearby_radius_metres = 50
    pothole.save()
    lat, lon = metres_north(PR1_8XJ, 30)
    near = CaseFactory(
        service=pothole, address="Ribble Lane", status=Status.OPEN, latitude=lat, longitude=lon
    )
    lat, lon = metres_north(PR1_8XJ, 400)
    CaseFactory(
        service=pothole, address="Far Lane", status=Status.OPEN, latitude=lat, longitude=lon
    )

    walker.start()
    response = walker.post("where", {"address": "", "postcode": "PR1 8XJ"})

    assert response.url == walker.url("nearby")
    page = walker.get("nearby").content.decode()
    assert "Ribble Lane: reported" in page and "Far Lane" not in page
    assert f'value="{near.pk}"' in page
    assert "place-map-config" in page  # the pins for the map


def test_the_same_postcode_district_far_away_is_not_offered(walker, pothole):
    lat, lon = metres_north(PR1_8XJ, 2_000)  # still PR1, two kilometres away
    CaseFactory(
        service=pothole, postcode="PR1 1AA", status=Status.OPEN, latitude=lat, longitude=lon
    )

    walker.start()
    response = walker.post("where", {"address": "", "postcode": "PR1 8XJ"})

    assert response.url == walker.url("q-location_detail")


def test_the_nearby_list_shows_the_reports_choices_never_its_description(walker, pothole):
    CaseFactory(
        service=pothole,
        address="Ribble Lane",
        status=Status.OPEN,
        latitude=PR1_8XJ[0],
        longitude=PR1_8XJ[1],
        answers={"depth": "Deeper than 4cm", "on_bus_route": True, "location_detail": "By no. 4"},
        description="Outside Mrs Patel's house at number 4.",
    )
    walker.start()
    walker.post("where", {"address": "", "postcode": "PR1 8XJ"})

    page = walker.get("nearby").content.decode()

    assert "How deep is it: Deeper than 4cm; Is it on a bus route: yes" in page
    assert "Patel" not in page and "By no. 4" not in page


def test_the_postcode_search_answers_where_a_postcode_is(client):
    found = client.get("/places/postcode/", {"postcode": "pr1 8xj"})
    outside = client.get("/places/postcode/", {"postcode": "SW1A 1AA"})
    unknown = client.get("/places/postcode/", {"postcode": "PR7 7ZZ"})

    assert found.json() == {"postcode": "PR1 8XJ", "latitude": 53.7632, "longitude": -2.7031}
    assert (
        outside.json()["outside"]
        == "SW1A 1AA is not in Northmoor: contact Westminster City Council"
    )
    assert unknown.status_code == 404
