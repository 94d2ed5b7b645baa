"""JSON for staff tools (the call screen's look-ups): the same policy and access log as pages."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from enquiries import access_log, policy
from enquiries import staff_selectors as selectors
from enquiries.staff.access import staff_api


@staff_api
@require_GET
def case_summary(request: HttpRequest, reference: str) -> JsonResponse:
    """What an agent needs to answer "where is my request?"; 404 for cases out of reach."""
    from django.http import Http404

    try:
        case = selectors.case_for_page(
            request.user, reference, policy.VIEW, path=request.get_full_path()
        )
    except Http404:
        return JsonResponse({"error": "No case found."}, status=404)
    access_log.record_view(user=request.user, path=request.get_full_path(), case=case)
    return JsonResponse(
        {
            "reference": case.reference,
            "summary": case.summary,
            "status": case.status,
            "status_label": case.get_status_display(),
            "service": case.service.name if case.service else None,
            "department": case.department.name if case.department else None,
            "expected_by": case.expected_by.isoformat() if case.expected_by else None,
            "sla_state": selectors.sla_state_now(case),
            "assignee": (case.assignee.get_full_name() or case.assignee.get_username())
            if case.assignee
            else None,
            "resident": {"id": case.resident_id, "name": case.resident.full_name},
            "can_change": policy.can_change_case(request.user, case),
            "can_add_contact": policy.can_add_contact(request.user, case),
        }
    )


@staff_api
@require_GET
def resident_search(request: HttpRequest) -> JsonResponse:
    query = request.GET.get("q", "")[:200]
    result = selectors.search_residents(request.user, query)
    access_log.record_views(
        user=request.user, path=request.get_full_path(), residents=result.residents
    )
    return JsonResponse(
        {
            "kind": result.kind,
            "problem": result.problem,
            "results": [
                {
                    "id": r.pk,
                    "name": r.full_name,
                    "email": r.email,
                    "phone": r.phone,
                    "postcode": r.postcode,
                    "open_cases": r.open_cases or 0,  # type: ignore[attr-defined]  # set by the search
                }
                for r in result.residents
            ],
        }
    )
