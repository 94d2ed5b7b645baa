"""The tracking page shows one person's conversation: public case events, what they sent, and what
the council sent to them. Nothing addressed to, or written by, anyone else (issue 9, "Trust")."""

import pytest
from django.core import mail
from django.urls import reverse

from enquiries import services
from enquiries.choices import Channel, Direction, Status
from enquiries.models import Contact
from enquiries.notifications import optout_url
from tests.factories import (
    ContactFactory,
    ResidentFactory,
    ServiceFactory,
    UserFactory,
    submit_web_case,
)
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_case():
    """A case with a follower who wrote in and got updates, and a merged-in duplicate."""
    service = ServiceFactory()
    case = submit_web_case(
        service=service, email="reporter@example.com", description="Reporter's own words."
    )
    follower = ResidentFactory(full_name="Norah Neighbour", email="norah@example.com")
    services.subscribe(case=case, resident=follower, channel=Channel.WEB)
    ContactFactory(
        case=case,
        resident=follower,
        channel=Channel.EMAIL,
        sender_name="Norah Neighbour",
        body="Follower's private message about her street.",
    )
    duplicate = submit_web_case(
        service=service, email="someone.else@example.com", description="Duplicate by another."
    )
    drain()
    services.merge(duplicate=duplicate, into=case, by=UserFactory())
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    case.refresh_from_db()
    return case, follower


def test_the_reporters_page_shows_nothing_written_by_or_sent_to_anyone_else(client, busy_case):
    case, follower = busy_case
    assert any(m.to == ["norah@example.com"] for m in mail.outbox)  # she did get updates

    page = client.get(case.tracking_path()).content.decode()

    assert "Reporter&#x27;s own words." in page
    assert "We are working on your enquiry." in page
    assert "Norah" not in page
    assert "Follower&#x27;s private message" not in page
    assert "Duplicate by another." not in page
    assert optout_url(case, follower) not in page
    assert "/updates/stop/" not in page
    assert page.count("You wrote") == 1


def test_each_council_update_appears_once_not_as_a_pasted_email(client, busy_case):
    case, _follower = busy_case
    sent_to_reporter = Contact.objects.filter(
        case=case, resident=case.resident, direction=Direction.OUTBOUND
    )
    assert sent_to_reporter.exists()  # the emails are recorded on the case...

    page = client.get(case.tracking_path()).content.decode()

    assert page.count("We are working on your enquiry.") == 1
    assert "Dear " not in page  # ...but never pasted whole onto the page
    assert "To stop these updates" not in page


def test_a_staff_reply_to_the_reporter_is_shown_once(client, busy_case):
    case, _follower = busy_case
    services.reply_to_resident(case=case, body="We inspect on Monday.", by=UserFactory())
    drain()

    page = client.get(case.tracking_path()).content.decode()

    assert page.count("We inspect on Monday.") == 1


def test_the_reporters_stop_updates_form_cannot_stop_a_followers_updates(client, busy_case):
    case, follower = busy_case
    url = reverse("web:stop_updates", args=[case.tracking_token()])

    response = client.post(url, {"contact": "norah@example.com"})

    assert response.status_code == 400
    follower.refresh_from_db()
    assert follower.consent_updates is True
