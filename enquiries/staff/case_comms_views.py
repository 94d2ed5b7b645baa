"""Case-page actions that speak to the resident: ask them for information, move their date.

Each action: check the policy, validate, call one service; a form with errors re-renders the
case page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from enquiries import policy, services
from enquiries import staff_selectors as selectors
from enquiries.lifecycle import IllegalTransition
from enquiries.models import Case
from enquiries.staff.access import staff_required
from enquiries.staff.case_comms import ExpectedDateForm, RequestInfoForm
from enquiries.staff.case_views import _page as case_page


def _case(request: HttpRequest, reference: str) -> Case:
    return selectors.case_for_page(
        request.user, reference, policy.CHANGE, path=request.get_full_path()
    )


def _page(request: HttpRequest, case: Case, status: int, **bound: Any) -> HttpResponse:
    return case_page(request, case, status, **bound)


@staff_required
@require_POST
def request_info(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = RequestInfoForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, request_info_form=form)
    try:
        services.request_information(
            case=case, question=form.cleaned_data["question"], by=request.user
        )
    except (ValueError, IllegalTransition) as exc:
        form.add_error("question", str(exc))
        return _page(request, case, 409, request_info_form=form)
    messages.success(request, "Question sent to the resident. The case waits for their reply.")
    return redirect("staff:case", reference=case.reference)


@staff_required
@require_POST
def expected_date(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = ExpectedDateForm(request.POST)
    if not form.is_valid():
        return _page(request, case, 400, expected_date_form=form)
    try:
        services.change_expected_date(
            case=case,
            expected_at=form.expected_at(),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except ValueError as exc:
        form.add_error("reason", str(exc))
        return _page(request, case, 409, expected_date_form=form)
    messages.success(request, "Expected date changed. The resident has been told why.")
    return redirect("staff:case", reference=case.reference)
