"""Staff second factor (TOTP): enrolment and reset, in one place for the sign-in views and admin."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from enquiries import access_log

DEVICE_NAME = "Authenticator app"


def new_enrolment(user: Any) -> TOTPDevice:
    """A fresh, unconfirmed device: any earlier unconfirmed one is thrown away, never re-shown.

    A secret shown on one visit is only ever confirmed in that visit's session; whoever signs in
    with the password later gets a new secret, so a shoulder-surfed QR code is worthless.
    """
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def pending_enrolment(user: Any, device_id: Any) -> TOTPDevice | None:
    """The unconfirmed device this session created, if it still exists."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def reset_second_factor(*, user: Any, by: Any, path: str) -> int:
    """Remove every authenticator of ``user`` (lost phone): they enrol afresh at next sign-in.

    Sessions verified with a removed device stop being verified at once (django-otp looks the
    device up on every request). The reset is written to the access log.
    """
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        access_log.record_action(
            user=by,
            action="reset_second_factor",
            path=f"{path} user {user.pk} {user.get_username()}",
        )
    return removed  # type: ignore[no-any-return]  # django-otp: untyped
