"""The resident's answers to "Did this answer your question?" and "Is it sorted?" (through
their tracking link; both work without JavaScript), and Triage's one-click service choice."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from enquiries import policy, tracking
from enquiries import staff_selectors as selectors
from enquiries.models import Case, Service
from enquiries.selectors import case_for_tracking_token
from enquiries.staff.access import staff_required
from router import answers, outcomes, placing
from router.forms import ChooseServiceForm, HelpedForm, IsItSortedForm
from router.models import AutomaticAnswer


def _case(token: str) -> Case:
    case = case_for_tracking_token(token)
    if case is None or tracking.link_expired(case):
        raise Http404("No enquiry matches this link.")
    return case


def _noindex(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def answer_helped(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an automatic answer opens this page (a GET changes nothing)."""
    case = _case(token)
    answer = AutomaticAnswer.objects.filter(case=case).select_related("service").first()
    if answer is None:
        raise Http404("This enquiry had no automatic answer.")
    initial = {"helped": request.GET.get("helped")} if request.GET.get("helped") else {}
    form = HelpedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        answers.record_response(case=case, helped=form.cleaned_data["helped"] == "yes")
        return redirect(f"{case.tracking_path()}?answered=1")
    return _noindex(
        render(
            request,
            "router/answer_helped.html",
            {"case": case, "answer": answer, "form": form, "token": token},
            status=400 if form.is_bound and form.errors else 200,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def is_it_sorted(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(token)
    question = outcomes.open_question(case)
    if question is None:
        return redirect(case.tracking_path())
    initial = {"is_sorted": request.GET.get("sorted")} if request.GET.get("sorted") else {}
    form = IsItSortedForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcomes.answer(
            case=case,
            is_sorted=form.cleaned_data["is_sorted"] == "yes",
            satisfaction=form.cleaned_data["satisfaction"],
            reason=form.cleaned_data["reason"],
        )
        return redirect(f"{case.tracking_path()}?sorted_answered=1")
    return _noindex(
        render(
            request,
            "router/is_it_sorted.html",
            {"case": case, "form": form, "token": token},
            status=400 if form.is_bound and form.errors else 200,
        )
    )


@staff_required
@require_POST
def choose_service(request: HttpRequest, reference: str) -> HttpResponse:
    case = selectors.case_for_page(
        request.user, reference, policy.CHANGE, path=request.get_full_path()
    )
    form = ChooseServiceForm(request.POST)
    service = (
        Service.objects.filter(slug=form.cleaned_data["service"], is_active=True).first()
        if form.is_valid()
        else None
    )
    if service is None:
        messages.error(request, "Choose one of the suggested services.")
        return redirect("staff:case", reference=case.reference)
    placing.choose_service(case=case, service=service, by=request.user)
    messages.success(request, f"Service set to {service.name}.")
    if not policy.can_view_case(request.user, Case.objects.get(pk=case.pk)):
        return redirect("staff:worklist")
    return redirect("staff:case", reference=case.reference)
