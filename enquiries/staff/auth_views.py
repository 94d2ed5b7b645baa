"""Staff sign-in: password (watched by django-axes), then a TOTP code (django-otp).

``authenticate`` is given the request so axes counts failures by user name and address and locks
the account out after ``AXES_FAILURE_LIMIT``. Accounts without a staff role are refused with the
same message as a wrong password, so the form does not reveal which accounts exist.
"""

from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from enquiries import policy, second_factor
from enquiries.staff.access import needs_second_factor
from enquiries.staff.forms import LoginForm, TokenForm

BAD_CREDENTIALS = "Enter a correct user name and password. Both are case-sensitive."
ENROLMENT_SESSION_KEY = "staff_2fa_enrolment"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{resolve_url(url_name)}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    signed_in = request.user.is_authenticated and policy.is_portal_staff(request.user)
    if signed_in and not needs_second_factor(request):
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return render(request, "staff/locked_out.html", status=429)
        if user is not None and policy.is_portal_staff(user):
            auth_login(request, user)
            if settings.STAFF_REQUIRE_2FA:
                step = (
                    "staff:two_factor_verify" if user_has_device(user) else "staff:two_factor_setup"
                )
                return redirect(_with_next(step, next_url))
            return redirect(next_url)
        form.add_error(None, BAD_CREDENTIALS)
    return render(request, "staff/login.html", {"form": form, "next": next_url})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("staff:login")


def _signed_in_staff(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated or not policy.is_portal_staff(request.user):
        return redirect_to_login(request.get_full_path())
    return None


@csrf_protect
@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    refused = _signed_in_staff(request)
    if refused:
        return refused
    next_url = _next_url(request)
    if request.user.is_verified():  # type: ignore[union-attr]  # set by OTPMiddleware
        return redirect(next_url)
    if not user_has_device(request.user):
        return redirect(_with_next("staff:two_factor_setup", next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", "The code is wrong or has expired. Enter the newest code")
    return render(request, "staff/two_factor_verify.html", {"form": form, "next": next_url})


@csrf_protect
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: register an authenticator app. Never offered once a device is confirmed."""
    refused = _signed_in_staff(request)
    if refused:
        return refused
    next_url = _next_url(request)
    if user_has_device(request.user):
        return redirect(_with_next("staff:two_factor_verify", next_url))
    # The secret is shown only in the session that created it; any other visit starts afresh,
    # so knowing the password never reveals a secret someone else is about to confirm.
    device = second_factor.pending_enrolment(
        request.user, request.session.get(ENROLMENT_SESSION_KEY)
    )
    expired = device is None and request.method == "POST"
    if device is None:
        device = second_factor.new_enrolment(request.user)
        request.session[ENROLMENT_SESSION_KEY] = device.pk
    form = TokenForm(request.POST or None)
    if expired:
        form.is_valid()
        form.add_error(
            "token",
            "This set-up has expired because the account was set up from somewhere else. "
            "Scan the new QR code and enter the code it shows",
        )
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return redirect(next_url)
        form.add_error("token", "The code is wrong or has expired. Enter the newest code")
    return render(
        request,
        "staff/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        },
    )


def qr_svg(text: str) -> str:
    """The otpauth:// link as an inline SVG QR code (no image request, allowed by the CSP)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    svg = svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1
    )
    return mark_safe(svg)  # noqa: S308 - generated by qrcode from our own URL, no user input
