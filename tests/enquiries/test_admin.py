"""The Django admin: behind the same second factor as /staff/, no device secrets, no second write
path for casework, an immutable timeline and access log, and every look at personal data logged."""

import pytest
import requests
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries.choices import EventKind, Status
from enquiries.maintenance import history_rewrites_allowed
from enquiries.models import AccessLog, CaseEvent
from tests.conftest import requires_postgres
from tests.enquiries.staff import helpers
from tests.enquiries.staff.helpers import sign_in
from tests.factories import ContactFactory

PASSWORD = "correct-horse-battery-staple"
world = helpers.world  # the staff scenario: departments, cases and one account per role


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_session(base: str, username: str, next_url: str = "/admin/") -> requests.Session:
    """A real browser-like session that has given the right password and nothing more."""
    session = requests.Session()
    sign_in_url = f"{base}{reverse('staff:login')}"
    session.get(sign_in_url, timeout=10)
    response = session.post(
        sign_in_url,
        data={
            "username": username,
            "password": PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


# --- the door ------------------------------------------------------------------------------------


def test_a_password_alone_does_not_open_the_admin(live_server, world):
    TOTPDevice.objects.create(user=world.admin, name="Authenticator app", confirmed=True)
    session = password_session(live_server.url, "admin")
    for path in ("/admin/", "/admin/enquiries/resident/", "/admin/otp_totp/totpdevice/"):
        response = session.get(f"{live_server.url}{path}", timeout=10)
        assert response.url.startswith(f"{live_server.url}{reverse('staff:two_factor_verify')}"), (
            path
        )
        assert "administration" not in response.text


def test_the_password_and_a_code_open_the_admin(live_server, world):
    device = TOTPDevice.objects.create(user=world.admin, name="Authenticator app", confirmed=True)
    session = password_session(live_server.url, "admin")
    admin_home = session.get(f"{live_server.url}/admin/", timeout=10)
    assert admin_home.url.startswith(f"{live_server.url}{reverse('staff:two_factor_verify')}")
    verified = session.post(
        admin_home.url,
        data={"token": code_for(device), "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=10,
    )
    assert verified.status_code == 200
    assert verified.url == f"{live_server.url}/admin/"
    assert "Site administration" in verified.text


def test_the_admin_sign_in_page_is_the_staff_sign_in(client, world):
    response = client.get("/admin/login/?next=/admin/enquiries/case/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    assert "next=%2Fadmin%2Fenquiries%2Fcase%2F" in response["Location"]
    # the admin's own password form is never offered: posting to it signs no one in
    client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_the_demo_switch_lets_a_password_open_the_admin(client, world, settings):
    settings.STAFF_REQUIRE_2FA = False
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200


# --- second factor devices -----------------------------------------------------------------------


def test_device_secrets_are_never_shown(client, world):
    sign_in(client, world.admin)
    device = TOTPDevice.objects.create(user=world.agent, name="Authenticator app", confirmed=True)
    listing = client.get("/admin/otp_totp/totpdevice/")
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert listing.status_code == 200 and page.status_code == 200
    for response in (listing, page):
        body = response.content.decode()
        assert device.key not in body
        assert device.config_url not in body
        assert 'name="key"' not in body
        assert "qrcode" not in body.lower()
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403
    qr_page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True)
    assert device.key not in qr_page.content.decode()
    assert "otpauth" not in qr_page.content.decode()


def test_an_admin_can_reset_someones_second_factor_and_it_is_logged(client, world):
    sign_in(client, world.admin)
    TOTPDevice.objects.create(user=world.agent, name="Authenticator app", confirmed=True)
    response = client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [world.agent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=world.agent).exists()
    row = AccessLog.objects.get(action="reset_second_factor")
    assert row.user == world.admin
    assert "agent" in row.path
    assert b"second factor was reset" in response.content


# --- personal data is access-logged --------------------------------------------------------------


def test_opening_a_resident_in_the_admin_is_access_logged(client, world):
    sign_in(client, world.admin)
    resident = world.highways_case.resident
    response = client.get(f"/admin/enquiries/resident/{resident.pk}/change/")
    assert response.status_code == 200
    assert AccessLog.objects.filter(
        user=world.admin, resident=resident, action="admin_view"
    ).exists()


def test_every_case_on_an_admin_list_is_access_logged(client, world):
    sign_in(client, world.admin)
    assert client.get("/admin/enquiries/case/").status_code == 200
    logged = set(
        AccessLog.objects.filter(user=world.admin, action="admin_list").values_list(
            "case_id", flat=True
        )
    )
    assert logged == {world.highways_case.pk, world.waste_case.pk}


def test_contacts_and_attachments_in_the_admin_are_access_logged(client, world):
    sign_in(client, world.admin)
    contact = ContactFactory(case=world.waste_case)
    client.get(f"/admin/enquiries/contact/{contact.pk}/change/")
    row = AccessLog.objects.get(user=world.admin, action="admin_view")
    assert row.case == world.waste_case
    assert row.resident_id == contact.resident_id


# --- casework has one write path -----------------------------------------------------------------


def test_casework_cannot_be_changed_in_the_admin(client, world):
    sign_in(client, world.admin)
    case = world.highways_case
    url = f"/admin/enquiries/case/{case.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    for field in ("status", "department", "assignee", "sla_due_at", "priority"):
        assert f'name="{field}"' not in page.content.decode(), field
    response = client.post(url, {"status": Status.CLOSED, "department": world.waste.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.department_id == world.highways.pk
    assert client.get("/admin/enquiries/case/add/").status_code == 403
    assert client.get(f"/admin/enquiries/case/{case.pk}/delete/").status_code == 403


@pytest.mark.parametrize("model", ["caseevent", "accesslog"])
def test_the_timeline_and_access_log_cannot_be_edited_by_anyone(client, world, model):
    sign_in(client, world.admin)
    event = CaseEvent.objects.create(case=world.highways_case, kind=EventKind.NOTE, message="x")
    log = AccessLog.objects.create(user=world.agent, path="/x", case=world.highways_case)
    pk = event.pk if model == "caseevent" else log.pk
    assert client.get(f"/admin/enquiries/{model}/add/").status_code in (403, 404)
    assert client.post(f"/admin/enquiries/{model}/{pk}/change/", {}).status_code in (403, 404)
    assert client.post(f"/admin/enquiries/{model}/{pk}/delete/", {"post": "yes"}).status_code in (
        403,
        404,
    )
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert AccessLog.objects.filter(pk=log.pk).exists()


@requires_postgres()
def test_the_database_refuses_to_rewrite_the_timeline_or_the_access_log(world):
    event = CaseEvent.objects.create(case=world.highways_case, kind=EventKind.NOTE, message="x")
    log = AccessLog.objects.create(user=world.agent, path="/x", case=world.highways_case)
    errors = (InternalError, IntegrityError, ProgrammingError)
    for statement in (
        lambda: CaseEvent.objects.filter(pk=event.pk).update(message="rewritten"),
        lambda: CaseEvent.objects.filter(pk=event.pk).delete(),
        lambda: AccessLog.objects.filter(pk=log.pk).update(path="/elsewhere"),
        lambda: AccessLog.objects.filter(pk=log.pk).delete(),
    ):
        with pytest.raises(errors, match="append-only"), transaction.atomic():
            statement()
    # deleting a person or a resident still works: their links may be cleared, nothing else
    CaseEvent.objects.filter(pk=event.pk).update(actor=None)
    AccessLog.objects.filter(pk=log.pk).update(case=None, resident=None)
    with pytest.raises(errors, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=log.pk).update(case=world.waste_case)
    # an operator's retention job that says so may delete old rows
    with history_rewrites_allowed():
        AccessLog.objects.filter(pk=log.pk).delete()
    assert not AccessLog.objects.filter(pk=log.pk).exists()


def test_an_inbound_email_and_its_raw_download_in_the_admin_are_access_logged(client, world):
    from tests.channels.inbound_email.mails import make_email, pipe

    message = pipe(make_email(sender="Ann Lee <ann.lee@example.org>")).row
    assert message.case_id is not None
    sign_in(client, world.admin)
    page = client.get(f"/admin/channels_inbound_email/inboundmessage/{message.pk}/change/")
    raw = client.get(f"/admin/channels_inbound_email/inboundmessage/{message.pk}/raw/")
    assert page.status_code == 200 and raw.status_code == 200
    rows = AccessLog.objects.filter(user=world.admin, action="admin_view")
    assert rows.count() == 2
    assert {row.case_id for row in rows} == {message.case_id}


def test_after_a_reset_the_next_sign_in_enrols_a_new_secret(client, world):
    old = TOTPDevice.objects.create(user=world.agent, name="Authenticator app", confirmed=True)
    sign_in(client, world.admin)
    client.post(
        "/admin/auth/user/",
        {"action": "reset_second_factor", "_selected_action": [world.agent.pk]},
    )
    client.logout()
    client.post(reverse("staff:login"), {"username": "agent", "password": PASSWORD})
    page = client.get(reverse("staff:two_factor_setup"))
    assert page.status_code == 200
    new = TOTPDevice.objects.get(user=world.agent)
    assert not new.confirmed and new.key != old.key
