"""Logging calls and visits: every kind goes through intake and records how the contact happened."""

import json
import re

import pytest
from django.urls import reverse

from enquiries.choices import Channel, EventKind, Outcome, Status
from enquiries.models import AccessLog, Case, CaseEvent, Contact, OutboxTask, Resident
from tests.enquiries.staff.helpers import open_case
from tests.factories import ResidentFactory

SCREEN = reverse("assisted:log")
RECORD = reverse("assisted:record")


@pytest.fixture
def caller(world):
    return ResidentFactory(full_name="Priya Patel", postcode="LA1 1AA", postcode_district="LA1")


def token_from(response) -> str:
    return re.search(rb'name="token" value="([^"]+)"', response.content).group(1).decode()


def start(client, resident, **params):
    response = client.get(SCREEN, {"resident": resident.pk, **params})
    assert response.status_code == 200
    return response


def pothole_post(resident, token, **extra):
    data = {
        "resident": resident.pk,
        "action": "new",
        "service": "report-a-pothole",
        "token": token,
        "case-summary": "Pothole outside the school",
        "case-description": "Deep hole, cars swerving",
        "case-address": "School Lane, Lancaster",
        "case-postcode": "la1 2ab",
        "q-hazard_type": "Deep pothole",
        "q-accident_happened": "no",
        "q-noticed_on_0": "3",
        "q-noticed_on_1": "2",
        "q-noticed_on_2": "2026",
        "contact-channel": Channel.PHONE,
        "contact-duration": "4:30",
        "contact-assisted_digital": "on",
        "contact-assisted_digital_reason": "no_internet",
        "contact-body": "",
    }
    data.update(extra)
    return data


def test_a_phone_call_opens_a_case_with_the_services_questions(signed_in, world, caller):
    client = signed_in(world.agent)
    page = start(client, caller, action="new", service="report-a-pothole")
    assert b"What is the danger?" in page.content  # the service's own questions
    response = client.post(RECORD, pothole_post(caller, token_from(page)))
    assert response.status_code == 302
    case = Case.objects.get(resident=caller)
    assert response["Location"] == reverse("staff:case", args=[case.reference])
    assert case.channel == Channel.PHONE and case.service == world.pothole
    assert case.answers == {
        "hazard_type": "Deep pothole",
        "accident_happened": False,
        "noticed_on": "2026-02-03",
    }
    assert case.postcode == "LA1 2AB" and case.status == Status.RECEIVED
    contact = case.contacts.get()
    assert contact.call_duration_seconds == 270
    assert contact.recorded_by == world.agent
    assert contact.assisted_digital and contact.assisted_digital_reason == "no_internet"
    assert OutboxTask.objects.filter(dedupe_key=f"route:{case.pk}").exists()


def test_a_double_click_makes_one_case(signed_in, world, caller):
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    client.post(RECORD, pothole_post(caller, token))
    client.post(RECORD, pothole_post(caller, token))
    assert Case.objects.filter(resident=caller).count() == 1


def test_a_required_question_left_blank_is_shown_again(signed_in, world, caller):
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    response = client.post(RECORD, pothole_post(caller, token, **{"q-hazard_type": ""}))
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert b'href="#id_q-hazard_type_1"' in response.content
    assert not Case.objects.filter(resident=caller).exists()


def test_assisted_digital_needs_a_reason(signed_in, world, caller):
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    response = client.post(
        RECORD, pothole_post(caller, token, **{"contact-assisted_digital_reason": ""})
    )
    assert response.status_code == 400
    assert b"Choose why they needed help" in response.content


def test_a_front_desk_visit_records_the_office(signed_in, world, caller):
    client = signed_in(world.frontdesk)
    page = start(client, caller, action="new", service="missed-bin")
    assert b'value="face_to_face" checked' in page.content or b"face_to_face" in page.content
    data = {
        "resident": caller.pk,
        "action": "new",
        "service": "missed-bin",
        "token": token_from(page),
        "case-summary": "Bin missed twice",
        "case-description": "Green bin not emptied",
        "contact-channel": Channel.FACE_TO_FACE,
        "contact-duration": "",
        "contact-office": "Northmoor Town Hall",
    }
    missing_office = client.post(RECORD, {**data, "contact-office": ""})
    assert missing_office.status_code == 400
    assert b"Choose the office" in missing_office.content
    assert client.post(RECORD, data).status_code == 302
    contact = Contact.objects.get(case__resident=caller)
    assert contact.channel == Channel.FACE_TO_FACE
    assert contact.office == "Northmoor Town Hall" and contact.call_duration_seconds is None
    # the office is remembered for the next visit
    assert (
        b'value="Northmoor Town Hall" selected'
        in start(client, caller, action="new", service="missed-bin").content
    )


def test_a_chaser_call_is_added_to_the_existing_case(signed_in, world):
    case = world.highways_case
    client = signed_in(world.agent)
    page = start(client, case.resident, action="existing")
    assert case.reference.encode() in page.content
    response = client.post(
        RECORD,
        {
            "resident": case.resident.pk,
            "action": "existing",
            "token": token_from(page),
            "existing-case": case.pk,
            "existing-is_chaser": "on",
            "contact-channel": Channel.PHONE,
            "contact-duration": "2",
            "contact-body": "Asked when the repair will happen",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(case=case)
    assert contact.is_chaser and contact.call_duration_seconds == 120
    assert not contact.is_public  # the officer's notes are internal
    event = CaseEvent.objects.get(case=case, kind=EventKind.CONTACT)
    assert event.data["chaser"] is True and "chasing progress" in event.message
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_a_call_about_a_closed_case_does_not_reopen_it(signed_in, world):
    closed = open_case(world.pothole, status=Status.CLOSED)
    client = signed_in(world.agent)
    page = start(client, closed.resident, case=closed.reference)
    client.post(
        RECORD,
        {
            "resident": closed.resident.pk,
            "action": "existing",
            "token": token_from(page),
            "preset_case": closed.reference,
            "existing-case": closed.pk,
            "contact-channel": Channel.PHONE,
        },
    )
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED
    assert closed.contacts.count() == 1


def test_resolved_at_first_contact_is_stored_closed_with_its_outcome(signed_in, world, caller):
    client = signed_in(world.agent)
    page = start(client, caller, action="resolved", service="missed-bin")
    response = client.post(
        RECORD,
        {
            "resident": caller.pk,
            "action": "resolved",
            "service": "missed-bin",
            "token": token_from(page),
            "resolved-outcome": Outcome.RESOLVED_FIRST_CONTACT,
            "case-summary": "When is my collection day?",
            "case-description": "Told them: Tuesdays",
            "contact-channel": Channel.PHONE,
            "contact-duration": "1:10",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(resident=caller)
    assert case.status == Status.CLOSED
    assert case.outcome == Outcome.RESOLVED_FIRST_CONTACT
    assert case.department == world.waste  # counts in the team's statistics
    assert not OutboxTask.objects.filter(dedupe_key=f"route:{case.pk}").exists()


def test_nearby_open_cases_are_offered_before_opening_a_duplicate(signed_in, world, caller):
    original = open_case(world.pothole, postcode="LA1 9ZZ", postcode_district="LA1")
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    warned = client.post(RECORD, pothole_post(caller, token))
    assert warned.status_code == 200
    assert b"Already reported?" in warned.content and original.reference.encode() in warned.content
    assert not Case.objects.filter(resident=caller).exists()
    attached = client.post(RECORD, pothole_post(caller, token, attach_to=original.reference))
    assert attached["Location"] == reverse("staff:case", args=[original.reference])
    assert caller in original.subscribers.all()
    assert Contact.objects.get(case=original).resident == caller
    assert not Case.objects.filter(resident=caller).exists()


def test_the_officer_can_still_open_a_new_case_after_the_warning(signed_in, world, caller):
    open_case(world.pothole, postcode="LA1 9ZZ", postcode_district="LA1")
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    response = client.post(RECORD, pothole_post(caller, token, confirm_new="1"))
    assert response.status_code == 302
    assert Case.objects.filter(resident=caller).count() == 1


def test_likely_duplicate_residents_are_shown_before_creating_one(signed_in, world, caller):
    client = signed_in(world.agent)
    new = {
        "full_name": "Priya Patel",
        "phone": "",
        "email": caller.email.upper(),
        "postcode": "",
        "address": "",
        "preferred_channel": "email",
    }
    warned = client.post(reverse("assisted:create_resident"), new)
    assert b"We may already know this person" in warned.content
    assert f"?resident={caller.pk}".encode() in warned.content
    assert Resident.objects.filter(full_name="Priya Patel").count() == 1
    created = client.post(reverse("assisted:create_resident"), {**new, "confirm": "1"})
    assert created.status_code == 302
    assert Resident.objects.filter(full_name="Priya Patel").count() == 2


def test_a_brand_new_resident_is_added_and_chosen(signed_in, world):
    client = signed_in(world.frontdesk)
    response = client.post(
        reverse("assisted:create_resident"),
        {
            "full_name": "Zoë Kowalczyk",
            "phone": "07700 900 456",
            "email": "",
            "postcode": "bb7 2xx",
            "address": "3 Moor Road",
            "preferred_channel": "sms",
        },
    )
    resident = Resident.objects.get(full_name="Zoë Kowalczyk")
    assert response["Location"] == f"{SCREEN}?resident={resident.pk}"
    assert resident.phone == "+447700900456" and resident.postcode == "BB7 2XX"


def test_a_caseworker_cannot_add_a_contact_to_another_departments_case(signed_in, world):
    case = world.waste_case
    client = signed_in(world.highways_officer)
    assert client.get(SCREEN, {"case": case.reference}).status_code == 404
    response = client.post(
        RECORD,
        {
            "resident": case.resident.pk,
            "action": "existing",
            "token": "x" * 20,
            "preset_case": case.reference,
            "existing-case": case.pk,
            "contact-channel": Channel.PHONE,
        },
    )
    assert response.status_code == 404
    assert not Contact.objects.filter(case=case).exists()
    assert AccessLog.objects.filter(
        user=world.highways_officer, action="denied:add_contact"
    ).exists()


def test_an_admin_does_not_log_calls(signed_in, world):
    assert signed_in(world.admin).get(SCREEN).status_code == 404


def test_the_screen_searches_and_logs_who_was_looked_at(signed_in, world, caller):
    client = signed_in(world.agent)
    response = client.get(SCREEN, {"q": "priya patl", "list": "1"})
    assert response.status_code == 200
    assert f"?resident={caller.pk}".encode() in response.content
    page = start(client, caller)
    assert b"What is the contact about?" in page.content
    assert AccessLog.objects.filter(
        user=world.agent, resident=caller, action="log_contact"
    ).exists()


def test_already_reported_never_shows_a_caseworker_another_departments_cases(signed_in, world):
    """A waste officer logging a call about a pothole must not see Highways' cases nearby."""
    caller = ResidentFactory(full_name="Anil Shah", postcode="LA1 1AA", postcode_district="LA1")
    open_case(world.bins, resident=caller)  # the caller is one of Waste's residents
    hidden = open_case(
        world.pothole,
        postcode="LA1 9ZZ",
        postcode_district="LA1",
        summary="Crater outside number 12",
        address="12 Secret Lane, Lancaster",
    )
    client = signed_in(world.waste_officer)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    response = client.post(RECORD, pothole_post(caller, token))
    body = response.content.decode()
    assert "Already reported?" not in body
    for leaked in (hidden.reference, hidden.summary, hidden.address):
        assert leaked not in body


@pytest.fixture
def directory(settings):
    from tests.factories.places import load_directory

    settings.COUNCIL_AREA_CODES = ["E10000099"]
    settings.COUNCIL_AREA_NAME = "Northmoor"
    load_directory()


def test_a_call_about_a_place_outside_the_county_is_answered_not_opened(
    signed_in, world, caller, directory
):
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))

    response = client.post(RECORD, pothole_post(caller, token, **{"case-postcode": "SW1A 1AA"}))

    assert response.status_code == 400
    assert (
        "SW1A 1AA is not in Northmoor: contact Westminster City Council"
        in response.content.decode()
    )
    assert not Case.objects.filter(resident=caller).exists()


def test_a_call_is_placed_and_offered_only_reports_within_the_radius(
    signed_in, world, caller, directory
):
    world.pothole.nearby_radius_metres = 50
    world.pothole.save()
    near = open_case(
        world.pothole, postcode="PR1 8XJ", postcode_district="PR1", latitude="53.763400",
        longitude="-2.703100",
    )  # fmt: skip
    far = open_case(
        world.pothole, postcode="PR1 1AA", postcode_district="PR1", latitude="53.780000",
        longitude="-2.703100",
    )  # fmt: skip
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))

    warned = client.post(RECORD, pothole_post(caller, token, **{"case-postcode": "PR1 8XJ"}))

    assert near.reference in warned.content.decode()
    assert far.reference not in warned.content.decode()
    pins = re.search(
        r'id="place-map-config" type="application/json">(.*?)<', warned.content.decode()
    )
    assert [p["id"] for p in json.loads(pins.group(1))["reports"]] == [near.pk]
    opened = client.post(
        RECORD, pothole_post(caller, token, confirm_new="1", **{"case-postcode": "PR1 8XJ"})
    )
    assert opened.status_code == 302
    case = Case.objects.get(resident=caller)
    assert case.ward_name == "Ribbleton" and case.imd_decile == 1


def test_the_nearby_list_shows_a_snippet_and_a_photo_thumbnail(signed_in, world, caller, directory):
    from django.core.files.base import ContentFile

    from enquiries.models import Attachment
    from tests.factories import ContactFactory

    near = open_case(
        world.pothole, postcode="PR1 8XJ", latitude="53.763200", longitude="-2.703100",
        description="Hole by the drain cover, about a foot across.",
    )  # fmt: skip
    photo = Attachment(
        contact=ContactFactory(case=near),
        original_name="hole.png",
        content_type="image/png",
        sha256="ab" * 32,
    )
    photo.file.save("hole.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))

    warned = client.post(RECORD, pothole_post(caller, token, **{"case-postcode": "PR1 8XJ"}))

    page = warned.content.decode()
    assert "Hole by the drain cover" in page
    assert f'src="{reverse("staff:attachment", args=[photo.pk])}?inline=1"' in page


def test_a_new_case_without_a_service_is_refused_as_not_found(signed_in, world, caller):
    client = signed_in(world.agent)
    token = token_from(start(client, caller, action="new", service="report-a-pothole"))
    response = client.post(RECORD, pothole_post(caller, token, service="no-such-service"))
    assert response.status_code == 404
    assert not Case.objects.filter(resident=caller).exists()
