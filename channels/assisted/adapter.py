"""Turn a logged call or visit into intake commands: the same intake service as every channel.

Nothing here writes to the database itself: new cases go through ``intake.submit``, contacts on
existing cases through ``intake.add_contact``, residents through ``intake.resident_from_details``
and "tell us once" through ``services.subscribe``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db import transaction

from enquiries import intake, services
from enquiries.choices import Status
from enquiries.intake import ContactDetails, IntakeResult, NewCase, ResidentDetails
from enquiries.models import Case, Resident, Service

KEY_PREFIX = "assisted:"


def contact_details(
    data: dict[str, Any], *, by: Any, is_chaser: bool = False, is_public: bool = True
) -> ContactDetails:
    """The contact as recorded by the officer: channel, call length or office, assisted digital."""
    return ContactDetails(
        channel=data["channel"],
        body=data.get("body", ""),
        recorded_by=by,
        call_duration_seconds=data.get("duration"),
        office=data.get("office", ""),
        is_chaser=is_chaser,
        assisted_digital=bool(data.get("assisted_digital")),
        assisted_digital_reason=data.get("assisted_digital_reason", ""),
        is_public=is_public,
    )


def create_resident(data: dict[str, Any]) -> Resident:
    """A new resident from the call screen (after the officer has seen likely duplicates)."""
    details = ResidentDetails(
        full_name=data["full_name"],
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        address=data.get("address", ""),
        postcode=data.get("postcode", ""),
        preferred_channel=data["preferred_channel"],
        match_existing=False,
    )
    with transaction.atomic():
        return intake.resident_from_details(details)


def open_case(
    *,
    token: str,
    resident: Resident,
    service: Service,
    case_data: dict[str, Any],
    answers: dict[str, Any],
    contact: ContactDetails,
    resolved_outcome: str = "",
) -> IntakeResult:
    """A new case with the service's answers, exactly as the online form submits one.

    Resolved at first contact: stored closed with its outcome (so it counts in statistics), in
    the service's department because a closed case is never routed.
    """
    description = case_data.get("description", "")
    return intake.submit(
        NewCase(
            idempotency_key=f"{KEY_PREFIX}{token}",
            contact=replace(contact, body=contact.body or description),
            resident=resident,
            summary=case_data["summary"],
            description=description,
            service=service,
            answers=answers,
            address=case_data.get("address", ""),
            postcode=case_data.get("postcode", ""),
            department=service.department if resolved_outcome else None,
            resolved_outcome=resolved_outcome,
        )
    )


def add_to_case(
    *, token: str, case: Case, resident: Resident, contact: ContactDetails
) -> IntakeResult:
    """Another contact on a case; a case waiting for the resident wakes, a finished one does not
    reopen (the caseworker decides that)."""
    return intake.add_contact(
        case=case,
        idempotency_key=f"{KEY_PREFIX}{token}",
        contact=contact,
        resident=resident,
        wake_case=case.status == Status.AWAITING_RESIDENT,
    )


def attach_to_case(
    *, token: str, case: Case, resident: Resident, contact: ContactDetails, by: Any
) -> IntakeResult:
    """Tell us once: the resident follows an open case about the same problem, no new case."""
    result = add_to_case(token=f"{token}:attach", case=case, resident=resident, contact=contact)
    services.subscribe(case=case, resident=resident, channel=contact.channel, by=by)
    return result
