"""The tracking page of a finished case offers "This is not sorted" or "Send a message"."""

import uuid

import pytest

from enquiries import intake, services
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case

pytestmark = pytest.mark.django_db


def case_in(service, status=Status.RESOLVED) -> Case:
    case = intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body="Pothole by the bus stop."),
            resident=ResidentDetails(full_name="Siân Evans", email="sian@example.com"),
            summary="Pothole",
            service=service,
        )
    ).case
    services.route_case(case_id=case.pk)
    if status != Status.OPEN:
        services.case_transition(case=case, to=status, reason="Repaired")
    case.refresh_from_db()
    return case


def test_a_finished_case_offers_the_two_choices_and_an_open_one_does_not(client, pothole):
    finished = client.get(case_in(pothole).tracking_path()).content.decode()
    still_open = client.get(case_in(pothole, Status.OPEN).tracking_path()).content.decode()

    assert "This is not sorted" in finished and "Send a message" in finished
    assert 'type="radio"' in finished
    assert "This is not sorted" not in still_open


def test_this_is_not_sorted_reopens_with_the_reason(client, pothole):
    case = case_in(pothole)

    response = client.post(
        case.tracking_path(), {"reply_key": "k1", "kind": "not_sorted", "body": "Still a hole."}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.contacts.filter(body="Still a hole.").exists()
    assert "We have reopened it." in client.get(response.url).content.decode()


def test_a_thank_you_message_is_recorded_and_the_case_stays_resolved(client, pothole):
    case = case_in(pothole)

    client.post(
        case.tracking_path(),
        {"reply_key": "k2", "kind": "message", "body": "Thank you, that answers my question"},
    )

    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.contacts.filter(body="Thank you, that answers my question").exists()


def test_the_choice_and_a_reason_are_required(client, pothole):
    case = case_in(pothole)

    no_choice = client.post(case.tracking_path(), {"reply_key": "k3", "body": "Hello"})
    no_reason = client.post(case.tracking_path(), {"reply_key": "k4", "kind": "not_sorted"})

    assert no_choice.status_code == 400
    assert "Select whether your enquiry is not sorted" in no_choice.content.decode()
    assert no_reason.status_code == 400
    assert "Tell us what is not sorted" in no_reason.content.decode()
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.contacts.count() == 1


def test_a_message_on_an_open_case_is_a_chaser(client, pothole):
    case = case_in(pothole, Status.OPEN)

    client.post(case.tracking_path(), {"reply_key": "k5", "body": "Any news?"})

    assert case.contacts.get(body="Any news?").is_chaser
