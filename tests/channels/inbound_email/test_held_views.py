"""Staff see held mail with its reason, open a case from one they judge real, and see on a case
page what the email itself hid (files over the cap, a second From header)."""

import pytest
from django.urls import reverse

from channels.inbound_email import parsing
from channels.inbound_email.models import InboundMessage
from enquiries.models import Case, CaseEvent, Notification, OutboxTask
from tests.channels.inbound_email.mails import make_email, pipe
from tests.factories import ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_settings")]


def _forum_post() -> InboundMessage:
    raw = make_email(
        sender="Parish Forum <forum@parish.example>",
        subject="Fly-tipping behind the village hall",
        body="Someone has dumped a sofa behind the village hall again.",
        headers={"Auto-Submitted": "auto-generated"},
    )
    return pipe(raw).row


def test_contact_centre_staff_see_held_mail_with_the_reason(world, signed_in):
    row = _forum_post()

    response = signed_in(world.agent).get(reverse("inbound_email_staff:held_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Fly-tipping behind the village hall" in page
    assert "Auto-Submitted: auto-generated" in page
    detail = signed_in(world.agent).get(reverse("inbound_email_staff:held_detail", args=[row.pk]))
    assert "dumped a sofa" in detail.content.decode()


def test_caseworkers_do_not_see_held_mail(world, signed_in):
    row = _forum_post()
    client = signed_in(world.highways_officer)

    assert client.get(reverse("inbound_email_staff:held_list")).status_code == 404
    opened = client.post(reverse("inbound_email_staff:held_open_case", args=[row.pk]))
    assert opened.status_code == 404
    assert InboundMessage.objects.get(pk=row.pk).case is None


def test_opening_a_case_from_held_mail_sends_it_to_triage_once_and_sends_nothing(world, signed_in):
    known = ResidentFactory(email="forum@parish.example")
    row = _forum_post()
    client = signed_in(world.agent)
    url = reverse("inbound_email_staff:held_open_case", args=[row.pk])

    response = client.post(url)
    client.post(url)  # a double click

    case = Case.objects.get(department__slug="triage", summary__startswith="Fly-tipping")
    assert response.status_code == 302 and response["Location"].endswith(case.reference + "/")
    assert case.department.slug == "triage" and case.summary.startswith("Fly-tipping")
    assert case.resident != known, "never linked to a known resident automatically"
    row.refresh_from_db()
    assert row.status == InboundMessage.Status.PROCESSED
    assert row.outcome == InboundMessage.Outcome.STAFF_OPENED and row.case == case
    assert CaseEvent.objects.filter(case=case, message__contains="held email").exists()
    assert not Notification.objects.exists()
    assert not OutboxTask.objects.filter(task_name__contains="notify").exists()


def test_the_case_page_shows_dropped_attachments_and_two_from_headers(
    world, signed_in, monkeypatch
):
    monkeypatch.setattr(parsing.limits, "MAX_ATTACHMENTS", 2)
    raw = make_email(
        attachments=[(f"note{n}.txt", "text/plain", b"hello") for n in range(5)]
    ).replace(b"From: Ann Lee", b"From: Bob <bob@example.net>\nFrom: Ann Lee", 1)

    row = pipe(raw).row

    assert row.attachments_dropped == 3 and row.from_header_count == 2
    page = signed_in(world.agent).get(reverse("staff:case", args=[row.case.reference]))
    text = page.content.decode()
    assert "3 attachment(s) were not kept" in text
    assert "2 From headers" in text


def test_the_staff_menu_offers_held_email_only_to_those_who_may_review_it(world, signed_in):
    home = reverse("staff:home")
    held = reverse("inbound_email_staff:held_list")

    assert held in signed_in(world.agent).get(home).content.decode()
    assert held not in signed_in(world.highways_officer).get(home).content.decode()
