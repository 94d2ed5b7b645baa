"""Change my details: the resident, through their own tracking link, changes the contact
details used for that enquiry. Thin: the form validates, ``residents.change_own_details``
decides which record changes and records every change (channel tracking_link)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from channels.web import ratelimit
from channels.web.forms import ContactForm
from channels.web.views.journey import rate_limited
from channels.web.views.tracking import _case, _noindex
from enquiries import residents
from enquiries.choices import UpdatePreference
from enquiries.models import Resident


class ChangeDetailsForm(ContactForm):
    """The journey's own contact questions, so the same rules apply (a mobile for texts…)."""


def _initial(resident: Resident) -> dict[str, Any]:
    updates = resident.preferred_channel if resident.consent_updates else UpdatePreference.NONE
    return {
        "full_name": resident.full_name,
        "email": resident.email,
        "phone": resident.phone,
        "updates": updates,
    }


@never_cache
@require_http_methods(["GET", "POST"])
def change_details(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(token)
    resident = case.resident
    form = ChangeDetailsForm(request.POST or None, initial=_initial(resident))
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allow(request, "find"):
            return rate_limited(request, "find")
        data = form.cleaned_data
        try:
            pending = residents.request_own_details_change(
                case=case,
                changes={
                    "full_name": data["full_name"],
                    "email": data["email"],
                    "phone": data["phone"],
                    "preferred_channel": data["updates"],
                    "consent_updates": data["updates"] != UpdatePreference.NONE,
                },
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            if pending:
                return redirect("web:confirm_details", token=token)
            return redirect(reverse("web:change_details", args=[token]) + "?changed=1")
    context = {
        "case": case,
        "form": form,
        "token": token,
        "changed": request.method == "GET" and request.GET.get("changed") == "1",
    }
    status = 400 if form.is_bound and form.errors else 200
    return _noindex(render(request, "web/change_details.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_details(request: HttpRequest, token: str) -> HttpResponse:
    """Type the code we sent to the new email address or phone number."""
    case = _case(token)
    waiting = residents.open_confirmations(case)
    error = ""
    if request.method == "POST":
        if not ratelimit.allow(request, "find"):
            return rate_limited(request, "find")
        try:
            residents.confirm_own_details(case=case, code=request.POST.get("code", ""))
        except ValidationError as exc:
            error = exc.message_dict["code"][0]
        else:
            return redirect(reverse("web:change_details", args=[token]) + "?changed=1")
    context = {"case": case, "token": token, "waiting": waiting, "error": error}
    status = 400 if error else 200
    return _noindex(render(request, "web/confirm_details.html", context, status=status))
