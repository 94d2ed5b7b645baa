"""Resident lookup and the single view of a resident: every case and contact, open first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from enquiries import access_log, policy
from enquiries import staff_selectors as selectors
from enquiries.normalise import format_phone_for_display
from enquiries.staff.access import staff_required
from enquiries.staff.forms import ResidentSearchForm


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    result = None
    if form.is_valid():
        result = selectors.search_residents(request.user, form.cleaned_data["q"])
        access_log.record_views(
            user=request.user, path=request.get_full_path(), residents=result.residents
        )
    return render(request, "staff/search.html", {"form": form, "result": result})


@staff_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = policy.get_resident_for(request.user, pk, path=request.get_full_path())
    overview = selectors.resident_overview(request.user, resident)
    access_log.record_view(user=request.user, path=request.get_full_path(), resident=resident)
    return render(
        request,
        "staff/resident.html",
        {
            "overview": overview,
            "resident": resident,
            "phone_display": format_phone_for_display(resident.phone),
            "can_log_contacts": policy.can_log_contacts(request.user),
        },
    )
