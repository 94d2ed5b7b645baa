"""The demo's outbox: messages `make run` would have sent, readable by staff with their links."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from enquiries import demo_outbox, notifications
from enquiries.models import Notification
from tests.factories import CaseFactory, ResidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_on(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EMAIL_MODE = "outbox"
    settings.SMS_MODE = "outbox"
    settings.NOTIFY_API_KEY = ""
    settings.MAILERS = {"default": {"BACKEND": "enquiries.demo_outbox.DemoOutboxEmailBackend"}}
    return tmp_path / "outbox"


def test_an_email_is_kept_whole_with_its_links(outbox_on):
    message = EmailMultiAlternatives(
        "Your enquiry NCC-123",
        "We have your report.\nFollow it: http://127.0.0.1:8101/track/abc123/.\nThanks",
        to=["resident@example.com"],
    )
    message.attach_alternative("<p>We have your report.</p>", "text/html")
    message.send()

    [kept] = demo_outbox.recent_messages()
    assert kept.kind == "Email"
    assert kept.to == "resident@example.com"
    assert kept.subject == "Your enquiry NCC-123"
    assert "We have your report." in kept.body
    assert kept.links == ["http://127.0.0.1:8101/track/abc123/"]
    assert not list(outbox_on.glob(".*"))  # no half-written files left behind


def test_newest_first_and_an_unreadable_file_is_skipped(outbox_on):
    mail.send_mail("first", "one", None, ["a@example.com"])
    mail.send_mail("second", "two", None, ["b@example.com"])
    (outbox_on / "99999999T999999999999-broken.sms.json").write_text("{not json")
    assert [m.subject for m in demo_outbox.recent_messages()] == ["second", "first"]


def test_a_resident_who_prefers_texts_gets_one_in_the_demo(outbox_on):
    resident = ResidentFactory(phone="07700900123", email="", preferred_channel="sms")
    case = CaseFactory(resident=resident)
    assert notifications.choose_medium(resident) == Notification.Medium.SMS
    row = Notification.objects.create(
        case=case,
        resident=resident,
        kind="received",
        medium=Notification.Medium.SMS,
        idempotency_key="demo-text-1",
        to_address=resident.phone,
        body=f"We have your report {case.reference}. http://127.0.0.1:8000/track/x/",
    )
    notifications._send_sms(row, case)

    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    [text] = demo_outbox.recent_messages()
    assert (text.kind, text.to) == ("Text message", "07700900123")
    assert text.links == ["http://127.0.0.1:8000/track/x/"]


def test_without_the_outbox_texts_need_notify(settings):
    settings.SMS_MODE = "off"
    settings.NOTIFY_API_KEY = ""
    resident = ResidentFactory(phone="07700900123", email="x@example.com", preferred_channel="sms")
    assert notifications.choose_medium(resident) == Notification.Medium.EMAIL
