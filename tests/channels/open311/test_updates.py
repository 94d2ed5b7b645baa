"""The FixMyStreet servicerequestupdates extension, over real HTTP, both ways."""

import requests
import xmltodict

from enquiries.choices import Channel, Direction, EventKind, Status
from enquiries.models import Case, Contact
from enquiries.services import record_event
from tests.channels.open311.conftest import report
from tests.factories import ContactFactory


def filed(base, partner) -> Case:
    form = {"api_key": partner.token, **report()}
    reference = requests.post(f"{base}/requests.json", data=form, timeout=30).json()[0][
        "service_request_id"
    ]
    return Case.objects.get(reference=reference)


def test_a_front_end_reads_status_changes_and_council_replies(base, partner, potholes):
    case = filed(base, partner)
    record_event(
        case=case,
        kind=EventKind.STATUS,
        message="Moved to in progress",
        public="A crew is booked for Thursday.",
        from_status=Status.OPEN,
        to_status=Status.IN_PROGRESS,
    )
    ContactFactory(
        case=case, channel=Channel.EMAIL, direction=Direction.OUTBOUND, body="Filled this morning."
    )
    ContactFactory(case=case, direction=Direction.OUTBOUND, body="Internal", is_public=False)
    response = requests.get(
        f"{base}/servicerequestupdates.xml",
        params={"api_key": partner.token, "jurisdiction_id": "northmoor.gov.uk"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    updates = xmltodict.parse(response.content)["service_request_updates"]["request_update"]
    assert [(u["service_request_id"], u["status"], u["description"]) for u in updates] == [
        (case.reference, "IN_PROGRESS", "A crew is booked for Thursday."),
        (case.reference, "OPEN", "Filled this morning."),
    ]
    assert all(u["updated_datetime"][-6] in "+-" for u in updates)


def test_updates_show_only_the_partners_own_cases(base, partner, potholes):
    from enquiries.api.partners import issue_token

    case = filed(base, partner)
    ContactFactory(case=case, direction=Direction.OUTBOUND, body="Filled.")
    _, other_token = issue_token(name="Another partner")
    theirs = requests.get(
        f"{base}/servicerequestupdates.json", params={"api_key": other_token}, timeout=30
    )
    assert theirs.json() == []
    anonymous = requests.get(f"{base}/servicerequestupdates.json", timeout=30)
    assert anonymous.status_code == 403


def test_a_front_end_posts_a_comment_once(base, partner, potholes):
    case = filed(base, partner)
    form = {
        "api_key": partner.token,
        "service_request_id": case.reference,
        "update_id": "fms-update-7",
        "description": "Still there and getting bigger.",
        "status": "OPEN",
        "first_name": "Aoife",
        "email": "aoife@example.com",
        "updated_datetime": "2026-11-25T10:00:00Z",
    }
    first = requests.post(f"{base}/servicerequestupdates.json", data=form, timeout=30)
    again = requests.post(f"{base}/servicerequestupdates.json", data=form, timeout=30)
    assert (first.status_code, again.status_code) == (201, 200), first.text
    assert first.json() == again.json()
    comments = Contact.objects.filter(case=case, body__startswith="Still there")
    assert comments.count() == 1
    assert comments.get().channel == Channel.API


def test_a_comment_on_someone_elses_case_is_refused(base, partner, potholes):
    from enquiries.api.partners import issue_token

    case = filed(base, partner)
    _, other_token = issue_token(name="Another partner")
    form = {
        "api_key": other_token,
        "service_request_id": case.reference,
        "update_id": "x1",
        "description": "Hello",
    }
    refused = requests.post(f"{base}/servicerequestupdates.xml", data=form, timeout=30)
    assert refused.status_code == 404
    assert xmltodict.parse(refused.content)["errors"]["error"]["code"] == "404"
    missing = requests.post(
        f"{base}/servicerequestupdates.json",
        data={**form, "api_key": partner.token, "description": ""},
        timeout=30,
    )
    assert missing.status_code == 400 and "description" in missing.json()[0]["description"]
