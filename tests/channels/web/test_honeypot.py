"""A filled-in honeypot is answered exactly like success (a bot learns nothing), nothing is
created, and the attempt is logged at warning with the client's address."""

import logging

import pytest
from django.urls import reverse

from enquiries.models import Case, Contact, OutboxTask
from tests.channels.web.conftest import walk_pothole
from tests.channels.web.test_tracking import file_case

pytestmark = pytest.mark.django_db

SPAM = {"website": "http://cheap-pills.example"}


def assert_logged_with_ip(caplog, ip: str) -> None:
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("honeypot" in r.getMessage().lower() and ip in r.getMessage() for r in warnings)


def test_a_bot_sending_the_form_sees_the_confirmation_and_no_case_is_made(walker, caplog):
    walk_pothole(walker)
    before = Case.objects.count()

    response = walker.submit(data=SPAM, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    assert response.url == reverse("web:sent", args=[walker.service.slug])
    assert "anti-spam" not in response.content.decode()
    assert Case.objects.count() == before
    assert_logged_with_ip(caplog, "203.0.113.7")


def test_a_bot_on_a_journey_page_moves_on_without_the_answer_being_kept(walker, caplog):
    walker.start()

    response = walker.post(
        "where",
        {"address": "Spam Street", "postcode": "PR1 8XJ", **SPAM},
        REMOTE_ADDR="203.0.113.8",
    )

    assert response.status_code == 302
    assert "Spam Street" not in str(walker.client.session["web_journeys"])
    assert_logged_with_ip(caplog, "203.0.113.8")


def test_a_bot_asking_for_a_link_sees_the_same_answer_and_nothing_is_queued(
    client, pothole, caplog
):
    case = file_case(pothole)
    queued = OutboxTask.objects.count()

    response = client.post(
        reverse("web:find"),
        {"reference": case.reference, "contact": "sian@example.com", **SPAM},
        REMOTE_ADDR="203.0.113.9",
    )

    assert response.status_code == 302 and response.url == reverse("web:find_sent")
    assert OutboxTask.objects.count() == queued
    assert_logged_with_ip(caplog, "203.0.113.9")


def test_a_bot_replying_sees_the_same_answer_and_no_message_is_added(client, pothole, caplog):
    case = file_case(pothole)
    contacts = Contact.objects.filter(case=case).count()

    response = client.post(
        case.tracking_path(), {"reply_key": "k", "body": "Buy now", **SPAM}, REMOTE_ADDR="::1"
    )

    assert response.status_code == 302 and "replied=1" in response.url
    assert Contact.objects.filter(case=case).count() == contacts
    assert_logged_with_ip(caplog, "::1")


def test_a_bot_stopping_updates_sees_the_same_answer_and_nothing_stops(client, pothole, caplog):
    case = file_case(pothole)

    response = client.post(
        reverse("web:stop_updates", args=[case.tracking_token()]),
        {"contact": "sian@example.com", **SPAM},
        REMOTE_ADDR="203.0.113.10",
    )

    assert response.status_code == 200
    assert "We have stopped sending you updates" in response.content.decode()
    case.resident.refresh_from_db()
    assert case.resident.consent_updates is True
    assert_logged_with_ip(caplog, "203.0.113.10")
