"""Resident lookup and the single view of a resident: every case and contact, open first; who
else they might be (possible matches, decided here) and every change to their stored details."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from enquiries import access_log, policy, residents
from enquiries import staff_selectors as selectors
from enquiries.models import Resident
from enquiries.normalise import format_phone_for_display
from enquiries.residents import EDITABLE
from enquiries.staff.access import staff_required
from enquiries.staff.forms import MatchDecisionForm, ResidentDetailsForm, ResidentSearchForm


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
    undecided, decided = residents.matches_of(resident)
    return render(
        request,
        "staff/resident.html",
        {
            "overview": overview,
            "resident": resident,
            "phone_display": format_phone_for_display(resident.phone),
            "can_log_contacts": policy.can_log_contacts(request.user),
            "can_edit": policy.can_edit_resident(request.user, resident, seen=True),
            "can_decide": policy.can_manage_identity(request.user),
            "can_handle_data_protection": policy.can_handle_data_protection(request.user),
            "matches": [_side(m, resident) for m in undecided],
            "decided": [_side(m, resident) for m in decided],
            "history": residents.change_history(resident),
        },
    )


def _side(match, resident: Resident) -> dict[str, Any]:
    """A match as seen from this resident's page: the other record, and the detail shared."""
    other = match.other if match.resident_id == resident.pk else match.resident
    return {"match": match, "other": other, "phone": format_phone_for_display(other.phone)}


@staff_required
@require_POST
def decide_match(request: HttpRequest, pk: int, match_pk: int) -> HttpResponse:
    """Confirm (same person: shown together, never merged) or reject a possible match."""
    path = request.get_full_path()
    resident = policy.get_resident_for(request.user, pk, path=path)
    match = policy.get_possible_match_for(request.user, match_pk, resident=resident, path=path)
    form = MatchDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the records are the same person.")
        return redirect("staff:resident", pk=resident.pk)
    same = form.cleaned_data["decision"] == "confirm"
    try:
        residents.decide_possible_match(match=match, same_person=same, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("staff:resident", pk=resident.pk)
    action = "match:confirmed" if same else "match:rejected"
    for person in (match.resident, match.other):
        access_log.record_view(user=request.user, path=path, resident=person, action=action)
    messages.success(
        request,
        "Recorded: the same person." if same else "Recorded: different people.",
    )
    return redirect("staff:resident", pk=resident.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def edit_resident(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff change stored details; each change is recorded with who made it."""
    path = request.get_full_path()
    resident = policy.get_resident_for(request.user, pk, path=path)
    if not policy.can_edit_resident(request.user, resident, seen=True):
        access_log.record_denied(user=request.user, path=path, action="edit_resident", key=str(pk))
        raise Http404("No resident found.")
    initial = {name: getattr(resident, name) for name in EDITABLE}
    form = ResidentDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            details = {name: form.cleaned_data[name] for name in EDITABLE}
            changed = residents.resident_update_details(
                resident=resident,
                changes=details,
                by=request.user,
                channel=residents.Via.STAFF,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            access_log.record_view(user=request.user, path=path, resident=resident, action="edit")
            messages.success(
                request,
                f"{len(changed)} detail{'s' if len(changed) != 1 else ''} changed."
                if changed
                else "Nothing changed.",
            )
            return redirect("staff:resident", pk=resident.pk)
    else:
        access_log.record_view(user=request.user, path=path, resident=resident)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "staff/resident_edit.html", {"form": form, "resident": resident}, status=status
    )
