"""The gate in front of every staff page: signed in, a staff role, and (where required) 2FA.

Which cases and residents a user may then see is decided in ``enquiries.policy``; this module
only decides whether the person is allowed into the workspace at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache

from enquiries import policy

View = Callable[..., HttpResponseBase]


def needs_second_factor(request: HttpRequest) -> bool:
    """True while a signed-in user still owes a one-time code for this session."""
    if not settings.STAFF_REQUIRE_2FA:
        return False
    return not request.user.is_verified()  # type: ignore[union-attr]  # django_otp's middleware adds it


def second_factor_url(request: HttpRequest) -> str:
    from django_otp import user_has_device

    name = "staff:two_factor_verify" if user_has_device(request.user) else "staff:two_factor_setup"
    return reverse(name)


def staff_required(view: View) -> View:
    """Staff pages: redirect to sign in, then to the second factor; refuse non-staff accounts."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not policy.is_portal_staff(request.user):
            return redirect_to_login(request.get_full_path())
        if needs_second_factor(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{second_factor_url(request)}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def staff_api(view: View) -> View:
    """JSON endpoints: the same gate, answered in JSON (never a redirect to an HTML page)."""

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated or not policy.is_portal_staff(request.user):
            return JsonResponse({"error": "Sign in as a member of staff."}, status=401)
        if needs_second_factor(request):
            return JsonResponse({"error": "Two-factor sign-in is required."}, status=401)
        return view(request, *args, **kwargs)

    return wrapper
