"""Every non-trivial read of cases: one place for the queries, their joins and their limits."""

from dataclasses import dataclass
from datetime import datetime

from enquiries.choices import Direction
from enquiries.models import Case, CaseEvent, Contact, hash_tracking_token


def case_for_tracking_token(token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    return (
        Case.objects.select_related("service", "department")
        .filter(tracking_token_hash=hash_tracking_token(token))
        .first()
    )


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    text: str
    kind: str


def public_timeline(case: Case) -> list[TimelineEntry]:
    """What the resident may see: public events and public contacts, never staff names or notes."""
    entries = [
        TimelineEntry(e.created_at, "Council", e.public_message, e.kind)
        for e in CaseEvent.objects.filter(case=case)
        .exclude(public_message="")
        .only("created_at", "public_message", "kind")
    ]
    for contact in Contact.objects.filter(case=case, is_public=True).only(
        "occurred_at", "direction", "body", "channel", "subject"
    ):
        who = "You" if contact.direction == Direction.INBOUND else "Council"
        entries.append(
            TimelineEntry(contact.occurred_at, who, contact.body, f"contact_{contact.channel}")
        )
    return sorted(entries, key=lambda e: e.when, reverse=True)


def open_cases_nearby(*, service, postcode_district: str, limit: int = 5) -> list[Case]:
    """Open reports of the same service in the same postcode district ("tell us once")."""
    from enquiries.choices import OPEN_STATUSES

    if not postcode_district:
        return []
    return list(
        Case.objects.filter(
            service=service,
            postcode_district=postcode_district,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .only("id", "reference", "address", "postcode", "status", "created_at", "service_id")
        .order_by("-created_at")[:limit]
    )
