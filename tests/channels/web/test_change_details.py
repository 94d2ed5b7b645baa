"""Residents change their own contact details through their own tracking link; each change is
recorded, and a record that also stands for other cases is never changed for them."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from enquiries import services
from enquiries.choices import Status
from enquiries.models import CaseEvent, PossibleMatch, ResidentChange
from tests.channels.web.test_tracking import file_case
from tests.factories import CaseFactory
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db

NEW = {
    "full_name": "Siân O'Brien-Ng",
    "email": "sian.new@example.com",
    "phone": "",
    "updates": "email",
}


def details_url(case):
    return reverse("web:change_details", args=[case.tracking_token()])


def change_and_confirm(client, case, data):
    """Post the form, then type the code sent to the new address (issue 14)."""
    response = client.post(details_url(case), data)
    assert response.status_code == 302
    drain()
    (message,) = [m for m in mail.outbox if m.to == [data["email"]]]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)
    return client.post(response.url, {"code": code})


def test_the_tracking_page_links_to_the_change_details_page(client, pothole):
    case = file_case(pothole)
    page = client.get(case.tracking_path()).content.decode()
    assert details_url(case) in page
    form = client.get(details_url(case))
    assert form.status_code == 200 and form["X-Robots-Tag"] == "noindex, nofollow"
    assert 'value="sian@example.com"' in form.content.decode()


def test_a_resident_changes_their_email_and_updates_go_to_the_new_one(client, pothole):
    case = file_case(pothole)
    drain()
    response = change_and_confirm(client, case, NEW)
    assert response.status_code == 302
    assert "Your contact details have been changed" in client.get(response.url).content.decode()
    case.resident.refresh_from_db()
    assert case.resident.email == "sian.new@example.com"
    change = ResidentChange.objects.get(resident=case.resident)
    assert (change.field, change.old_value, change.new_value) == (
        "email",
        "sian@example.com",
        "sian.new@example.com",
    )
    assert change.channel == "tracking_link" and change.by is None and change.case == case
    assert CaseEvent.objects.filter(case=case, message__contains="tracking link").exists()

    mail.outbox.clear()
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["sian.new@example.com"]]


def test_a_record_shared_with_another_case_is_changed_for_this_case_only(client, pothole):
    case = file_case(pothole)
    other = CaseFactory(service=pothole, resident=case.resident, status=Status.OPEN)
    original = case.resident
    drain()
    assert change_and_confirm(client, case, NEW).status_code == 302

    case.refresh_from_db()
    original.refresh_from_db()
    assert case.resident != original and case.resident.email == "sian.new@example.com"
    assert original.email == "sian@example.com"  # the other case's details are untouched
    assert other.resident == original
    assert PossibleMatch.objects.filter(resident=case.resident, other=original).exists()

    mail.outbox.clear()
    services.case_transition(case=other, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["sian@example.com"]]


def test_bad_details_are_refused_with_a_specific_error(client, pothole):
    case = file_case(pothole)
    response = client.post(details_url(case), {**NEW, "email": "", "updates": "sms"})
    assert response.status_code == 400
    assert "Enter a mobile number so that we can text you updates" in response.content.decode()
    assert not ResidentChange.objects.exists()


def test_an_unknown_link_changes_nothing(client, pothole):
    file_case(pothole)
    response = client.post(reverse("web:change_details", args=["0" * 40]), NEW)
    assert response.status_code == 404
    assert not ResidentChange.objects.exists()
