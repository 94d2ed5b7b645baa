"""Staff are prompted to check a contact detail that updates could not be delivered to."""

import pytest
from django.urls import reverse

from enquiries.choices import Channel
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

PROMPT = b"Check the resident's contact details at the next contact"


def test_the_case_and_resident_pages_prompt_staff_about_a_bouncing_email(signed_in, world):
    case = world.highways_case
    case.resident.email_failing = True
    case.resident.save()
    client = signed_in(world.highways_officer)
    case_page = client.get(reverse("staff:case", args=[case.reference]))
    resident_page = client.get(reverse("staff:resident", args=[case.resident_id]))
    assert PROMPT in case_page.content and b"email address" in case_page.content
    assert PROMPT in resident_page.content


def test_no_prompt_while_details_work(signed_in, world):
    page = signed_in(world.highways_officer).get(
        reverse("staff:case", args=[world.highways_case.reference])
    )
    assert PROMPT not in page.content


def test_an_emails_real_address_is_shown_beside_its_display_name(signed_in, world):
    ContactFactory(
        case=world.highways_case,
        resident=None,
        channel=Channel.EMAIL,
        sender_name="Council Support",
        sender_address="do-not-reply@spoof.example",
    )
    page = signed_in(world.highways_officer).get(
        reverse("staff:case", args=[world.highways_case.reference])
    )
    assert b"Council Support &lt;do-not-reply@spoof.example&gt;" in page.content
