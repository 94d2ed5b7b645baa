"""Staff places: the case page shows where a case is (ward, neighbourhood, deprivation, a small
map, a note when the place needs checking); the worklist map shows a queue's open cases as pins,
filtered like the list, clustered past a few hundred, and never cases out of the user's reach."""

import json
import re

from django.urls import reverse

from enquiries import places
from enquiries.choices import Priority, Status
from tests.enquiries.staff.helpers import open_case


def map_config(response) -> dict:
    found = re.search(
        r'<script id="place-map-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert found, "no map on the page"
    return json.loads(found.group(1))


def test_the_case_page_shows_the_place_and_a_small_map(signed_in, world):
    case = world.highways_case
    case.latitude, case.longitude = "53.763200", "-2.703100"
    case.ward_code, case.ward_name = "E05099001", "Ribbleton"
    case.lsoa_code, case.imd_decile = "E01099001", 1
    case.place_note = "Postcode PR2 9ZZ was terminated in 2019-06; placed where it was."
    case.save()

    response = signed_in(world.highways_officer).get(reverse("staff:case", args=[case.reference]))

    page = response.content.decode()
    assert "Ribbleton" in page and "deprivation decile 1 of 10" in page
    assert "Check the place" in page and "terminated in 2019-06" in page
    pins = map_config(response)["reports"]
    assert pins == [
        {"id": case.pk, "lat": 53.7632, "lng": -2.7031, "label": f"Case {case.reference}"}
    ]


def test_a_case_without_a_place_has_no_map(signed_in, world):
    response = signed_in(world.highways_officer).get(
        reverse("staff:case", args=[world.highways_case.reference])
    )

    assert 'id="place-map-config"' not in response.content.decode()


def test_the_worklist_map_shows_the_queues_open_placed_cases_filtered(signed_in, world):
    urgent = open_case(world.pothole, priority=Priority.URGENT, latitude="53.76", longitude="-2.70")
    open_case(world.pothole, priority=Priority.NORMAL, latitude="53.77", longitude="-2.71")
    open_case(
        world.pothole,
        priority=Priority.URGENT,
        status=Status.CLOSED,
        latitude="53.7",
        longitude="-2.7",
    )
    open_case(world.bins, priority=Priority.URGENT, latitude="53.75", longitude="-2.69")  # Waste

    response = signed_in(world.highways_officer).get(
        reverse("staff:worklist"), {"queue": "highways", "priority": "urgent", "view": "map"}
    )

    config = map_config(response)
    assert [pin["id"] for pin in config["reports"]] == [urgent.pk]
    assert config["reports"][0]["url"] == reverse("staff:case", args=[urgent.reference])
    assert config["cluster"] is False
    assert "Show as a list" in response.content.decode()


def test_the_worklist_map_clusters_past_a_few_hundred_pins(signed_in, world, monkeypatch):
    monkeypatch.setattr(places, "CLUSTER_OVER", 2)
    for n in range(3):
        open_case(world.pothole, latitude=f"53.76{n}", longitude="-2.70")

    response = signed_in(world.highways_officer).get(
        reverse("staff:worklist"), {"queue": "highways", "view": "map"}
    )

    assert map_config(response)["cluster"] is True
    assert "leaflet.markercluster.js" in response.content.decode()
