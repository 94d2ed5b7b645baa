"""The private tracking page: its own case only, a public timeline, replies and stopping updates."""

import uuid

import pytest
from django.urls import reverse

from enquiries import intake, services
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails, NewCase, ResidentDetails
from enquiries.models import Attachment, Case, Contact
from tests.channels.web.conftest import upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def file_case(service, email="sian@example.com", summary="Pothole on Ribble Lane") -> Case:
    return intake.submit(
        NewCase(
            idempotency_key=f"test:{uuid.uuid4()}",
            contact=ContactDetails(channel=Channel.WEB, body="Deep pothole by the bus stop."),
            resident=ResidentDetails(full_name="Siân O'Brien-Ng", email=email),
            summary=summary,
            service=service,
        )
    ).case


def test_a_token_opens_its_own_case_only(client, pothole):
    mine = file_case(pothole, summary="My pothole")
    theirs = file_case(pothole, email="other@example.com", summary="Their pothole")

    page = client.get(mine.tracking_path()).content.decode()

    assert mine.reference in page and "My pothole" in page
    assert theirs.reference not in page and "Their pothole" not in page
    assert client.get(reverse("web:track", args=["0" * 40])).status_code == 404
    assert client.get(reverse("web:track", args=[mine.tracking_token()[:-1]])).status_code == 404


def test_the_timeline_never_shows_internal_notes_or_staff_names(client, pothole):
    case = file_case(pothole)
    officer = UserFactory(first_name="Wilhelmina", last_name="Staffname")
    services.add_note(case=case, body="Internal: resident sounded cross", by=officer)
    services.case_assign(case=case, assignee=officer, by=officer)
    services.reply_to_resident(case=case, body="We will inspect on Monday.", by=officer)

    response = client.get(case.tracking_path())
    page = response.content.decode()

    assert "We will inspect on Monday." in page
    assert "Deep pothole by the bus stop." in page
    assert "Internal: resident sounded cross" not in page
    assert "Wilhelmina" not in page and "Staffname" not in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_reply_becomes_a_contact_and_wakes_a_case_awaiting_the_resident(client, pothole):
    case = file_case(pothole)
    Case.objects.filter(pk=case.pk).update(status=Status.AWAITING_RESIDENT)

    response = client.post(
        case.tracking_path(),
        {"reply_key": "abc", "body": "It is 10cm deep.", "files": [upload()]},
    )

    assert response.status_code == 302
    assert response.url.startswith(case.tracking_path())
    reply = Contact.objects.get(case=case, body="It is 10cm deep.")
    assert reply.channel == Channel.WEB
    assert Attachment.objects.filter(contact=reply).count() == 1
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    page = client.get(response.url).content.decode()
    assert "Your message has been added" in page
    assert "It is 10cm deep." in page


def test_a_double_clicked_reply_is_added_once(client, pothole):
    case = file_case(pothole)
    for _ in range(2):
        client.post(case.tracking_path(), {"reply_key": "same", "body": "Hello"})
    assert Contact.objects.filter(case=case, body="Hello").count() == 1


def test_the_reply_form_carries_a_fresh_key_and_a_refused_reply_keeps_its_own(client, pothole):
    import re

    case = file_case(pothole)
    key = re.compile(r'<input type="hidden" name="reply_key" value="([^"]*)" id="id_reply_key">')

    first = key.search(client.get(case.tracking_path()).content.decode()).group(1)
    second = key.search(client.get(case.tracking_path()).content.decode()).group(1)
    refused = client.post(case.tracking_path(), {"reply_key": 'k"<1', "body": ""})

    assert len(first) == 32 and first != second  # one per page view: a double click sends once
    assert key.search(refused.content.decode()).group(1) == "k&quot;&lt;1"  # escaped, kept


def test_an_empty_or_bad_reply_explains_and_keeps_the_text(client, pothole):
    case = file_case(pothole)
    empty = client.post(case.tracking_path(), {"reply_key": "k", "body": ""})
    assert empty.status_code == 400
    assert "Enter your message, or add a file" in empty.content.decode()
    bad = client.post(
        case.tracking_path(),
        {"reply_key": "k", "body": "See file", "files": [upload("a.pdf", b"not a pdf")]},
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "The selected file a.pdf must be a JPG, PNG, GIF, WEBP, HEIC or PDF" in page
    assert "See file</textarea>" in page


def test_stop_updates_switches_off_consent_for_that_person(client, pothole):
    case = file_case(pothole)
    url = reverse("web:stop_updates", args=[case.tracking_token()])

    wrong = client.post(url, {"contact": "someone@example.com"})
    assert wrong.status_code == 400
    case.resident.refresh_from_db()
    assert case.resident.consent_updates is True

    response = client.post(url, {"contact": "SIAN@example.com"})

    assert response.status_code == 200
    assert "We have stopped sending you updates" in response.content.decode()
    case.resident.refresh_from_db()
    assert case.resident.consent_updates is False
