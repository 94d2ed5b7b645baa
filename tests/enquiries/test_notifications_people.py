"""Who gets what: followers never get the reporter's link; a person's reply is not 'automatic'."""

import pytest
from django.core import mail

from enquiries import services
from enquiries.choices import Channel, Status
from enquiries.models import CaseSubscription, Contact
from tests.factories import ResidentFactory, ServiceFactory, UserFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    case = submit_web_case(service=ServiceFactory(), email="reporter@example.com")
    drain()
    case.refresh_from_db()
    mail.outbox.clear()
    return case


def test_a_follower_is_updated_without_the_reporters_tracking_link(case):
    follower = ResidentFactory(email="neighbour@example.com")
    CaseSubscription.objects.create(case=case, resident=follower, channel=Channel.WEB)
    services.case_transition(case=case, to=Status.IN_PROGRESS)
    drain()
    to_reporter = next(m for m in mail.outbox if m.to == ["reporter@example.com"])
    to_follower = next(m for m in mail.outbox if m.to == ["neighbour@example.com"])
    assert case.tracking_path() in to_reporter.body
    assert case.tracking_path() not in to_follower.body
    assert "someone else made" in to_follower.body


def test_a_staff_reply_is_not_marked_automatic_and_threads_to_the_newest_message(case):
    for n in range(25):
        Contact.objects.create(case=case, channel=Channel.EMAIL, body=f"m{n}", message_id=f"m{n}@x")
    newest = Contact.objects.filter(case=case).exclude(message_id="").latest("occurred_at", "id")
    reply = services.reply_to_resident(
        case=case, body="We will fill it this week.", by=UserFactory()
    )
    drain()
    message = next(m for m in mail.outbox if "fill it this week" in m.body)
    assert "Auto-Submitted" not in message.extra_headers
    assert message.extra_headers["In-Reply-To"] == f"<{newest.message_id}>"
    assert reply.channel == Channel.EMAIL


def test_a_reply_to_a_resident_without_contact_details_is_recorded_for_the_tracking_page(case):
    case.resident.email = ""
    case.resident.phone = ""
    case.resident.save()
    reply = services.reply_to_resident(case=case, body="Fixed.", by=UserFactory())
    assert reply.channel == Channel.WEB and reply.is_public
