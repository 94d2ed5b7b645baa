"""Log a call / visit (issue 11): fewer page loads, text typed once, the office pre-selected,
"Already reported?" defaulting to a new report, and error messages that name their field."""

import re

import pytest
from django.urls import reverse

from channels.assisted.forms import derive_summary
from enquiries.choices import Channel
from enquiries.models import Case, Contact
from tests.enquiries.staff.helpers import open_case
from tests.factories import ContactFactory, ResidentFactory

SCREEN = reverse("assisted:log")
RECORD = reverse("assisted:record")
DESCRIPTION = "Deep pothole by the zebra crossing. Cars swerve round it into the cycle lane."


@pytest.fixture
def caller(world):
    return ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA", postcode_district="LA1")


def token_from(response) -> str:
    return re.search(rb'name="token" value="([^"]+)"', response.content).group(1).decode()


def new_pothole(resident, token, **extra):
    data = {
        "resident": resident.pk,
        "action": "new",
        "service": "report-a-pothole",
        "token": token,
        "case-description": DESCRIPTION,
        "case-address": "School Lane, Lancaster",
        "case-postcode": "LA1 2AB",
        "q-hazard_type": "Deep pothole",
        "contact-channel": Channel.PHONE,
    }
    data.update(extra)
    return data


def test_one_match_goes_straight_to_recording_the_new_report(signed_in, world, caller):
    client = signed_in(world.agent)
    response = client.get(
        SCREEN, {"q": "priya patel", "action": "new", "service": "report-a-pothole"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="record-form"' in page
    assert f'name="resident" value="{caller.pk}"' in page
    assert "The only resident matching" in page
    assert 'name="case-summary"' not in page and 'name="contact-body"' not in page
    assert re.search(r'<textarea[^>]*name="case-description"[^>]*autofocus', page)


def test_several_matches_are_listed_with_the_choice_carried(signed_in, world, caller):
    other = ResidentFactory(full_name="Priya Patil", postcode="LA1 1AB")
    client = signed_in(world.agent)
    page = client.get(
        SCREEN, {"q": "priya", "action": "new", "service": "report-a-pothole"}
    ).content.decode()
    assert 'id="record-form"' not in page
    for resident in (caller, other):
        link = f"?resident={resident.pk}&amp;action=new&amp;service=report-a-pothole"
        assert link in page


def test_the_description_is_typed_once_and_feeds_summary_description_and_notes(
    signed_in, world, caller
):
    client = signed_in(world.agent)
    page = client.get(
        SCREEN, {"resident": caller.pk, "action": "new", "service": "report-a-pothole"}
    )
    response = client.post(RECORD, new_pothole(caller, token_from(page)))
    assert response.status_code == 302
    case = Case.objects.get(resident=caller)
    assert case.summary == "Deep pothole by the zebra crossing"
    assert case.description == DESCRIPTION
    assert case.contacts.get().body == DESCRIPTION


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("Bin missed", "Bin missed"),
        ("Bin missed again.\nThird week running", "Bin missed again"),
        ("\n\n  Street light out. It flickers", "Street light out"),
        ("word " * 40, ("word " * 15).strip() + "…"),
    ],
)
def test_the_summary_is_the_first_sentence_cut_at_a_word(text, summary):
    assert derive_summary(text) == summary
    assert len(derive_summary(text)) <= 80


def test_errors_name_their_field_and_link_to_it(signed_in, world, caller):
    client = signed_in(world.agent)
    page = client.get(
        SCREEN, {"resident": caller.pk, "action": "new", "service": "report-a-pothole"}
    )
    response = client.post(
        RECORD,
        {
            "resident": caller.pk,
            "action": "new",
            "service": "report-a-pothole",
            "token": token_from(page),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." not in body
    for anchor, message in [
        ("id_case-description", "Enter what the caller told us about the problem"),
        ("id_case-address", "Enter the address or location"),
        ("id_case-postcode", "Enter the postcode of the place"),
        ("id_q-hazard_type_1", "Select the caller&#x27;s answer to ‘What is the danger’"),
        ("id_contact-channel_1", "Select how they contacted us: phone call or visit"),
    ]:
        assert f'<a href="#{anchor}">{message}</a>' in body, message


def test_the_front_desk_office_is_pre_selected_from_the_officers_last_visit(
    signed_in, world, caller
):
    ContactFactory(recorded_by=world.frontdesk, office="Lancaster Library help point")
    client = signed_in(world.frontdesk)
    page = client.get(
        SCREEN, {"resident": caller.pk, "action": "new", "service": "report-a-pothole"}
    ).content.decode()
    assert re.search(r'<option value="Lancaster Library help point"\s+selected', page)
    assert re.search(r'id="id_contact-channel_2"[^>]*checked', page)  # face to face


def test_with_one_office_it_is_pre_selected_for_a_new_officer(signed_in, world, caller, settings):
    settings.COUNCIL_OFFICES = ["Northmoor Town Hall"]
    client = signed_in(world.frontdesk)
    page = client.get(
        SCREEN, {"resident": caller.pk, "action": "new", "service": "report-a-pothole"}
    ).content.decode()
    assert re.search(r'<option value="Northmoor Town Hall"\s+selected', page)


def test_already_reported_defaults_to_a_new_report_not_someone_elses_case(signed_in, world, caller):
    original = open_case(world.pothole, postcode="LA1 9ZZ", postcode_district="LA1")
    client = signed_in(world.agent)
    page = client.get(
        SCREEN, {"resident": caller.pk, "action": "new", "service": "report-a-pothole"}
    )
    warned = client.post(RECORD, new_pothole(caller, token_from(page))).content.decode()
    assert "Already reported?" in warned
    banner = warned[warned.index("Already reported?") :]
    default = banner.index("No, open a new case")
    join = banner.index(f'value="{original.reference}"')
    assert default < join  # the default comes first in the tab order
    assert re.search(r'value="1"[^>]*autofocus>No, open a new case', banner)
    join_button = re.search(r'<button[^>]*name="attach_to"[^>]*>', banner).group(0)
    assert "autofocus" not in join_button
    assert not Contact.objects.filter(case=original).exists()
