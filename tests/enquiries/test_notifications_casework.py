"""What the resident is told when staff ask a question, transfer or merge their case (issue 11):
the real rendered email, text message and tracking page."""

import pytest
from django.core import mail

from enquiries import services
from enquiries.choices import Direction, Status
from enquiries.models import Case, Contact, Notification
from enquiries.selectors import public_timeline
from tests.factories import DepartmentFactory, ServiceFactory, UserFactory, submit_web_case
from tests.integration.notify_stub import notify_configured, notify_stub
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db
QUESTION = "Which side of the road is the pothole on, and is it near a drain?"


@pytest.fixture
def highways():
    return DepartmentFactory(name="Highways")


@pytest.fixture
def case(highways):
    case = submit_web_case(service=ServiceFactory(department=highways), email="zoe@example.com")
    drain()
    case.refresh_from_db()
    return case


def test_a_request_for_information_emails_the_question(case):
    services.request_information(case=case, question=QUESTION, by=UserFactory())
    drain()
    case.refresh_from_db()
    assert case.status == Status.AWAITING_RESIDENT
    row = Notification.objects.get(case=case, kind="awaiting_resident")
    assert f"Our question: {QUESTION}" in row.body
    sent = [m for m in mail.outbox if m.to == ["zoe@example.com"]][-1]
    assert QUESTION in sent.body


def test_the_tracking_page_shows_the_question(client, case):
    services.request_information(case=case, question=QUESTION, by=UserFactory())
    page = client.get(case.tracking_path()).content.decode()
    assert "Our question: <strong" in page and QUESTION in page
    assert any(QUESTION in entry.text for entry in public_timeline(case))


def test_a_question_is_required():
    with pytest.raises(ValueError, match="Enter the question"):
        services.request_information(case=Case(), question="  \n ", by=None)


def test_a_text_message_carries_the_question_within_the_length_notify_allows(settings, highways):
    long_question = ("Is the hole wider than a dinner plate? " * 10)[:300]
    with notify_stub() as stub, notify_configured(settings, stub):
        case = submit_web_case(
            service=ServiceFactory(department=highways),
            phone="07700 900456",
            email="",
            preferred_channel="sms",
        )
        drain()
        services.request_information(case=case, question=QUESTION, by=UserFactory())
        drain()
        text = stub.received[-1].body["personalisation"]["body"]
        assert QUESTION in text and case.reference in text
        services.case_transition(case=case, to=Status.IN_PROGRESS)
        services.request_information(case=case, question=long_question, by=UserFactory())
        drain()
        text = stub.received[-1].body["personalisation"]["body"]
    assert stub.problems == []
    assert long_question[:100] in text
    assert len(text) <= 918  # Notify's limit for one text message


def test_a_transfer_tells_the_resident_which_team_has_it_now(case):
    waste = DepartmentFactory(name="Waste and Recycling")
    services.transfer(case=case, to_department=waste, reason="Fly-tipping", by=UserFactory())
    drain()
    row = Notification.objects.get(case=case, kind="transferred")
    assert "Waste and Recycling team" in row.subject
    assert "passed to the Waste and Recycling team" in row.body
    assert "Fly-tipping" not in row.body  # the internal reason stays internal
    assert any("Waste and Recycling team" in entry.text for entry in public_timeline(case))


def test_a_merged_cases_reporter_is_told_and_their_link_follows_the_survivor(client, highways):
    service = ServiceFactory(department=highways)
    survivor = submit_web_case(service=service, email="first@example.com", summary="Pothole A")
    duplicate = submit_web_case(service=service, email="second@example.com", summary="Hole B")
    drain()
    services.merge(duplicate=duplicate, into=survivor, by=UserFactory(), reason="Same hole")
    drain()
    told = Notification.objects.get(case=duplicate, kind="merged")
    assert told.resident.email == "second@example.com"
    assert survivor.reference in told.body
    assert duplicate.tracking_path() in told.body  # the link they have keeps working

    services.case_transition(case=survivor, to=Status.IN_PROGRESS, by=UserFactory())
    response = client.get(duplicate.tracking_path())
    assert response.status_code == 200
    page = response.content.decode()
    assert f"handled together with {survivor.reference}" in page
    assert "We are working on your enquiry." in page  # the survivor's progress
    assert "Hole B" in page and "Pothole A" not in page  # their own words, not the other's

    reply = client.post(duplicate.tracking_path(), {"reply_key": "k1", "body": "Still there."})
    assert reply.status_code == 302 and reply.url.startswith(duplicate.tracking_path())
    contact = Contact.objects.get(body="Still there.", direction=Direction.INBOUND)
    assert contact.case_id == survivor.pk
    assert contact.resident.email == "second@example.com"
