""" "Is it sorted?" answered no within the reopen window reopens the case and tells the team:
an email to the assigned caseworker, else to the department's address, once, via the outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from enquiries import intake, services
from enquiries.choices import Channel, Status
from enquiries.intake import ContactDetails
from enquiries.models import Notification
from router import outcomes
from tests.factories import DepartmentFactory, ServiceFactory, UserFactory, submit_web_case
from tests.integration.outbox_runner import drain

pytestmark = pytest.mark.django_db


def resolved_case(*, assignee=None):
    highways = DepartmentFactory(name="Highways", slug="highways", email="highways@council.example")
    case = submit_web_case(service=ServiceFactory(name="Report a pothole", department=highways))
    drain()
    if assignee is not None:
        case.assignee = assignee
        case.save(update_fields=["assignee"])
    services.case_transition(case=case, to=Status.RESOLVED)
    drain()
    case.refresh_from_db()
    mail.outbox.clear()
    return case


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_no_on_the_tracking_page_emails_the_assigned_caseworker_with_the_reason(client):
    officer = UserFactory(email="sam.officer@council.example")
    case = resolved_case(assignee=officer)
    client.post(
        reverse("router:is_it_sorted", args=[case.tracking_token()]),
        {"is_sorted": "no", "reason": "The hole is still there."},
    )
    drain()
    drain()  # a second delivery of the same work sends nothing more
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    [email] = to("sam.officer@council.example")
    assert case.reference in email.subject and "not sorted" in email.subject
    assert "The hole is still there." in email.body
    assert "the caseworker assigned to it" in email.body
    assert f"/staff/cases/{case.reference}/" in email.body
    assert not to("highways@council.example")
    row = Notification.objects.get(case=case, kind="not_sorted")
    assert row.resident is None  # a staff message: not on the resident's timeline or budget


def test_without_a_caseworker_the_departments_address_is_told():
    case = resolved_case()
    outcomes.answer(case=case, is_sorted=False, reason="Still broken")
    drain()
    [email] = to("highways@council.example")
    assert "Still broken" in email.body and "the Highways team" in email.body


def test_no_after_the_reopen_window_tells_nobody(settings):
    late = resolved_case()
    later = timezone.now() + timedelta(days=settings.REOPEN_WINDOW_DAYS + 1)
    outcomes.answer(case=late, is_sorted=False, reason="Still broken", now=later)
    drain()
    assert not mail.outbox
    assert not Notification.objects.filter(kind="not_sorted").exists()


def test_this_is_not_sorted_in_a_tracking_page_message_tells_the_team_too(client):
    officer = UserFactory(email="sam.officer@council.example")
    case = resolved_case(assignee=officer)
    client.post(
        case.tracking_path(), {"reply_key": "k1", "kind": "not_sorted", "body": "Still a hole."}
    )
    drain()
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    [email] = to("sam.officer@council.example")
    assert "Still a hole." in email.body


def test_a_thank_you_message_tells_nobody(client):
    case = resolved_case(assignee=UserFactory(email="sam.officer@council.example"))
    client.post(
        case.tracking_path(),
        {"reply_key": "k2", "kind": "message", "body": "Thank you, that answers my question"},
    )
    drain()
    assert not Notification.objects.filter(kind="not_sorted").exists()


def test_an_email_reply_saying_it_is_not_fixed_tells_the_team_too():
    """The words decide, whatever the channel: "not fixed" by email is "This is not sorted"."""
    officer = UserFactory(email="sam.officer@council.example")
    case = resolved_case(assignee=officer)
    intake.add_contact(
        case=case,
        idempotency_key="email:<reply-1@example.net>",
        contact=ContactDetails(channel=Channel.EMAIL, body="It is not fixed, the hole is back."),
    )
    drain()
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    [email] = to("sam.officer@council.example")
    assert "It is not fixed, the hole is back." in email.body


def test_an_email_question_on_a_finished_case_reopens_it_without_telling_the_team():
    case = resolved_case(assignee=UserFactory(email="sam.officer@council.example"))
    intake.add_contact(
        case=case,
        idempotency_key="email:<reply-2@example.net>",
        contact=ContactDetails(channel=Channel.EMAIL, body="When will the road be resurfaced?"),
    )
    drain()
    case.refresh_from_db()
    assert case.status == Status.REOPENED  # back in the queue, where the team sees it
    assert not Notification.objects.filter(kind="not_sorted").exists()
