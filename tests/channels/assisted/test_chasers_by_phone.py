"""A call or visit about an open case is a chaser without the agent ticking the box."""

import pytest
from django.urls import reverse

from enquiries.choices import Channel, Status
from enquiries.models import Contact
from tests.channels.assisted.test_log_contact import start, token_from
from tests.enquiries.staff.helpers import open_case
from tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def log_on(client, case, channel, **extra):
    page = start(client, case.resident, action="existing")
    data = {
        "resident": case.resident.pk,
        "action": "existing",
        "token": token_from(page),
        "existing-case": case.pk,
        "contact-channel": channel,
        "contact-body": "Asked when it will be fixed",
        **extra,
    }
    assert client.post(reverse("assisted:record"), data).status_code == 302
    return Contact.objects.filter(case=case).latest("id")


@pytest.mark.parametrize(
    ("channel", "extra"),
    [
        (Channel.PHONE, {"contact-duration": "2"}),
        (Channel.FACE_TO_FACE, {"contact-office": "Northmoor Town Hall"}),
    ],
)
def test_a_call_or_visit_on_an_open_case_is_a_chaser_unticked(signed_in, world, channel, extra):
    client = signed_in(world.frontdesk if channel == Channel.FACE_TO_FACE else world.agent)

    contact = log_on(client, world.highways_case, channel, **extra)

    assert contact.is_chaser


def test_a_call_answering_our_question_is_not_a_chaser(signed_in, world):
    case = open_case(world.pothole, status=Status.AWAITING_RESIDENT, resident=ResidentFactory())

    contact = log_on(signed_in(world.agent), case, Channel.PHONE, **{"contact-duration": "2"})

    assert not contact.is_chaser
