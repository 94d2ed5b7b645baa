"""Placing a case that arrived without a service: confident guesses are routed, the rest wait
in Triage with the top three suggestions as one-click choices. Keyword rules run first
(explicit beats learned): ``enquiries.services.route_case`` calls this only when none matched."""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enquiries.choices import EventKind
from enquiries.models import Case, Service
from router.models import Classification
from router.text import case_text
from router.training import active_classifier

logger = logging.getLogger(__name__)


def suggest(text: str, k: int = 3) -> list[dict]:
    """The k likeliest active services for free text, with confidences (any channel's words)."""
    loaded = active_classifier()
    if loaded is None or not text.strip():
        return []
    row, classifier = loaded
    ranked = classifier.top(text, k)
    names = dict(
        Service.objects.filter(slug__in=[s for s, _ in ranked], is_active=True).values_list(
            "slug", "name"
        )
    )
    return [
        {
            "service": slug,
            "name": names[slug],
            "confidence": round(p, 4),
            "threshold": row.thresholds.get(slug, settings.ROUTER_DEFAULT_THRESHOLD),
        }
        for slug, p in ranked
        if slug in names
    ]


def place_unrouted(*, case: Case, decision):
    """For a case no rule placed and with no service: set ``case.service`` when the router is
    confident enough, and return the routing decision with its reason. Unsaved: the caller
    saves the case in its own transaction."""
    try:
        loaded = active_classifier()
        suggestions = suggest(case_text(case)) if loaded else []
    except Exception:  # a broken model must never stop a case being routed: Triage has it
        logger.exception("The router model failed on case %s", case.pk)
        return decision
    if loaded is None or not suggestions:
        return decision
    row, _classifier = loaded
    best = suggestions[0]
    applied = best["confidence"] >= best["threshold"]
    Classification.objects.update_or_create(
        case=case,
        defaults={"model": row, "suggestions": suggestions, "applied": applied},
    )
    if not applied:
        return dataclasses.replace(
            decision,
            reason=f"{decision.reason}. The router's best guess was {best['name']} "
            f"({best['confidence']:.2f}, below the {best['threshold']:.2f} needed): "
            "Triage sees its top three suggestions",
        )
    service = Service.objects.select_related("department").get(slug=best["service"])
    case.service = service
    return dataclasses.replace(
        decision,
        department_slug=service.department.slug,
        reason=f"No rule matched: classified as {service.name}, {best['confidence']:.2f} "
        f"(router model v{row.version}; {best['threshold']:.2f} needed), so sent to "
        f"{service.department.name}",
        matched_on=(f"classified as {service.slug}",),
    )


@transaction.atomic
def choose_service(*, case: Case, service: Service, by) -> Case:
    """Triage's one-click choice: the case takes the service (the label training learns from),
    its due date from that service's target, and moves to the service's department."""
    from enquiries import services as case_services

    case = Case.objects.select_for_update(of=("self",)).select_related("department").get(pk=case.pk)
    previous = case.service
    case.service = service
    due = case_services.service_due_date(case) if case.routed_at else case.sla_due_at
    Case.objects.filter(pk=case.pk).update(
        service=service, sla_due_at=due, updated_at=timezone.now()
    )
    Classification.objects.filter(case=case).update(
        chosen_service=service, chosen_by=by, chosen_at=timezone.now()
    )
    case_services.record_event(
        case=case,
        kind=EventKind.NOTE,
        by=by,
        message=f"Service set to {service.name}"
        + (f" (was {previous.name})" if previous else "")
        + " from the router's suggestions"
        + (
            f"; due {timezone.localtime(due):%d %b %Y %H:%M} ({service.sla_days} working days)"
            if due
            else ""
        ),
        data={
            "service": service.slug,
            "from": previous.slug if previous else None,
            "due": due.isoformat() if due else None,
        },
    )
    if case.department_id != service.department_id:
        case = case_services.transfer(
            case=case,
            to_department=service.department,
            reason=f"Triage chose {service.name}",
            by=by,
        )
    case.refresh_from_db()
    return case
