"""Chasers: a resident contacting us about an open case we had not asked them about.

Chasing is failure demand (the resident had to ask what is happening), so it is counted per case
and per service. It is decided here, automatically, for every channel (email reply, tracking-page
message, phone call or visit logged by staff, partner API) when the contact is added; staff can
correct the flag on the case page, and the correction is logged.

A contact is a chaser when it comes from the resident (inbound) about an open case while no
request for information is outstanding (the case is not waiting for the resident's reply). A
message to a finished case is judged by ``enquiries.replies`` instead (it may reopen the case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count

from enquiries import access_log
from enquiries.choices import OPEN_STATUSES, Direction, EventKind, Status
from enquiries.models import Case, Contact


def is_chaser(case: Case, direction: str) -> bool:
    """Whether a new contact on ``case`` (in its status before the contact) chases progress."""
    return (
        direction == Direction.INBOUND
        and case.status in OPEN_STATUSES
        and case.status != Status.AWAITING_RESIDENT  # we asked them: this is their answer
    )


@transaction.atomic
def correct_chaser(*, contact: Contact, is_chaser: bool, by: Any, path: str) -> bool:
    """Staff correct the automatic flag; logged on the case's timeline and in the access log.

    Returns False when the flag already had that value (nothing is written).
    """
    changed = Contact.objects.filter(pk=contact.pk, is_chaser=not is_chaser).update(
        is_chaser=is_chaser
    )
    if not changed:
        return False
    contact.is_chaser = is_chaser
    from enquiries.services import record_event

    when = f"{contact.occurred_at:%d %b %Y %H:%M}"
    record_event(  # an internal note, so it shows on the staff timeline (contact events do not)
        case=contact.case,
        kind=EventKind.NOTE,
        by=by,
        message=(
            f"{contact.get_channel_display()} contact of {when} "
            + ("marked as chasing progress" if is_chaser else "marked as not chasing progress")
            + " by staff"
        ),
        data={"contact_id": contact.pk, "chaser": is_chaser, "corrected": True},
    )
    access_log.record_view(
        user=by,
        path=path,
        case=contact.case,
        action="chaser_marked" if is_chaser else "chaser_unmarked",
    )
    return True


def chasers_on_case(case: Case) -> int:
    return case.contacts.filter(is_chaser=True).count()


@dataclass(frozen=True)
class ServiceChasers:
    service_name: str
    chasers: int
    cases_chased: int


def chasers_by_service(*, since: datetime | None = None) -> list[ServiceChasers]:
    """Chasers per service (most first), and how many cases were chased at least once."""
    contacts = Contact.objects.filter(is_chaser=True)
    if since is not None:
        contacts = contacts.filter(occurred_at__gte=since)
    rows = (
        contacts.values("case__service__name")
        .annotate(chasers=Count("id"), cases=Count("case", distinct=True))
        .order_by("-chasers", "case__service__name")
    )
    return [
        ServiceChasers(
            service_name=row["case__service__name"] or "No service",
            chasers=row["chasers"],
            cases_chased=row["cases"],
        )
        for row in rows
    ]
