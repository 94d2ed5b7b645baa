"""The demo outbox page: staff read what the demo would have sent, and only in the demo."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_on(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EMAIL_MODE = "outbox"
    settings.MAILERS = {"default": {"BACKEND": "enquiries.demo_outbox.DemoOutboxEmailBackend"}}


def test_staff_read_the_outbox_page(outbox_on, world, signed_in):
    mail.send_mail(
        "Your enquiry", "Track it at http://127.0.0.1:8000/track/t0k/", None, ["r@x.org"]
    )
    client = signed_in(world.agent)
    page = client.get("/staff/outbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="http://127.0.0.1:8000/track/t0k/"' in html
    assert "Demo outbox</a>" in client.get("/staff/").content.decode()  # in the staff menu


def test_there_is_no_outbox_page_outside_the_demo(settings, world, signed_in):
    settings.EMAIL_MODE = "smtp"
    settings.SMS_MODE = "notify"
    client = signed_in(world.agent)
    assert client.get("/staff/outbox/").status_code == 404
    assert "Demo outbox" not in client.get("/staff/").content.decode()


def test_the_outbox_page_is_for_staff_only(outbox_on, client):
    response = client.get("/staff/outbox/")
    assert response.status_code == 302
    assert "/staff/sign-in/" in response["Location"]
