"""A new email address or phone number given through the tracking link is used only once the
resident has typed the code we sent to it: someone holding the link cannot redirect updates to
an address they made up, and a typo cannot send updates to a stranger."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from enquiries import services
from enquiries.choices import Status
from enquiries.models import PendingContactChange, ResidentChange
from tests.channels.web.test_tracking import file_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db

NEW = {"full_name": "Siân Ng", "email": "sian.new@example.com", "phone": "", "updates": "email"}


def details_url(case):
    return reverse("web:change_details", args=[case.tracking_token()])


def confirm_url(case):
    return reverse("web:confirm_details", args=[case.tracking_token()])


def sent_code(address: str) -> str:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_a_new_email_waits_for_the_code_sent_to_it_and_is_then_used(client, pothole):
    case = file_case(pothole)
    drain()
    mail.outbox.clear()

    response = client.post(details_url(case), NEW)

    assert response.status_code == 302 and response.url == confirm_url(case)
    case.resident.refresh_from_db()
    assert case.resident.email == "sian@example.com"  # not used yet
    assert case.resident.full_name == "Siân Ng"  # a name needs no confirmation
    drain()
    code = sent_code("sian.new@example.com")
    page = client.get(response.url).content.decode()
    assert "sian.new@example.com" in page and code not in page

    confirmed = client.post(confirm_url(case), {"code": code})

    assert confirmed.status_code == 302
    case.resident.refresh_from_db()
    assert case.resident.email == "sian.new@example.com"
    assert ResidentChange.objects.filter(resident=case.resident, field="email").exists()
    mail.outbox.clear()
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    assert [m.to for m in mail.outbox] == [["sian.new@example.com"]]


def test_a_wrong_code_is_refused_and_too_many_wrong_codes_end_the_change(client, pothole):
    case = file_case(pothole)
    client.post(details_url(case), NEW)
    drain()

    wrong = client.post(confirm_url(case), {"code": "000000"})

    assert wrong.status_code == 400
    assert "The code is not right" in wrong.content.decode()
    for _ in range(5):
        client.post(confirm_url(case), {"code": "000000"})
    right = client.post(confirm_url(case), {"code": sent_code("sian.new@example.com")})
    assert right.status_code in (400, 410)
    case.resident.refresh_from_db()
    assert case.resident.email == "sian@example.com"


def test_the_code_is_not_stored_in_clear(pothole, client):
    case = file_case(pothole)
    client.post(details_url(case), NEW)
    drain()
    code = sent_code("sian.new@example.com")

    pending = PendingContactChange.objects.get()
    assert code not in str(pending.__dict__)
    assert not case.notifications.filter(body__contains=code).exists()
