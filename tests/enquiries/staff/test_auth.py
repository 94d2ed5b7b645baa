"""Staff sign-in: password, then TOTP (django-otp); lock-out (django-axes); inactivity expiry."""

import base64
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct-horse-battery-staple"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_with_password(client, username, password=PASSWORD, next_url=""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("staff:login"), data)


def test_two_factor_is_required_in_the_test_environment(settings):
    assert settings.STAFF_REQUIRE_2FA is True


def test_first_sign_in_sets_up_an_authenticator_app(client, world):
    response = sign_in_with_password(client, "highways.officer")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:two_factor_setup"))
    # signed in with a password only: staff pages still refuse
    assert client.get(reverse("staff:home"))["Location"].startswith(
        reverse("staff:two_factor_setup")
    )
    page = client.get(reverse("staff:two_factor_setup"))
    assert page.status_code == 200
    assert b"<svg" in page.content and b"QR code" in page.content
    device = TOTPDevice.objects.get(user=world.highways_officer)
    assert not device.confirmed
    done = client.post(reverse("staff:two_factor_setup"), {"token": code_for(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("staff:home")).status_code == 200


def test_a_wrong_code_does_not_confirm_the_app(client, world):
    sign_in_with_password(client, "agent")
    client.get(reverse("staff:two_factor_setup"))
    response = client.post(reverse("staff:two_factor_setup"), {"token": "000000"})
    assert response.status_code == 200
    assert b"The code is wrong" in response.content
    assert not TOTPDevice.objects.get(user=world.agent).confirmed


def test_later_sign_ins_ask_for_the_code_and_go_where_they_were_going(client, world):
    device = TOTPDevice.objects.create(user=world.agent, name="phone", confirmed=True)
    target = reverse("staff:case", args=[world.highways_case.reference])
    response = sign_in_with_password(client, "agent", next_url=target)
    assert response["Location"].startswith(reverse("staff:two_factor_verify"))
    # with a confirmed app, setting up another one is not offered to a half-signed-in session
    assert client.get(reverse("staff:two_factor_setup"))["Location"].startswith(
        reverse("staff:two_factor_verify")
    )
    wrong = client.post(response["Location"], {"token": "123456"})
    assert b"The code is wrong" in wrong.content
    # a wrong code throttles the device for a moment (django-otp), so try again a little later
    with time_machine.travel(timezone.now() + timedelta(seconds=3)):
        right = client.post(response["Location"], {"token": code_for(device)})
    assert right["Location"] == target
    assert client.get(target).status_code == 200


def test_the_demo_switch_skips_the_second_factor(client, world, settings):
    settings.STAFF_REQUIRE_2FA = False
    response = sign_in_with_password(client, "agent")
    assert response["Location"] == reverse("staff:home")
    assert client.get(reverse("staff:home")).status_code == 200


def test_accounts_without_a_staff_role_cannot_sign_in(client, world):
    response = sign_in_with_password(client, "outsider")
    assert response.status_code == 200
    assert b"Enter a correct user name and password" in response.content
    assert "_auth_user_id" not in client.session


def test_an_outside_next_address_is_ignored(client, world, settings):
    settings.STAFF_REQUIRE_2FA = False
    response = sign_in_with_password(client, "agent", next_url="https://evil.example/")
    assert response["Location"] == reverse("staff:home")


def test_five_wrong_passwords_lock_the_account_out(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in_with_password(client, "agent", password="wrong-password")
        assert response.status_code == 200
    locked = sign_in_with_password(client, "agent", password="wrong-password")
    assert locked.status_code == 429
    # now even the right password is refused, and no session is started
    again = sign_in_with_password(client, "agent")
    assert again.status_code == 429
    assert b"Your account is locked" in again.content
    assert "_auth_user_id" not in client.session


def test_the_lock_out_is_per_user_name(client, world, settings):
    settings.STAFF_REQUIRE_2FA = False
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in_with_password(client, "agent", password="wrong-password")
    assert sign_in_with_password(client, "frontdesk").status_code == 302


def test_sessions_end_after_inactivity(signed_in, world, settings):
    client = signed_in(world.agent)
    assert client.get(reverse("staff:home")).status_code == 200
    later = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)
    with time_machine.travel(later):
        response = client.get(reverse("staff:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))


def test_activity_keeps_the_session_alive(signed_in, world, settings):
    client = signed_in(world.agent)
    step = timedelta(seconds=settings.SESSION_COOKIE_AGE * 2 // 3)
    now = timezone.now()
    for n in range(1, 4):
        with time_machine.travel(now + step * n):
            assert client.get(reverse("staff:home")).status_code == 200


@pytest.mark.parametrize("method", ["get", "post"])
def test_sign_out_needs_a_post(client, world, method, signed_in):
    client = signed_in(world.agent)
    response = getattr(client, method)(reverse("staff:logout"))
    if method == "get":
        assert response.status_code == 405
    else:
        assert response.status_code == 302
        assert client.get(reverse("staff:home")).status_code == 302


def test_an_unconfirmed_secret_is_never_shown_to_a_later_visit(world):
    from django.test import Client

    first = Client()
    sign_in_with_password(first, "agent")
    shown = first.get(reverse("staff:two_factor_setup")).context["secret"]
    # reloading in the same session keeps the same secret (the app may already have scanned it)
    assert first.get(reverse("staff:two_factor_setup")).context["secret"] == shown

    # someone else who knows only the password signs in later: they get a new secret
    later = Client()
    sign_in_with_password(later, "agent")
    page = later.get(reverse("staff:two_factor_setup"))
    assert page.context["secret"] != shown
    assert shown not in page.content.decode()
    assert TOTPDevice.objects.filter(user=world.agent).count() == 1

    # and the first secret can no longer be confirmed by anyone
    old_key = base64.b32decode(shown).hex()
    old = TOTPDevice(user=world.agent, key=old_key)
    refused = first.post(reverse("staff:two_factor_setup"), {"token": code_for(old)})
    assert refused.status_code == 200
    assert b"set-up has expired" in refused.content
    assert not TOTPDevice.objects.filter(user=world.agent, confirmed=True).exists()
