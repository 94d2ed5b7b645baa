"""Updates, text messages and Find my enquiry reach only the details given on the case (issue 9):
people who type someone else's email or phone get nothing of theirs, and vice versa."""

import uuid

import pytest
from django.core import mail

from enquiries import intake, services
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Case, Notification
from enquiries.notifications import contact_fingerprint, recipients
from enquiries.tasks import send_tracking_link
from tests.factories import ServiceFactory
from tests.integration.notify_stub import notify_configured, notify_stub
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db

ALICE_EMAIL, ALICE_PHONE = "alice@example.com", "+447700900111"
STRANGER_EMAIL, STRANGER_PHONE = "mallory@example.com", "+447700900666"


@pytest.fixture
def stub(settings):
    with notify_stub() as stub, notify_configured(settings, stub):
        yield stub


def file_case(service, **resident) -> Case:
    return intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body="Deep pothole."),
            resident=ResidentDetails(**resident),
            summary="Pothole on Moor Road",
            service=service,
        )
    ).case


def given(case: Case, email: str, phone: str) -> None:
    case.given = {email.lower(), phone} - {""}


def test_every_update_goes_only_to_the_details_given_on_its_case(stub):
    service = ServiceFactory()
    alice = file_case(service, email=ALICE_EMAIL, phone=ALICE_PHONE, preferred_channel="sms")
    given(alice, ALICE_EMAIL, ALICE_PHONE)
    # strangers typing Alice's email or phone next to their own details
    with_email = file_case(
        service, email=ALICE_EMAIL, phone=STRANGER_PHONE, preferred_channel="sms"
    )
    given(with_email, ALICE_EMAIL, STRANGER_PHONE)
    with_phone = file_case(service, email=STRANGER_EMAIL, phone=ALICE_PHONE)
    given(with_phone, STRANGER_EMAIL, ALICE_PHONE)
    cases = [alice, with_email, with_phone]
    drain()
    for case in cases:
        services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()

    for case in cases:
        assert [r.pk for r in recipients(case)] == [case.resident_id]
        rows = Notification.objects.filter(case=case).exclude(state="suppressed")
        assert rows.exists()
        assert {row.to_address.lower() for row in rows} <= case.given, case.summary
    to_alices_phone = Notification.objects.filter(to_address=ALICE_PHONE)
    assert {row.case_id for row in to_alices_phone} == {alice.pk}
    assert len([r for r in stub.delivered if r.body["phone_number"] == ALICE_PHONE]) == len(
        to_alices_phone
    )
    assert {m.to[0] for m in mail.outbox} == {STRANGER_EMAIL}


def test_find_my_enquiry_answers_only_the_details_given_on_that_case(stub):
    service = ServiceFactory()
    alice = file_case(service, email=ALICE_EMAIL, phone=ALICE_PHONE)
    file_case(service, email=ALICE_EMAIL, phone=STRANGER_PHONE)
    file_case(service, email=STRANGER_EMAIL, phone=ALICE_PHONE)
    drain()
    mail.outbox.clear()
    sent_before = len(stub.delivered)
    for detail in (STRANGER_EMAIL, STRANGER_PHONE):
        send_tracking_link(reference=alice.reference, fingerprint=contact_fingerprint(detail))
    assert mail.outbox == [] and len(stub.delivered) == sent_before

    send_tracking_link(reference=alice.reference, fingerprint=contact_fingerprint(ALICE_PHONE))
    (text,) = stub.delivered[sent_before:]
    assert text.body["phone_number"] == ALICE_PHONE
    alice.refresh_from_db()  # Find my enquiry re-issues the link: the fresh one is sent
    assert alice.tracking_path() in text.body["personalisation"]["body"]
