"""Managers' view of the automation (per-rule matches and misroutes, chasers per service) and
the correction of an automatic chaser flag. Permissions: enquiries/policy.py."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from enquiries import access_log, chasers, policy
from enquiries import staff_selectors as selectors
from enquiries.choices import Direction
from enquiries.routing_stats import misrouting_by_rule
from enquiries.staff.access import staff_required

PERIODS = {"30": 30, "90": 90, "365": 365}


@staff_required
@require_GET
def routing_stats(request: HttpRequest) -> HttpResponse:
    if not policy.can_view_routing_stats(request.user):
        access_log.record_denied(
            user=request.user, path=request.get_full_path(), action="routing_stats"
        )
        raise Http404("No such page.")
    period = request.GET.get("days", "")
    days = PERIODS.get(period)
    since = timezone.now() - timedelta(days=days) if days else None
    context = {
        "rules": misrouting_by_rule(since=since, include_unmatched=True),
        "services": chasers.chasers_by_service(since=since),
        "days": days,
        "periods": PERIODS,
    }
    return render(request, "staff/routing_stats.html", context)


@staff_required
@require_POST
def correct_chaser(request: HttpRequest, reference: str, contact_pk: int) -> HttpResponse:
    case = selectors.case_for_page(
        request.user, reference, policy.ADD_CONTACT, path=request.get_full_path()
    )
    contact = case.contacts.filter(pk=contact_pk, direction=Direction.INBOUND).first()
    if contact is None or not policy.can_correct_chaser(request.user, case):
        raise Http404("No such contact on this case.")
    mark = request.POST.get("is_chaser") == "1"
    if chasers.correct_chaser(
        contact=contact, is_chaser=mark, by=request.user, path=request.get_full_path()
    ):
        what = "marked as chasing progress" if mark else "marked as not chasing progress"
        messages.success(request, f"Contact {what}.")
    return redirect("staff:case", reference=case.reference)
