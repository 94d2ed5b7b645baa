"""Every case is placed: coordinates, ward, LSOA and deprivation from the postcode directory,
and a clear answer for a place outside the council's area (enquiries/places.py via intake)."""

import json
from decimal import Decimal

import pytest

from enquiries import intake, places
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, IntakeError, NewCase, ResidentDetails
from tests.factories import CaseFactory, ServiceFactory
from tests.factories.places import load_directory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def directory(settings):
    settings.COUNCIL_AREA_CODES = ["E10000099"]
    settings.COUNCIL_AREA_NAME = "Northmoor"
    settings.PLACES_BOUNDARY_GEOJSON = ""
    load_directory()


def report(*, postcode="", channel=Channel.WEB, service=None, latitude=None, longitude=None):
    return intake.submit(
        NewCase(
            idempotency_key=f"test:{postcode}:{channel}:{latitude}",
            contact=ContactDetails(channel=channel, body="A deep pothole."),
            resident=ResidentDetails(full_name="Zoë Kowalczyk", email="zoe@example.com"),
            summary="Pothole",
            description="A deep pothole.",
            service=service or ServiceFactory(is_location_based=True),
            address="Moor Road",
            postcode=postcode,
            latitude=latitude,
            longitude=longitude,
        )
    ).case


def test_a_postcode_places_the_case_with_ward_lsoa_and_deprivation():
    case = report(postcode="pr1 8xj")

    assert (case.latitude, case.longitude) == (Decimal("53.763200"), Decimal("-2.703100"))
    assert (case.ward_code, case.ward_name) == ("E05099001", "Ribbleton")
    assert case.lsoa_code == "E01099001"
    assert case.imd_decile == 1  # rank 1,200 of 32,844: the most deprived tenth
    assert case.place_note == ""


def test_a_pin_wins_over_the_postcode_centre():
    case = report(postcode="PR1 8XJ", latitude=Decimal("53.7641"), longitude=Decimal("-2.7052"))

    assert (case.latitude, case.longitude) == (Decimal("53.764100"), Decimal("-2.705200"))
    assert case.ward_name == "Ribbleton"


def test_a_terminated_postcode_still_resolves_with_a_note():
    case = report(postcode="PR2 9ZZ")

    assert case.ward_name == "Fishwick" and case.imd_decile == 5
    assert "terminated in 2019-06" in case.place_note


def test_an_unknown_postcode_is_kept_as_typed_and_flagged_for_staff():
    case = report(postcode="PR7 7ZZ")

    assert case.postcode == "PR7 7ZZ" and case.latitude is None
    assert case.place_note == "Postcode PR7 7ZZ is not in the postcode directory: check the place."


def test_a_place_outside_the_council_gets_a_clear_answer_naming_its_council():
    with pytest.raises(IntakeError) as caught:
        report(postcode="SW1A 1AA")

    assert caught.value.message_dict == {
        "postcode": ["SW1A 1AA is not in Northmoor: contact Westminster City Council"]
    }


def test_a_service_that_accepts_outside_addresses_takes_them_with_a_note():
    service = ServiceFactory(accepts_outside_area=True)

    case = report(postcode="SW1A 1AA", service=service)

    assert case.latitude == Decimal("51.501009")
    assert "not in Northmoor" in case.place_note


def test_an_email_about_an_outside_place_is_kept_and_flagged_never_refused():
    case = report(postcode="SW1A 1AA", channel=Channel.EMAIL)

    assert case.pk and "contact Westminster City Council" in case.place_note


def test_a_pin_outside_the_boundary_polygon_is_refused(settings, tmp_path):
    boundary = tmp_path / "northmoor.geojson"
    square = [[-3.2, 53.5], [-2.2, 53.5], [-2.2, 54.2], [-3.2, 54.2], [-3.2, 53.5]]
    boundary.write_text(json.dumps({"type": "Polygon", "coordinates": [square]}))
    settings.PLACES_BOUNDARY_GEOJSON = str(boundary)

    inside = report(latitude=Decimal("53.76"), longitude=Decimal("-2.70"))
    with pytest.raises(IntakeError) as caught:
        report(latitude=Decimal("51.50"), longitude=Decimal("-0.14"))

    assert inside.pk
    assert "not in Northmoor" in caught.value.message_dict["latitude"][0]


def test_a_latitude_without_a_longitude_is_refused_by_name():
    with pytest.raises(IntakeError) as caught:
        report(latitude=Decimal("53.76"))

    assert caught.value.message_dict == {
        "latitude": ["Give both a latitude and a longitude, or neither."]
    }


def test_nearby_finds_open_reports_of_the_service_within_the_radius_nearest_first():
    pothole = ServiceFactory(is_location_based=True, nearby_radius_metres=50)
    here = (53.763200, -2.703100)

    def at(metres_north, **kwargs):
        lat = Decimal(str(round(here[0] + metres_north / 111_195, 6)))
        return CaseFactory(service=pothole, latitude=lat, longitude=Decimal("-2.703100"), **kwargs)

    near, nearer = at(40), at(10)
    at(70)  # too far
    at(5, status=Status.CLOSED)
    CaseFactory(service=ServiceFactory(), latitude=Decimal("53.7632"), longitude=Decimal("-2.7031"))

    found = places.open_cases_near(service=pothole, latitude=here[0], longitude=here[1])

    assert [n.case for n in found] == [nearer, near]
    assert 9 < found[0].distance_m < 11


def test_deciles_follow_each_nations_own_ranking():
    assert places.imd_decile(1, "E01000001") == 1
    assert places.imd_decile(32_844, "E01000001") == 10
    assert places.imd_decile(1_909, "W01000001") == 10
    assert places.imd_decile(None, "E01000001") is None
    assert places.imd_decile(99_999, "E01000001") is None


def test_a_pin_alone_is_placed_from_the_nearest_live_postcode():
    case = report(latitude=Decimal("53.7634"), longitude=Decimal("-2.7029"))

    assert (case.ward_name, case.lsoa_code, case.imd_decile) == ("Ribbleton", "E01099001", 1)
    assert case.postcode == "" and case.place_note == ""


def test_a_pin_outside_the_county_is_answered_from_the_nearest_postcode_without_a_polygon():
    with pytest.raises(IntakeError) as caught:
        report(latitude=Decimal("51.5011"), longitude=Decimal("-0.1417"))

    assert caught.value.message_dict == {
        "latitude": [
            "The place marked on the map is not in Northmoor: contact Westminster City Council"
        ]
    }


def test_a_pin_far_from_any_postcode_is_kept_without_a_ward():
    case = report(latitude=Decimal("54.5"), longitude=Decimal("-3.5"))

    assert case.latitude == Decimal("54.500000") and case.ward_code == ""


def test_intake_looks_the_postcode_up_once_for_the_area_check_and_the_place_fields():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enquiries.models import PostcodeUnit

    service = ServiceFactory(is_location_based=True)
    table = PostcodeUnit._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        case = report(postcode="PR1 8XJ", service=service)

    lookups = [q["sql"] for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(lookups) == 1, lookups
    assert case.ward_code == "E05099001"


def test_a_new_record_from_intake_looks_for_matches_without_reading_pairs_it_cannot_have():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enquiries.models import PossibleMatch

    with CaptureQueriesContext(connection) as queries:
        report(postcode="PR1 8XJ")

    table = PossibleMatch._meta.db_table
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if f'FROM "{table}"' in sql]
