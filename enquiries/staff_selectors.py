"""Reads for the staff workspace: worklists, queue counts, the case timeline, resident lookup.

Every function takes the acting user and narrows through ``enquiries.policy`` first, and each
runs a fixed number of queries however many rows it returns (tests hold it to a budget).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.utils import timezone

from enquiries import fixed_queries, policy, residents
from enquiries.choices import OPEN_STATUSES, Direction, EventKind, Priority, SlaState, Status
from enquiries.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseSubscription,
    Contact,
    Department,
    Notification,
    Resident,
    Service,
)
from enquiries.normalise import normalise_email, normalise_phone, normalise_postcode
from enquiries.references import InvalidReference, normalise_reference

PAGE_SIZE = 25
#: Worklist counts stop at this many rows ("1,000+ cases"): counting every row of a big filtered
#: set costs more than the page itself, and nobody pages past the fortieth page.
COUNT_CAP = 1000
#: An unassigned case this young is "new" and heads the default worklist order.
NEW_WINDOW = timedelta(days=1)
SEARCH_LIMIT = 25
RESIDENT_CASE_LIMIT = 100
RESIDENT_CONTACT_LIMIT = 50

# --- SLA ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaCutoffs:
    """A case is breached when due before ``now``; due soon when due before ``due_soon_until``."""

    now: datetime
    due_soon_until: datetime


def sla_cutoffs(now: datetime | None = None) -> SlaCutoffs:
    """ "Due soon" as defined once in enquiries.deadlines (DUE_SOON_WORKING_DAYS)."""
    from enquiries import deadlines

    now = now or timezone.now()
    return SlaCutoffs(now, deadlines.due_soon_until(now))


def filter_sla(queryset: QuerySet[Case], state: str, cutoffs: SlaCutoffs) -> QuerySet[Case]:
    open_cases = queryset.filter(status__in=OPEN_STATUSES)
    if state == SlaState.BREACHED:
        return open_cases.filter(sla_due_at__lt=cutoffs.now)
    if state == SlaState.DUE_SOON:
        return open_cases.filter(sla_due_at__gte=cutoffs.now, sla_due_at__lt=cutoffs.due_soon_until)
    if state == SlaState.ON_TRACK:
        return open_cases.filter(
            Q(sla_due_at__gte=cutoffs.due_soon_until) | Q(sla_due_at__isnull=True)
        )
    return queryset


def with_sla_now(queryset: QuerySet[Case], cutoffs: SlaCutoffs) -> QuerySet[Case]:
    """Annotate ``sla_now``: the SLA state at this moment (blank once a case is finished)."""
    return queryset.annotate(
        sla_now=CaseWhen(
            When(~Q(status__in=OPEN_STATUSES), then=Value("")),
            When(sla_due_at__lt=cutoffs.now, then=Value(SlaState.BREACHED)),
            When(sla_due_at__lt=cutoffs.due_soon_until, then=Value(SlaState.DUE_SOON)),
            default=Value(SlaState.ON_TRACK),
        )
    )


def sla_state_now(case: Case, cutoffs: SlaCutoffs | None = None) -> str:
    """The same classification as ``with_sla_now``, for one case already in memory."""
    if not case.is_open:
        return ""
    cutoffs = cutoffs or sla_cutoffs()
    if case.sla_due_at is None or case.sla_due_at >= cutoffs.due_soon_until:
        return SlaState.ON_TRACK
    return SlaState.BREACHED if case.sla_due_at < cutoffs.now else SlaState.DUE_SOON


# --- worklists ----------------------------------------------------------------------------------


def worklist(user: Any) -> QuerySet[Case]:
    """Cases the user may see in a worklist (not merged into another): the filters, sort and
    count apply to it; a page's rows are then read by id with what a row shows
    (``WorklistRowSource``), so this carries no joins or annotations of its own."""
    return policy.visible_cases(user).filter(merged_into__isnull=True)


_STATUS_LABELS = dict(Status.choices)
_PRIORITY_LABELS = dict(Priority.choices)


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """One worklist row as plain values. A page of model instances (a case with its service,
    queue and assignee: a hundred ``Model.__init__`` over fifty-odd fields) cost a fifth of
    the page; the table reads these few values (enquiries/staff/worklist_table.py)."""

    pk: int
    reference: str
    summary: str
    status: str
    priority: str
    sla_due_at: datetime | None
    sla_now: str
    department_name: str | None
    service_name: str | None
    assignee_first_name: str | None
    assignee_last_name: str | None
    assignee_username: str | None

    FIELDS = (
        "id",
        "reference",
        "summary",
        "status",
        "priority",
        "sla_due_at",
        "sla_now",
        "department__name",
        "service__name",
        "assignee__first_name",
        "assignee__last_name",
        "assignee__username",
    )

    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_priority_display(self) -> str:
        return str(_PRIORITY_LABELS.get(self.priority, self.priority))

    @property
    def assignee_name(self) -> str:
        """As ``User.get_full_name() or username``; blank when nobody has the case."""
        if self.assignee_username is None:
            return ""
        full = f"{self.assignee_first_name} {self.assignee_last_name}".strip()
        return full or self.assignee_username


class WorklistRowSource:
    """A page's rows by id (the ids were chosen from the visible, filtered list, so this query
    need not repeat its filters): one query with the three joins, plain records out."""

    def __init__(self, cutoffs: SlaCutoffs) -> None:
        self.queryset = with_sla_now(Case.objects.order_by(), cutoffs).values_list(
            *WorklistRow.FIELDS
        )

    def fetch(self, ids: Any) -> list[WorklistRow]:
        """``ids``: a list of ids or a subquery of them."""
        return [WorklistRow(*values) for values in self.queryset.filter(pk__in=ids)]


def new_work(cutoffs: SlaCutoffs) -> Q:
    """Work nobody has yet: unassigned and received within ``NEW_WINDOW`` (one index range)."""
    return Q(assignee__isnull=True, created_at__gte=cutoffs.now - NEW_WINDOW)


class TriageRows:
    """The default worklist order (``triage_order``) read as two index-ordered lists: new work by
    due date, then everything else by due date (breached and due soon are the earliest due, so
    they come first). Each is a short range of an index, where sorting by the rank itself would
    sort every open case of the queues: at a million cases that is most of a page's time."""

    def __init__(self, queryset: QuerySet[Case], cutoffs: SlaCutoffs) -> None:
        self.queryset = queryset.order_by()
        self.cutoffs = cutoffs
        self.new = new_work(cutoffs)

    def order_by(self, *fields: Any) -> QuerySet[Case]:
        return self.queryset.order_by(*fields)

    def ordered(self) -> QuerySet[Case]:
        """The whole order in one query: fine for a short list (a search), not for a queue."""
        return triage_order(self.queryset, self.cutoffs)

    def page_rows(self, bottom: int, top: int, fetch: Callable[[Any], list[Any]]) -> list[Any]:
        """Rows ``bottom``..``top`` in order, ``fetch`` reading rows by id: two queries,
        whatever the page (the new work's ids, then the page's rows: the new ones by id, the
        rest by a subquery over the same index range)."""
        order = (F("sla_due_at").asc(nulls_last=True), "id")
        new_ids = list(
            self.queryset.filter(self.new).order_by(*order).values_list("pk", flat=True)[:top]
        )
        page = new_ids[bottom:top]
        need = (top - bottom) - len(page)
        ids: Any = page
        if need > 0:
            start = max(0, bottom - len(new_ids))  # exact: fewer than ``top`` new rows exist here
            rest = self.queryset.exclude(self.new).order_by(*order).values("pk")
            rest = rest[start : start + need]
            if not page:
                ids = rest
            elif connection.features.supports_slicing_ordering_in_compound:
                # one IN over a UNION ALL: an OR of two INs is a scan of the whole table
                ids = Case.objects.filter(pk__in=page).order_by().values("pk").union(rest, all=True)
            else:  # SQLite (the embedded demo): the rest's ids first, a third query
                ids = page + list(rest.values_list("pk", flat=True))
        found = {row.pk: row for row in fetch(ids)}
        first = [found.pop(pk) for pk in page if pk in found]
        rest_rows = sorted(found.values(), key=lambda c: (c.sla_due_at is None, c.sla_due_at, c.pk))
        return first + rest_rows


def triage_rank(cutoffs: SlaCutoffs) -> Expression:
    """The default worklist order's first key: 0 new work nobody has yet (``new_work``),
    1 breached or due soon, 2 the rest."""
    return CaseWhen(
        When(new_work(cutoffs), then=Value(0)),
        When(sla_due_at__lt=cutoffs.due_soon_until, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def triage_order(queryset: QuerySet[Case], cutoffs: SlaCutoffs) -> QuerySet[Case]:
    """New work first, then breached and due soon, then by due date (the worklist default)."""
    return queryset.annotate(triage_rank=triage_rank(cutoffs)).order_by(
        "triage_rank", F("sla_due_at").asc(nulls_last=True), "id"
    )


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # not subscriptable at run time
    """A paginator that counts at most ``COUNT_CAP + 1`` rows (one cheap bounded query).

    ``capped`` says the real number is larger: the page shows "1,000+ cases". ``rows`` reads
    the page's rows by id (``WorklistRowSource``); without it they are the list's own models."""

    cap = COUNT_CAP
    object_list: Any  # a queryset, or TriageRows

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        rows: WorklistRowSource | None = None,
        search: bool = False,
    ) -> None:
        super().__init__(object_list, per_page)
        self.rows = rows
        self.search = search

    @cached_property
    def _search_ids(self) -> list[int]:
        """A search's matching ids in order, at most ``cap + 1``: the count and every page from
        one query. A search is a scan of the words' index whatever the order; counting, then
        reading the new work, then the rest, scanned it three times."""
        ordered = (
            self.object_list.ordered()
            if isinstance(self.object_list, TriageRows)
            else self.object_list
        )
        return list(ordered.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def count(self) -> int:
        if self.search:
            return len(self._search_ids)
        # only the ids: the annotations (SLA state, rank) are not computed for counted rows
        return int(self.object_list.order_by().values("pk")[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)

    def _fetch(self, ids: Any) -> list[Any]:
        if self.rows is not None:
            return self.rows.fetch(ids)
        return list(self.object_list.order_by().filter(pk__in=ids))

    def page(self, number: Any) -> Any:
        """The page's ids first (the sort runs over the narrow covering index, not over joined
        rows), then those rows with their joins: two queries, whatever the size of the list."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows: list[Any] = []
        if self.search:
            ids = self._search_ids[bottom:top]
            by_id = {row.pk: row for row in self._fetch(ids)} if ids else {}
            rows = [by_id[pk] for pk in ids if pk in by_id]
        elif isinstance(self.object_list, TriageRows):
            rows = self.object_list.page_rows(bottom, top, self._fetch) if top > bottom else []
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
            by_id = {row.pk: row for row in self._fetch(ids)} if ids else {}
            rows = [by_id[pk] for pk in ids if pk in by_id]
        return self._get_page(rows, number, self)  # type: ignore[attr-defined]  # Django's own hook


@dataclass(frozen=True)
class QueueCount:
    department: Department
    open: int
    unassigned: int
    breached: int


#: Counts per queue are shared for this long by everyone who sees the same queues: at a million
#: cases the grouped count over every queue (front-line staff see them all) costs more than the
#: rest of a worklist page. Counts beside queue names may lag by this much; lists never do. For
#: front-line staff the queues themselves (every department) are shared with the counts: a new
#: or renamed department shows in their tabs within this time.
QUEUE_COUNTS_SECONDS = 20


def queue_counts(user: Any, cutoffs: SlaCutoffs | None = None) -> list[QueueCount]:
    """Open, unassigned and breached counts for every queue the user may open: the queues (with
    the user's roles, or for front-line staff every department), and one grouped count, shared
    for ``QUEUE_COUNTS_SECONDS``; front-line staff share the list of departments with it."""
    from django.core.cache import cache

    cutoffs = cutoffs or sla_cutoffs()
    every = policy.sees_every_case(user)
    shared = cache.get(EVERY_QUEUE_KEY) if every else None
    if shared is not None:
        departments = [
            Department.from_db(connection.alias, ["id", "name", "slug"], row) for row in shared[0]
        ]
        by_department = shared[1]
    else:
        departments = policy.queue_departments(user)
        key = "staff:queue-counts:" + ",".join(str(d.pk) for d in departments)
        by_department = None if every else cache.get(key)
        if by_department is None:
            by_department = _grouped_counts(user, departments, cutoffs)
            if every:
                rows = [(d.pk, d.name, d.slug) for d in departments]
                cache.set(EVERY_QUEUE_KEY, (rows, by_department), QUEUE_COUNTS_SECONDS)
            else:
                cache.set(key, by_department, QUEUE_COUNTS_SECONDS)
    empty = {"total": 0, "unassigned": 0, "breached": 0}
    return [
        QueueCount(
            d,
            by_department.get(d.pk, empty)["total"],
            by_department.get(d.pk, empty)["unassigned"],
            by_department.get(d.pk, empty)["breached"],
        )
        for d in departments
    ]


#: Every department with its counts, for those who see every case (the same for all of them).
EVERY_QUEUE_KEY = "staff:queue-counts:every"


def _grouped_counts(
    user: Any, departments: list[Department], cutoffs: SlaCutoffs
) -> dict[int, dict[str, int]]:
    rows = (
        policy.visible_cases(user)
        .filter(
            department__in=[d.pk for d in departments],
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .values("department_id")
        .annotate(
            total=Count("id"),
            unassigned=Count("id", filter=Q(assignee__isnull=True)),
            breached=Count("id", filter=Q(sla_due_at__lt=cutoffs.now)),
        )
        .order_by()
    )
    return {
        row["department_id"]: {
            "total": row["total"],
            "unassigned": row["unassigned"],
            "breached": row["breached"],
        }
        for row in rows
    }


def my_open_count(user: Any) -> int:
    """Open cases assigned to the user that they may still see (not ones moved elsewhere)."""
    return policy.visible_cases(user).filter(assignee=user, status__in=OPEN_STATUSES).count()


def department_staff(department_id: int | None) -> list[Any]:
    """People a case in this department can be assigned to (members and managers)."""
    return department_staff_for([department_id] if department_id else [])


def department_staff_for(department_ids: list[int]) -> list[Any]:
    if not department_ids:
        return []
    # Two id subqueries rather than joins through both memberships and DISTINCT over whole
    # user rows: the same people, without a sort of every joined row on each page view.
    members = Department.members.through.objects.filter(department_id__in=department_ids)
    managers = Department.managers.through.objects.filter(department_id__in=department_ids)
    return list(
        get_user_model()
        .objects.filter(
            Q(pk__in=members.values("user_id")) | Q(pk__in=managers.values("user_id")),
            is_active=True,
        )
        .only("id", "username", "first_name", "last_name")  # their names, to choose from
        .order_by("first_name", "last_name", "username")
    )


def team_choices() -> list[tuple[str, str]]:
    """Every department as (id, name), by name: the teams a case can be transferred to, shared
    like the queues' counts for ``QUEUE_COUNTS_SECONDS`` (the transfer itself checks the
    departments as they are)."""
    from django.core.cache import cache

    cached: list[tuple[str, str]] | None = cache.get(TEAMS_KEY)
    if cached is None:
        cached = [(str(pk), name) for pk, name in Department.objects.values_list("id", "name")]
        cache.set(TEAMS_KEY, cached, QUEUE_COUNTS_SECONDS)
    return cached


TEAMS_KEY = "staff:teams"


@dataclass(frozen=True)
class WorklistChoices:
    """The options of a worklist's service and assignee filters, as (value, label)."""

    services: list[tuple[str, str]]
    people: list[tuple[str, str]]


def worklist_choices(department_ids: list[int]) -> WorklistChoices:
    """The queues' services and the people their cases can be assigned to, shared like the
    counts for ``QUEUE_COUNTS_SECONDS`` by everyone who opens the same queues: two queries on
    every worklist view for lists that change a few times a year (a new service or colleague
    shows in the filters within that time). The cases listed are never cached."""
    from django.core.cache import cache

    key = "staff:worklist-choices:" + ",".join(str(pk) for pk in sorted(department_ids))
    cached: WorklistChoices | None = cache.get(key)
    if cached is None:
        services = Service.objects.filter(department_id__in=department_ids).order_by("name")
        cached = WorklistChoices(
            services=[(str(pk), name) for pk, name in services.values_list("id", "name")],
            people=[
                (str(p.pk), p.get_full_name() or p.get_username())
                for p in department_staff_for(department_ids)
            ],
        )
        cache.set(key, cached, QUEUE_COUNTS_SECONDS)
    return cached


# --- the case page ------------------------------------------------------------------------------


def case_for_page(user: Any, key: int | str, action: str, *, path: str) -> Case:
    """The case with what its page shows: its service, team, assignee and resident (whole
    rows, as ``select_related`` read them), and whether its resident has a possible match to
    check (``open_matches``, an EXISTS column: one query fewer). One query, compiled once
    per process: compiling this one (five tables' columns) cost more than running it.

    The case it was merged into is read by ``merged_into_reference`` only for a merged case:
    a fifth join (a second case row) doubled the time PostgreSQL took to plan this query on
    every view. The case it follows and its routing rule are not shown."""
    return policy.get_case_for(user, key, action, path=path, lookup=_case_with_joins)


_CASE_JOINS = (
    ("service", Service),
    ("department", Department),
    ("assignee", get_user_model()),
    ("resident", Resident),
)


def _case_page_query(field: str) -> Callable[[Any], QuerySet[Any]]:
    def build(value: Any) -> QuerySet[Any]:
        return (
            Case.objects.order_by()
            .filter(**{field: value})
            .annotate(open_matches=residents.open_matches_exist())
            .values_list(
                *fixed_queries.columns(Case),
                *(
                    f"{name}__{column}"
                    for name, model in _CASE_JOINS
                    for column in fixed_queries.columns(model)
                ),
                "open_matches",
            )[:1]
        )

    return build


_CASE_PAGE_QUERIES = {"pk": _case_page_query("pk"), "reference": _case_page_query("reference")}


def _case_with_joins(field: str, value: int | str) -> Case | None:
    """The case by id or reference with its four joined rows (None for a missing one)."""
    found = fixed_queries.rows(f"case-page-{field}", _CASE_PAGE_QUERIES[field], value)
    if not found:
        return None
    row = found[0]
    case: Case
    case, *joined = fixed_queries.instances(
        row,
        (Case, fixed_queries.columns(Case)),
        *((model, fixed_queries.columns(model)) for _name, model in _CASE_JOINS),
    )
    for (name, _model), instance in zip(_CASE_JOINS, joined, strict=True):
        setattr(case, name, instance)  # a missing row (nobody assigned) is None
    case.open_matches = row[-1]  # type: ignore[attr-defined]  # an annotation, as before
    return case


def merged_into_reference(case: Case) -> str | None:
    """The reference of the case this one was merged into (None if it was not merged)."""
    if case.merged_into_id is None:
        return None
    return Case.objects.filter(pk=case.merged_into_id).values_list("reference", flat=True).first()


#: How much of a message the timeline shows before "Show the full message".
EXCERPT_LINES = 2
EXCERPT_CHARS = 240


def excerpt(text: str) -> str:
    """The first lines of a message (quoted history and signatures come later)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    short = "\n".join(lines[:EXCERPT_LINES])
    if len(short) > EXCERPT_CHARS:
        short = short[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"
    elif len(lines) > EXCERPT_LINES:
        short += " …"
    return short


@dataclass(frozen=True)
class StaffTimelineEntry:
    when: datetime
    kind: str  # contact_in, contact_out, note, event, notification
    title: str
    body: str = ""
    who: str = ""
    public: bool = False
    contact: Contact | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    collapsible: bool = False  # a message: its first lines, the full text on demand
    attachments: tuple[Attachment, ...] = ()  # a contact's files

    @property
    def excerpt(self) -> str:
        return excerpt(self.body)

    @property
    def collapsed(self) -> bool:
        """Whether there is more to show than the excerpt."""
        return self.collapsible and self.excerpt != self.body.strip()


def staff_timeline(case: Case) -> list[StaffTimelineEntry]:  # noqa: C901  one merge of four sources
    """One entry per thing that happened, newest first: three queries plus attachments, each
    compiled once per process (``fixed_queries``).

    An email or text to the resident is stored three times: the Contact (what was said), the
    Notification (its delivery) and a "notification sent" event. It shows once, as the contact
    with its delivery state; a notification with no contact (not sent yet, failed, or to staff)
    shows once as itself; events about a notification are not repeated."""
    entries: list[StaffTimelineEntry] = []
    # the contacts as rows (compiled once), each a Contact of the columns shown, with the
    # names and delivery state of its joined rows
    contacts = []
    joined = {}
    count = len(CONTACT_COLUMNS)
    for row in fixed_queries.rows("timeline-contacts", _timeline_contacts, case.pk):
        contact = Contact.from_db(connection.alias, CONTACT_COLUMNS, row[:count])
        contacts.append(contact)
        joined[contact.pk] = row[count:]
    files: dict[int, list[Attachment]] = {}
    if contacts:  # the files of the case's contacts, by contact (none: no query)
        for row in fixed_queries.rows("timeline-attachments", _timeline_attachments, case.pk):
            attachment = Attachment.from_db(connection.alias, ATTACHMENT_COLUMNS, row)
            files.setdefault(attachment.contact_id, []).append(attachment)
    media, states = dict(Notification.Medium.choices), dict(Notification.State.choices)
    for contact in contacts:
        first, last, username, resident_name, sent_id, sent_kind, medium, state = joined[contact.pk]
        inbound = contact.direction == Direction.INBOUND
        tags = [contact.get_channel_display()]
        if sent_id is not None:  # the notification it was sent as: its delivery state
            tags.append(states.get(state, state))
        if contact.is_chaser:
            tags.append("Chaser")
        if contact.assisted_digital:
            tags.append(f"Assisted digital: {contact.get_assisted_digital_reason_display()}")
        if contact.call_duration_seconds:
            minutes, seconds = divmod(contact.call_duration_seconds, 60)
            tags.append(f"Call {minutes}:{seconds:02d}")
        if contact.office:
            tags.append(contact.office)
        if inbound:
            sender = resident_name if contact.resident_id else contact.sender_name
            title = f"From {sender or 'the resident'}"
            if contact.sender_address:  # the address it really came from, beside the name
                title += f" <{contact.sender_address}>"
        elif sent_id is not None and sent_kind != "reply":
            title = f"{media.get(medium, medium)} to the resident: {contact.subject}"
        else:
            title = "Reply to the resident"
        entries.append(
            StaffTimelineEntry(
                when=contact.occurred_at,
                kind="contact_in" if inbound else "contact_out",
                title=title,
                body=contact.body,
                who=_name(first, last, username) if contact.recorded_by_id else "",
                public=contact.is_public,
                contact=contact,
                tags=tuple(tags),
                collapsible=True,
                attachments=tuple(files.get(contact.pk, ())),
            )
        )
    event_kinds = dict(EventKind.choices)
    for (
        kind,
        message,
        public_message,
        created_at,
        actor_id,
        *names,
        notification_ref,
    ) in fixed_queries.rows("timeline-events", _timeline_events, case.pk):
        if kind == EventKind.CONTACT:
            continue  # the contact itself is in the timeline
        if kind in (EventKind.NOTIFICATION_SENT, EventKind.NOTIFICATION_FAILED) and (
            notification_ref
        ):
            continue  # the notification (or the contact it became) carries its state
        entries.append(
            StaffTimelineEntry(
                when=created_at,
                kind="note" if kind == EventKind.NOTE else "event",
                title=event_kinds.get(kind, kind),
                body=message,
                who=_name(*names) if actor_id else "System",
                public=bool(public_message),
            )
        )
    media, states = dict(Notification.Medium.choices), dict(Notification.State.choices)
    for (
        created_at,
        kind,
        medium,
        state,
        to_address,
        subject,
        body,
        error,
        resident_id,
    ) in fixed_queries.rows("timeline-notifications", _timeline_notifications, case.pk):
        if error:
            body = f"Not sent: {error}\n\n{body}"
        entries.append(
            StaffTimelineEntry(
                when=created_at,
                kind="notification",
                title=f"{media.get(medium, medium)} to "
                f"{'the resident' if resident_id else to_address or 'staff'}: "
                f"{subject or kind}",
                body=body,
                who=states.get(state, state),
                public=bool(resident_id),
                collapsible=True,
            )
        )
    return sorted(entries, key=lambda e: e.when, reverse=True)


def _timeline_events(case_id: int) -> QuerySet[Any]:
    """The case's events as rows: what the timeline shows, the actor's names, and the
    notification an event is about (``data``'s key, not the whole JSON)."""
    return (
        CaseEvent.objects.filter(case_id=case_id)
        .values_list("kind", "message", "public_message", "created_at", "actor_id",
                     "actor__first_name", "actor__last_name", "actor__username")
        .annotate(notification_ref=KT("data__notification"))
    )  # fmt: skip


#: What the timeline shows of a contact, in the model's column order (``Contact.from_db``).
CONTACT_COLUMNS = fixed_queries.columns(
    Contact,
    {
        "id", "case_id", "resident_id", "channel", "direction", "subject", "body",
        "sender_name", "sender_address", "recorded_by_id", "occurred_at",
        "call_duration_seconds", "office", "is_chaser", "assisted_digital",
        "assisted_digital_reason", "is_public",
    },
)  # fmt: skip


def _timeline_contacts(case_id: int) -> QuerySet[Any]:
    """The case's contacts as rows, oldest first: their columns shown, then who recorded each
    (names), the resident's name and the notification it was sent as (id, kind, medium,
    state). Whole user, resident and notification rows were the page's slowest query."""
    return (
        Contact.objects.filter(case_id=case_id)
        .order_by("occurred_at", "id")
        .values_list(
            *CONTACT_COLUMNS,
            "recorded_by__first_name", "recorded_by__last_name", "recorded_by__username",
            "resident__full_name",
            "notification__id", "notification__kind", "notification__medium",
            "notification__state",
        )
    )  # fmt: skip


#: What the timeline shows of a file (its link and thumbnail read ``file`` and
#: ``content_type``), in the model's column order (``Attachment.from_db``).
ATTACHMENT_COLUMNS = (
    "id", "contact_id", "file", "original_name", "content_type", "size", "skipped_reason",
)  # fmt: skip


def _timeline_attachments(case_id: int) -> QuerySet[Any]:
    """The files of the case's contacts, as rows (one query for all, not one per contact)."""
    return (
        Attachment.objects.filter(contact__case_id=case_id)
        .order_by("contact_id", "id")
        .values_list(*ATTACHMENT_COLUMNS)
    )


def _timeline_notifications(case_id: int) -> QuerySet[Any]:
    """The case's notifications that did not become a contact, as rows."""
    return Notification.objects.filter(case_id=case_id, contact__isnull=True).values_list(
        "created_at", "kind", "medium", "state", "to_address", "subject", "body", "error",
        "resident_id",
    )  # fmt: skip


def _name(first: str, last: str, username: str) -> str:
    """Who did something: a user's full name, else their username (``get_full_name``)."""
    return f"{first} {last}".strip() or username


def answer_rows(case: Case) -> list[tuple[str, str]]:
    """The resident's answers as (question text, answer), in the service's question order.

    An answer whose question has since left the schema shows its key in words."""
    schema = (case.service.questions if case.service else None) or []
    answers = dict(case.answers or {})
    rows = []
    for question in schema:
        if question.get("name") in answers:
            rows.append((question.get("label") or question["name"], answers.pop(question["name"])))
    rows += [(key.replace("_", " ").strip().capitalize(), value) for key, value in answers.items()]
    return [(label, _answer_text(value)) for label, value in rows if value not in (None, "", [])]


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def merge_candidates(user: Any, case: Case, limit: int = 10) -> list[Case]:
    """Open cases of the same service and area the user may see: likely originals of a duplicate."""
    if not case.service_id:
        return []
    return list(
        policy.visible_cases(user)
        .filter(
            service_id=case.service_id,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
            department_id=case.department_id,  # type: ignore[misc]  # None: IS NULL
        )
        .filter(postcode_district=case.postcode_district or case.resident.postcode_district)
        .exclude(pk=case.pk)
        .only("id", "reference", "summary", "created_at", "address")
        .order_by("-created_at")[:limit]
    )


# --- residents ----------------------------------------------------------------------------------

_POSTCODE_LIKE = re.compile(r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$")
_PHONE_LIKE = re.compile(r"^[\d\s()+\-.]{7,}$")


@dataclass
class ResidentSearch:
    query: str
    kind: str = ""  # reference, email, phone, postcode, name
    residents: list[Resident] = field(default_factory=list)
    case: Case | None = None
    problem: str = ""


def classify_query(query: str) -> tuple[str, str]:
    """(kind, normalised value) for what an officer typed in the one search box."""
    text = query.strip()
    if "@" in text:
        try:
            return "email", normalise_email(text)
        except ValidationError:
            return "email", text
    try:
        return "reference", normalise_reference(text)
    except InvalidReference:
        pass
    if _POSTCODE_LIKE.match(text):
        try:
            return "postcode", normalise_postcode(text)
        except ValidationError:
            pass
    if _PHONE_LIKE.match(text):
        try:
            return "phone", normalise_phone(text)
        except ValidationError:
            return "phone", ""
    return "name", " ".join(text.split())


def _with_open_counts(user: Any, residents: list[Resident]) -> list[Resident]:
    """Set ``open_cases`` (those the user may see) on each resident shown: one grouped query.

    (A subquery in the SELECT would be evaluated for every candidate before the LIMIT.)
    """
    counts = dict(
        policy.visible_cases(user)
        .filter(resident__in=[r.pk for r in residents], status__in=OPEN_STATUSES)
        .order_by()
        .values_list("resident")
        .annotate(n=Count("id"))
    )
    for resident in residents:
        resident.open_cases = counts.get(resident.pk, 0)  # type: ignore[attr-defined]  # shown only
    return residents


def search_residents(user: Any, query: str, limit: int = SEARCH_LIMIT) -> ResidentSearch:
    """Find residents by name (typo-tolerant), email, phone, postcode or case reference."""
    result = ResidentSearch(query=query)
    if len(query.strip()) < 2:
        result.problem = "Enter at least 2 characters."
        return result
    kind, value = classify_query(query)
    result.kind = kind
    base = policy.visible_residents(user, Resident.objects.filter(anonymised_at__isnull=True))
    if kind == "reference":
        case = (
            policy.visible_cases(user)
            .select_related("resident", "service")
            .filter(reference=value)
            .first()
        )
        result.case = case
        matches = base.filter(pk=case.resident_id) if case else base.none()
    elif kind == "email":
        matches = base.filter(email__iexact=value)
    elif kind == "phone":
        matches = base.filter(phone=value) if value else base.none()
    elif kind == "postcode":
        matches = base.filter(postcode=value)
    else:
        return _name_search(user, result, base, value, limit)
    result.residents = _with_open_counts(user, list(matches.order_by("full_name", "id")[:limit]))
    return result


def _name_search(
    user: Any, result: ResidentSearch, base: QuerySet[Resident], name: str, limit: int
) -> ResidentSearch:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        matches = (
            # word similarity alone (the GIN trigram index serves it; icontains would compare
            # UPPER(full_name) and force a scan): "thornbr" and "Margret Thornber" both match
            base.filter(full_name__trigram_word_similar=name)
            .annotate(similarity=TrigramWordSimilarity(name, "full_name"))
            .order_by("-similarity", "full_name", "id")
        )
        result.residents = _with_open_counts(user, list(matches[:limit]))
        return result
    # SQLite (the embedded demo): narrow on word stems, then rank by edit similarity in Python.
    stems = Q()
    for word in name.split():
        stems |= Q(full_name__icontains=word[:3])
    candidates = list(base.filter(stems)[:2000])
    lowered = name.lower()
    scored = [
        (difflib.SequenceMatcher(None, lowered, r.full_name.lower()).ratio(), r) for r in candidates
    ]
    ranked = [r for score, r in sorted(scored, key=lambda s: -s[0]) if score >= 0.5]
    result.residents = _with_open_counts(user, ranked[:limit])
    return result


@dataclass
class ResidentOverview:
    resident: Resident
    cases: list[Case]
    contacts: list[Contact]
    open_count: int


def resident_overview(user: Any, resident: Resident) -> ResidentOverview:
    """Every case and contact the user may see, open cases first, newest first: three queries.

    Cases the resident follows are looked up first, so each query below is an index lookup
    (an OR across the subscription join would scan every case).
    """
    cutoffs = sla_cutoffs()
    followed = list(
        CaseSubscription.objects.filter(resident=resident).values_list("case_id", flat=True)
    )
    cases = list(
        with_sla_now(
            policy.visible_cases(user)  # type: ignore[misc]  # "finished" is annotated
            .filter(Q(resident=resident) | Q(pk__in=followed))
            .select_related("service", "department")
            # what the list shows: whole case, service and department rows were most of the
            # page's time (compiling and loading some eighty columns for each case)
            .only(
                "id",
                "reference",
                "summary",
                "status",
                "created_at",
                "expected_at",
                "sla_due_at",
                "resident_id",
                "department_id",
                "service_id",
                "service__name",
                "department__name",
            )  # fmt: skip
            .annotate(
                finished=CaseWhen(
                    When(status__in=OPEN_STATUSES, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            ),
            cutoffs,
        ).order_by("finished", "-created_at")[:RESIDENT_CASE_LIMIT]
    )
    by_resident = Q(resident=resident)
    if not policy.sees_every_case(user):
        by_resident &= Q(case__department_id__in=policy.department_ids(user))
    contacts = list(
        Contact.objects.filter(Q(case_id__in=[c.pk for c in cases]) | by_resident)
        .select_related("case", "recorded_by")
        .only(
            "id",
            "channel",
            "direction",
            "body",
            "is_chaser",
            "occurred_at",
            "case__reference",
            "recorded_by__username",
            "recorded_by__first_name",
            "recorded_by__last_name",
        )
        .order_by("-occurred_at", "-id")[:RESIDENT_CONTACT_LIMIT]
    )
    return ResidentOverview(
        resident=resident,
        cases=cases,
        contacts=contacts,
        open_count=sum(1 for c in cases if c.is_open),
    )


def likely_duplicate_residents(
    *, full_name: str = "", email: str = "", phone: str = "", postcode: str = "", limit: int = 5
) -> list[Resident]:
    """Residents who are probably the same person: same email or phone, or a like name nearby."""
    match = Q(pk__in=[])
    if email:
        match |= Q(email__iexact=email)
    if phone:
        match |= Q(phone=phone)
    if full_name and postcode:
        if connection.vendor == "postgresql":
            match |= Q(postcode=postcode, full_name__trigram_similar=full_name)
        else:
            surname = full_name.split()[-1]
            match |= Q(postcode=postcode, full_name__icontains=surname)
    if match == Q(pk__in=[]):
        return []
    return list(Resident.objects.filter(match, anonymised_at__isnull=True).order_by("id")[:limit])


def nearby_open_cases(
    user: Any,
    service: Service,
    postcode: str,
    limit: int = 10,
    latitude: Any = None,
    longitude: Any = None,
) -> list[Case]:
    """Open cases the user may see, of the same service within its radius ("tell us once")."""
    from enquiries import places

    return places.open_reports_near(
        service=service,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        limit=limit,
        cases=policy.visible_cases(user),
    )


def resident_open_cases(user: Any, resident: Resident) -> list[Case]:
    """The resident's cases a contact can be added to, open first then recent."""
    followed = list(
        CaseSubscription.objects.filter(resident=resident).values_list("case_id", flat=True)
    )
    return list(
        policy.visible_cases(user)
        .filter(Q(resident=resident) | Q(pk__in=followed))
        .select_related("service")
        .annotate(
            finished=CaseWhen(
                When(status__in=OPEN_STATUSES, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("finished", "-created_at")[:20]
    )
