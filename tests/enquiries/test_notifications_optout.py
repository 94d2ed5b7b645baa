"""Residents can stop updates from any message: a signed link in every email and text."""

import re

import pytest
from django.core import mail

from enquiries import services
from enquiries.choices import Status
from enquiries.models import Notification, Resident
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = submit_web_case(service=ServiceFactory(), email="stop@example.com")
    drain()
    return case


def link_in(message) -> str:
    return re.search(r"http://[^/]+(/updates/stop/\S+/)", message.body).group(1)


def test_the_link_shows_a_confirmation_page_before_stopping(client, case):
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Stop updates" in response.content
    assert Resident.objects.get(pk=case.resident_id).consent_updates is True


def test_pressing_the_button_stops_all_further_updates(client, case):
    client.enforce_csrf_checks = True
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 200
    assert b"Updates stopped" in response.content
    assert Resident.objects.get(pk=case.resident_id).consent_updates is False
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    assert len(mail.outbox) == 2
    suppressed = Notification.objects.get(case=case, kind="in_progress")
    assert suppressed.state == Notification.State.SUPPRESSED


def test_a_one_click_unsubscribe_from_a_mail_program_works(client, case):
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    path = re.search(r"http://[^/]+(/\S+/)>", header).group(1)
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Resident.objects.get(pk=case.resident_id).consent_updates is False


def test_an_altered_link_is_refused(client, case):
    path = link_in(mail.outbox[0])
    assert client.post(path[:-3] + "xx/").status_code == 404
    assert Resident.objects.get(pk=case.resident_id).consent_updates is True
