"""The number of SQL queries per journey page and per tracking-page view is fixed: it does not
grow with the size of the case (its contacts, events and files)."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enquiries import intake
from enquiries.choices import Channel
from enquiries.intake import ContactDetails
from enquiries.models import CaseEvent
from tests.channels.web.conftest import Walker, upload, walk_pothole
from tests.channels.web.test_tracking import file_case

pytestmark = pytest.mark.django_db

JOURNEY_BUDGET = 8  # session read and write, the service, the page's own reads
TRACKING_BUDGET = 4  # the case (with service), events, contacts


def count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def journey_counts(client, pothole, files: int) -> dict[str, int]:
    walker = Walker(client, pothole)
    walk_pothole(walker, files=[upload(f"p{i}.png") for i in range(files)])
    counts = {}
    for step in ["where", "q-location_detail", "q-depth", "describe", "files", "contact", "check"]:
        counts[f"GET {step}"] = count(lambda step=step: walker.get(step))
    counts["POST describe"] = count(lambda: walker.post("describe", {"description": "Deep."}))
    return counts


def test_journey_pages_have_a_fixed_query_count(client, pothole):
    one = journey_counts(client, pothole, files=1)
    client.cookies.clear()
    five = journey_counts(client, pothole, files=5)

    assert one == five
    assert max(one.values()) <= JOURNEY_BUDGET, one


def grow(case, contacts: int) -> None:
    for n in range(contacts):
        intake.add_contact(
            case=case,
            idempotency_key=f"grow:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body=f"Message {n}"),
        )
        CaseEvent.objects.create(case=case, kind="note", message="internal", public_message="")


def test_the_tracking_page_has_a_fixed_query_count(client, pothole):
    small = file_case(pothole)
    large = file_case(pothole, email="big@example.com")
    grow(large, 30)

    small_count = count(lambda: client.get(small.tracking_path()))
    large_count = count(lambda: client.get(large.tracking_path()))

    assert small_count == large_count <= TRACKING_BUDGET


def test_the_case_creating_post_has_a_fixed_query_count(client, pothole):
    counts = {}
    for files in (1, 3):
        walker = Walker(client, pothole)
        walk_pothole(
            walker,
            files=[upload(f"p{i}.png") for i in range(files)],
            contact={"email": f"new{files}@example.com", "phone": ""},
        )
        counts[files] = count(walker.submit)
    assert counts[3] - counts[1] == 2  # one row per extra attachment, nothing else grows
