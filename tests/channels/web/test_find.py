"""Find my enquiry: the same answer whether or not the reference exists; the link goes only to a
detail that matches the case's resident or a follower."""

import pytest
from django.core import mail
from django.urls import reverse

from enquiries import services
from enquiries.models import OutboxTask
from enquiries.notifications import contact_fingerprint
from enquiries.references import generate_reference
from enquiries.tasks import send_tracking_link
from tests.channels.web.test_tracking import file_case
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def find(client, reference, contact):
    return client.post(reverse("web:find"), {"reference": reference, "contact": contact})


def test_the_answer_is_the_same_whether_or_not_the_reference_exists(client, pothole):
    case = file_case(pothole)
    real = find(client, case.reference, "sian@example.com")
    unknown = find(client, generate_reference(), "sian@example.com")
    wrong_detail = find(client, case.reference, "nobody@example.com")

    assert real.status_code == unknown.status_code == wrong_detail.status_code == 302
    assert real.url == unknown.url == wrong_detail.url == reverse("web:find_sent")
    assert OutboxTask.objects.filter(task_name="enquiries.tasks.send_tracking_link").count() == 3
    page = client.get(real.url).content.decode()
    assert "If the reference and the email address or phone number match" in page


def test_queued_work_never_holds_the_address(client, pothole):
    case = file_case(pothole)
    find(client, case.reference, "sian@example.com")
    row = OutboxTask.objects.get(task_name="enquiries.tasks.send_tracking_link")
    assert "sian" not in str(row.kwargs) and "sian" not in row.dedupe_key


def test_the_link_goes_to_a_matching_email_only(pothole):
    case = file_case(pothole)
    send_tracking_link(reference=case.reference, fingerprint=contact_fingerprint("x@example.com"))
    assert mail.outbox == []

    send_tracking_link(
        reference=case.reference, fingerprint=contact_fingerprint("sian@example.com")
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sian@example.com"]
    case.refresh_from_db()  # a fresh link each time (see test_tracking_links)
    assert case.tracking_path() in mail.outbox[0].body


def test_a_follower_can_ask_for_the_link(pothole):
    case = file_case(pothole)
    follower = ResidentFactory(email="neighbour@example.com")
    services.subscribe(case=case, resident=follower, channel="web")
    send_tracking_link(
        reference=case.reference, fingerprint=contact_fingerprint("neighbour@example.com")
    )
    assert mail.outbox[0].to == ["neighbour@example.com"]


def test_a_malformed_reference_says_what_is_wrong(client):
    response = find(client, "ABC", "sian@example.com")
    assert response.status_code == 400
    assert "A case reference has 9 letters and numbers" in response.content.decode()
    bad_contact = find(client, generate_reference(), "not an address")
    assert "Enter an email address, like name@example.com" in bad_contact.content.decode()
