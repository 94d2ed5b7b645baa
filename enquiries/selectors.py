"""Every non-trivial read of cases: one place for the queries, their joins and their limits."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from enquiries import fixed_queries
from enquiries.choices import Direction, Status
from enquiries.models import (
    Case,
    CaseEvent,
    Contact,
    Notification,
    Resident,
    Service,
    hash_tracking_token,
)
from enquiries.notifications import HUMAN_KINDS


def active_service(slug: str) -> Service | None:
    """The active service with this slug, its own row alone (no journey page shows its topic or
    department). Every page of the online form reads it: the query is ``fixed_queries``'
    (compiled once per process), as building it cost more than running it."""
    found = fixed_queries.rows("active-service", _active_service_query, slug)
    return Service.from_db(connection.alias, _SERVICE_COLUMNS, found[0]) if found else None


_SERVICE_COLUMNS = fixed_queries.columns(Service)


def _active_service_query(slug: str) -> QuerySet[Any]:
    """By slug (unique: no ORDER BY)."""
    return (
        Service.objects.order_by().filter(slug=slug, is_active=True).values_list(*_SERVICE_COLUMNS)
    )


def case_for_confirmation_page(case_id: int) -> Case | None:
    """The columns of a just-filed case that the confirmation page reads (its reference, status,
    Case.expected_by and Case.tracking_path), through ``fixed_queries`` like the tracking page's
    case: not the case's 45 columns and its service."""
    found = fixed_queries.rows("confirmation-page-case", _confirmation_page_query, case_id)
    return Case.from_db(connection.alias, _CONFIRMATION_COLUMNS, found[0]) if found else None


_CONFIRMATION_COLUMNS = fixed_queries.columns(
    Case,
    {
        "id",
        "reference",
        "status",
        "created_at",
        "expected_at",
        "sla_due_at",
        "tracking_salt",
        "tracking_token_hash",
    },
)


def _confirmation_page_query(case_id: int) -> QuerySet[Any]:
    return Case.objects.order_by().filter(pk=case_id).values_list(*_CONFIRMATION_COLUMNS)


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
    time. Anything else is loaded when first read; writers load their own row.

    The query is ``enquiries.fixed_queries``' (compiled once per process, as the staff case
    page's): building and compiling it on every view cost more than running it."""
    if not token or len(token) > 100:
        return None
    found = fixed_queries.rows(
        "tracking-page-case", _tracking_page_query, hash_tracking_token(token)
    )
    if not found:
        return None
    case: Case
    case, service = fixed_queries.instances(
        found[0], (Case, _TRACKING_CASE_COLUMNS), (Service, _TRACKING_SERVICE_COLUMNS)
    )
    Case._meta.get_field("service").set_cached_value(case, service)
    return case


_TRACKING_CASE_COLUMNS = fixed_queries.columns(
    Case,
    {"id", "service_id"}
    | {Case._meta.get_field(name).attname for name in TRACKING_PAGE_FIELDS if "__" not in name},  # type: ignore[union-attr]  # concrete fields
)
_TRACKING_SERVICE_COLUMNS = fixed_queries.columns(
    Service,
    {"id"} | {name.removeprefix("service__") for name in TRACKING_PAGE_FIELDS if "__" in name},
)


def _tracking_page_query(token_hash: str) -> QuerySet[Any]:
    """The tracking page's columns of a case and its service, by the token's hash (unique: no
    ORDER BY)."""
    return (
        Case.objects.order_by()
        .filter(tracking_token_hash=token_hash)
        .values_list(
            *_TRACKING_CASE_COLUMNS, *(f"service__{name}" for name in _TRACKING_SERVICE_COLUMNS)
        )[:1]
    )


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
    entries: list[TimelineEntry] = []
    for (
        source,
        when,
        _,
        text,
        kind,
        direction,
        channel,
        sent_id,
        sent_kind,
        medium,
        subject,
    ) in _timeline_rows(case.pk, viewer_id):
        if source == 0:  # a public event
            entries.append(TimelineEntry(when, "Council", text, kind))
        elif direction == Direction.INBOUND:
            entries.append(TimelineEntry(when, "You", text, f"contact_{channel}"))
        elif sent_id is None or sent_kind in HUMAN_KINDS:  # a person's reply: its own words
            entries.append(TimelineEntry(when, "Council", text, f"contact_{channel}"))
        elif sent_kind in Status.values:  # the status event already says it
            continue
        else:
            how = "an email" if medium == "email" else "a text message"
            said = f"We sent you {how}: {subject}" if subject else f"We sent you {how}."
            entries.append(TimelineEntry(when, "Council", said, f"contact_{channel}"))
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _timeline_sql(viewer_is_null: bool) -> str:
    event, contact = CaseEvent._meta.db_table, Contact._meta.db_table
    sent = Notification._meta.db_table
    viewer = "c.resident_id IS NULL" if viewer_is_null else "c.resident_id = %s"
    return (
        "SELECT 0, e.created_at, e.id, e.public_message, e.kind, NULL, NULL, NULL, NULL, NULL,"  # noqa: S608 - table names from the models, values as parameters
        f" NULL FROM {event} e WHERE e.case_id = %s AND e.public_message <> ''"
        " UNION ALL"
        " SELECT 1, c.occurred_at, c.id, c.body, '', c.direction, c.channel, n.id, n.kind,"
        f" n.medium, n.subject FROM {contact} c LEFT JOIN {sent} n ON n.contact_id = c.id"
        f" WHERE c.case_id = %s AND c.is_public = %s AND {viewer}"
    )


def _timeline_rows(case_id: int, viewer_id: int | None) -> list[tuple[Any, ...]]:
    """The public events and this person's public contacts (with what was sent, if anything)
    in one statement, as plain rows in the order the page had (each kind in its model's order:
    events, then contacts, by time then id). Hand-written: the two ORM queries' building and
    compiling cost more than running them. Rows: (0 for an event or 1 for a contact, when, id,
    text, event kind, direction, channel, notification id, its kind, medium and subject)."""
    params: list[Any] = [case_id, case_id, True]
    if viewer_id is not None:
        params.append(viewer_id)
    with connection.cursor() as cursor:
        cursor.execute(_timeline_sql(viewer_id is None), params)
        rows = [(row[0], _aware(row[1]), *row[2:]) for row in cursor.fetchall()]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]))


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the ORM gives it (SQLite's cursor answers text, PostgreSQL's aware)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


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
