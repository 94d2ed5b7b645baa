"""The enquiry journey through the test client: every page, through intake, idempotently."""

import re

import pytest
from django.urls import reverse

from enquiries.choices import Channel
from enquiries.models import Attachment, Case, Contact, OutboxTask, Resident
from tests.channels.web.conftest import CONTACT, PNG, Walker, upload, walk_pothole

pytestmark = pytest.mark.django_db


def test_start_makes_a_journey_key_and_goes_to_the_first_question(walker, pothole):
    response = walker.start()
    assert response.status_code == 302
    assert response.url == walker.url("where")
    assert walker.key.startswith("web:")


def test_a_full_journey_files_one_case_through_intake(walker, pothole):
    walk_pothole(walker, files=[upload()])
    check = walker.get("check")
    assert check.status_code == 200
    assert "Check your answers" in check.content.decode()
    key = walker.key

    response = walker.submit()

    assert response.status_code == 302
    assert response.url == reverse("web:sent", args=[pothole.slug])
    case = Case.objects.get()
    assert case.channel == Channel.WEB
    assert case.service == pothole
    assert case.postcode == "PR1 8XJ"
    assert case.address == "Ribble Lane, Northmoor"
    assert case.answers == {
        "location_detail": "Outside number 12",
        "depth": "Deeper than 4cm",
        "on_bus_route": True,
        "noticed_on": "2026-02-03",
    }
    assert case.description == "A deep pothole by the bus stop."
    contact = Contact.objects.get(case=case)
    assert contact.idempotency_key == key
    assert Attachment.objects.get(contact=contact).content_type == "image/png"
    assert case.resident.email == "sian@example.com"
    assert case.resident.preferred_channel == "email"
    assert OutboxTask.objects.filter(task_name="enquiries.tasks.notify_resident").exists()


def test_confirmation_shows_reference_what_happens_next_and_by_when(walker, pothole):
    walk_pothole(walker)
    walker.submit()
    case = Case.objects.get()

    page = walker.client.get(reverse("web:sent", args=[pothole.slug])).content.decode()

    assert case.reference in page
    assert "An inspector visits within 5 working days." in page
    assert "We expect to respond by" in page
    assert case.tracking_path() in page


def test_submitting_twice_makes_one_case(walker, pothole):
    walk_pothole(walker)
    key = walker.key
    first = walker.submit()
    # The same form posted again (a double click, or back and resubmit) after the first went in.
    second = walker.client.post(walker.url("check"), {"journey_key": key})

    assert first.status_code == 302
    assert Case.objects.count() == 1
    assert second.status_code == 302
    assert Case.objects.count() == 1


def test_two_concurrent_submissions_of_one_journey_make_one_case(client, pothole):
    """Both requests read the session before either finished: intake's key makes them one."""
    walker = Walker(client, pothole)
    walk_pothole(walker)
    saved = dict(client.session.items())
    walker.submit()
    session = client.session
    session.update(saved)  # the second request still sees the journey in progress
    session.save()

    again = walker.submit()

    assert again.status_code == 302
    assert Case.objects.count() == 1


def test_going_back_shows_the_answers_already_given(walker):
    walk_pothole(walker)
    page = walker.get("q-location_detail").content.decode()
    assert "Outside number 12" in page
    page = walker.get("q-depth").content.decode()
    assert 'value="Deeper than 4cm"\n    \n      checked' in page or "checked" in page
    page = walker.get("contact").content.decode()
    assert "Siân O&#x27;Brien-Ng" in page


def test_change_from_check_answers_returns_to_check_answers(walker):
    walk_pothole(walker)
    check = walker.get("check").content.decode()
    assert walker.url("q-depth", change=True) in check

    response = walker.post("q-depth", {"answer": "Shallower than 4cm"}, change=True)

    assert response.status_code == 302
    assert response.url == walker.url("check")
    assert "Shallower than 4cm" in walker.get("check").content.decode()


def test_pages_cannot_be_skipped(walker):
    walker.start()
    response = walker.get("contact")
    assert response.status_code == 302
    assert response.url == walker.url("where")
    assert walker.get("check").url == walker.url("where")


def test_a_required_question_says_what_to_do_and_links_to_the_field(walker):
    walk_pothole(walker)
    response = walker.post("q-depth", {"answer": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#id_answer_1"' in page
    assert "Select your answer to ‘How deep is it’" in page
    assert page.count("<title>Error: ") == 1


def test_an_impossible_date_is_refused(walker):
    walk_pothole(walker)
    response = walker.post("q-noticed_on", {"answer_0": "31", "answer_1": "2", "answer_2": "2026"})
    assert response.status_code == 400


def test_where_needs_a_street_or_a_real_postcode(walker):
    walker.start()
    empty = walker.post("where", {"address": "", "postcode": ""})
    assert "Enter a street name or place, or a postcode" in empty.content.decode()
    wrong = walker.post("where", {"address": "", "postcode": "NOT A CODE"})
    assert "Enter a real UK postcode" in wrong.content.decode()


def test_every_field_has_a_length_limit_with_a_clear_message(walker):
    walk_pothole(walker)
    too_long = {
        "describe": ({"description": "x" * 5001}, "5,000 characters or fewer"),
        "q-location_detail": ({"answer": "x" * 501}, "500 characters or fewer"),
        "where": ({"address": "x" * 301, "postcode": ""}, "300 characters or fewer"),
        "contact": ({**CONTACT, "full_name": "x" * 201}, "200 characters or fewer"),
    }
    for step, (data, message) in too_long.items():
        response = walker.post(step, data)
        assert response.status_code == 400, step
        assert message in response.content.decode(), step


def test_email_updates_need_an_email_and_text_updates_a_mobile(walker):
    walk_pothole(walker)
    no_email = walker.post("contact", {**CONTACT, "email": "", "updates": "email"})
    assert "Enter an email address so that we can send you updates" in no_email.content.decode()
    landline = walker.post("contact", {**CONTACT, "phone": "01632 960001", "updates": "sms"})
    assert "Enter a mobile number" in landline.content.decode()
    bad_email = walker.post("contact", {**CONTACT, "email": "not-an-email"})
    page = bad_email.content.decode()
    assert "Enter an email address in the correct format" in page
    assert "govuk-input--error" in page
    phone_input = re.search(r'<input[^>]*id="id_phone"[^>]*>', page).group(0)
    phone_classes = re.search(r'class="([^"]*)"', phone_input).group(1).split()
    assert "govuk-input" in phone_classes  # crispy-forms-gds gives tel inputs no GOV.UK class


def test_html_in_answers_is_shown_as_text(walker, pothole):
    script = '<script>alert("x")</script><b>bold</b>'
    walk_pothole(walker, describe={"description": script}, contact={"full_name": script})
    page = walker.get("check").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    walker.submit()
    case = Case.objects.get()
    assert case.description == script
    tracking = walker.client.get(case.tracking_path()).content.decode()
    assert "<script>alert" not in tracking
    assert "&lt;b&gt;bold&lt;/b&gt;" in tracking


def test_unicode_names_and_addresses_round_trip(walker):
    walk_pothole(
        walker,
        where={"address": "Łąka Zoë, Siân's Row", "postcode": "PR1 8XJ"},
        contact={"full_name": "Zoë Łukasz O'Brien-Ng"},
    )
    walker.submit()
    case = Case.objects.get()
    assert case.address == "Łąka Zoë, Siân's Row"
    assert Resident.objects.get().full_name == "Zoë Łukasz O'Brien-Ng"


def test_a_service_not_about_a_place_asks_for_the_residents_own_address(client, question_service):
    walker = Walker(client, question_service)
    assert walker.start().url == walker.url("q-has_badge")
    for step, data in [
        ("q-has_badge", {"answer": "no"}),
        ("describe", {"description": "How do I renew?"}),
        ("files", {"action": "continue"}),
        ("where", {"address": "1 Church St, Northmoor", "postcode": "pr1 8xj"}),
        ("contact", CONTACT),
    ]:
        assert walker.post(step, data).status_code == 302, step
    walker.submit()
    case = Case.objects.get()
    assert case.address == ""
    assert case.answers == {"has_badge": False}
    assert case.resident.address == "1 Church St, Northmoor"
    assert case.resident.postcode == "PR1 8XJ"
    assert case.summary.startswith("Ask about a blue badge: How do I renew?")


def test_no_updates_is_allowed_without_contact_details(walker):
    walk_pothole(walker, contact={"full_name": "", "email": "", "phone": "", "updates": "none"})
    walker.submit()
    resident = Case.objects.get().resident
    assert resident.preferred_channel == "none"
    assert resident.consent_updates is False


def test_a_stale_journey_form_does_not_overwrite_the_current_one(walker):
    walk_pothole(walker)
    response = walker.client.post(walker.url("describe"), {"journey_key": "web:old"})
    assert response.status_code == 302
    assert "Outside number 12" in walker.get("q-location_detail").content.decode()


def test_an_expired_session_goes_back_to_the_service_page(client, pothole):
    response = client.post(
        reverse("web:step", args=[pothole.slug, "where"]), {"journey_key": "web:x"}
    )
    assert response.status_code == 302
    assert response.url == pothole.get_absolute_url()


def test_the_png_fixture_is_a_real_png():
    assert PNG.startswith(b"\x89PNG")
