"""Staff pages for held inbound mail: a list, one message, and "open a case from it"."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from channels.inbound_email import held, ingest
from channels.inbound_email.models import InboundMessage
from enquiries import policy
from enquiries.staff.access import staff_required


def _may_review(request: HttpRequest) -> None:
    if not policy.can_review_held_email(request.user):
        raise Http404("No such page")


@staff_required
def held_list(request: HttpRequest) -> HttpResponse:
    _may_review(request)
    status = request.GET.get("status", "")
    page = Paginator(held.held_messages(status=status), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "inbound_email/held_list.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status}" if status in held.HELD else "",
            "statuses": InboundMessage.Status,
        },
    )


@staff_required
def held_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _may_review(request)
    row = get_object_or_404(InboundMessage, pk=pk)
    parsed = ingest.safe_parse(bytes(row.raw))
    return render(
        request,
        "inbound_email/held_detail.html",
        {"row": row, "parsed": parsed, "can_open": row.status in held.HELD},
    )


@staff_required
@require_POST
def held_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    _may_review(request)
    row = get_object_or_404(InboundMessage, pk=pk)
    try:
        row = held.open_case_from_held(row, by=request.user)
    except held.CannotOpen as exc:
        messages.error(request, f"No case was opened: {exc}")
        return redirect("inbound_email_staff:held_detail", pk=pk)
    case = row.case
    assert case is not None  # open_case_from_held links the new case or raises CannotOpen
    messages.success(request, f"Case {case.reference} opened in triage.")
    return redirect("staff:case", case.reference)
