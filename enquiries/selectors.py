"""Every non-trivial read of cases: one place for the queries, their joins and their limits."""

from dataclasses import dataclass
from datetime import datetime

from enquiries.choices import Direction, Status
from enquiries.models import Case, CaseEvent, Contact, Resident, Service, hash_tracking_token
from enquiries.notifications import HUMAN_KINDS


def case_for_tracking_token(token: str) -> Case | None:
    if not token or len(token) > 100:
        return None
    rows = list(
        Case.objects.select_related("service", "department", "resident")
        .filter(tracking_token_hash=hash_tracking_token(token))
        .order_by()[:1]  # the hash is unique: compiling the default order only costs (~1 ms)
    )
    return rows[0] if rows else None


#: What the tracking page shows or checks of a case (tracking.link_expired, the status, the
#: promised date, the summary, a merge) and of its service: a third of the columns.
TRACKING_PAGE_FIELDS = (
    "reference",
    "service__name",
    "service__sla_days",
    "resident",
    "summary",
    "status",
    "sla_due_at",
    "expected_at",
    "merged_into",
    "tracking_salt",
    "tracking_token_hash",
    "tracking_issued_at",
    "created_at",
    "resolved_at",
    "closed_at",
)


def case_for_tracking_page(token: str) -> Case | None:
    """The case a tracking link shows, with only what the page reads: loading every column of
    the case, its service, department and resident (120 columns) was a third of the page's
    time. Anything else is loaded when first read; writers load their own row."""
    if not token or len(token) > 100:
        return None
    rows = list(
        Case.objects.select_related("service")
        .only(*TRACKING_PAGE_FIELDS)
        .filter(tracking_token_hash=hash_tracking_token(token))
        .order_by()[:1]  # the hash is unique: sorting by the default order only costs (~1 ms)
    )
    return rows[0] if rows else None


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    text: str
    kind: str


def public_timeline(
    case: Case, resident: Resident | None = None, *, viewer_id: int | None = None
) -> list[TimelineEntry]:
    """One person's view of the case (the reporter unless another resident is given): public
    events, what they sent, and what the council sent to them; nothing written by or addressed to
    anyone else (followers, a merged-in case's reporter), never staff names or notes.

    Emails and texts that only carry a status update are left out: the update's own public event
    says it once, instead of the whole rendered message (with its greeting and opt-out link).
    ``viewer_id`` names the person by id, for a caller that has not loaded them."""
    if viewer_id is None:
        viewer_id = resident.pk if resident is not None else case.resident_id
    # Plain rows, unsorted in SQL: the page's order is made here (each kind in its model's
    # order, then newest first, as before), without model instances or an ORDER BY to compile.
    events = sorted(
        CaseEvent.objects.filter(case=case)
        .exclude(public_message="")
        .order_by()
        .values_list("created_at", "id", "public_message", "kind")
    )
    entries = [TimelineEntry(when, "Council", text, kind) for when, _, text, kind in events]
    contacts = sorted(
        Contact.objects.filter(case=case, is_public=True, resident_id=viewer_id)
        .order_by()
        .values_list(
            "occurred_at",
            "id",
            "direction",
            "body",
            "channel",
            "notification__id",
            "notification__kind",
            "notification__medium",
            "notification__subject",
        ),
        key=lambda row: (row[0], row[1]),
    )
    for when, _, direction, body, channel, sent_id, sent_kind, medium, subject in contacts:
        if direction == Direction.INBOUND:
            entries.append(TimelineEntry(when, "You", body, f"contact_{channel}"))
            continue
        if sent_id is None or sent_kind in HUMAN_KINDS:  # a person's reply: its own words
            text = body
        elif sent_kind in Status.values:  # the status event already says it
            continue
        else:
            how = "an email" if medium == "email" else "a text message"
            text = f"We sent you {how}: {subject}" if subject else f"We sent you {how}."
        entries.append(TimelineEntry(when, "Council", text, f"contact_{channel}"))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def open_cases_nearby(*, service: Service, postcode_district: str, limit: int = 5) -> list[Case]:
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
