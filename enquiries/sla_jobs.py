"""The SLA beat job: keep every open case's clock honest and tell people before anyone chases.

Each run (every minute) does three idempotent passes:

1. marks open, running cases on track / due soon / breached (a timeline entry on each change),
   by the one definition in enquiries.deadlines; a case that becomes due soon with no visible
   progress cannot make the date its resident was promised, so it gets a new date and the
   resident is told at once ("delayed because…"), not at breach;
2. escalates each breached case once (Case.escalated_at is the claim): the department's
   managers get an email and the timeline an entry; when the date the resident was promised has
   passed, they get a new one and are told why ("delayed because…");
3. sends a proactive "still on track" update at the halfway point when the resident has seen no
   progress (Case.progress_update_sent_at is the claim).

Cases waiting for the resident are skipped: their clock is stopped.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from enquiries import deadlines, outbox, services
from enquiries.choices import Direction, EventKind, SlaState, Status
from enquiries.models import Case, CaseEvent, Contact

#: Open and with a running clock (received cases are not routed yet: no due date).
RUNNING = (Status.OPEN, Status.IN_PROGRESS, Status.REOPENED)
BREACH_REASON = (
    "it is taking us longer than we planned. A manager is now making sure it is dealt with"
)
DELAY_REASON = "it is taking us longer than we planned to get to it"
#: Changes a resident can see: a status, a transfer, a new date, or a person writing to them.
PROGRESS_EVENTS = (EventKind.STATUS, EventKind.TRANSFERRED, EventKind.EXPECTED_DATE)


@dataclass
class RunSummary:
    due_soon: int = 0
    breached: int = 0
    escalated: int = 0
    proactive: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def run(now: datetime | None = None) -> RunSummary:
    now = now or timezone.now()
    summary = RunSummary()
    mark_states(now, summary)
    for case_id in breached_unescalated():
        summary.escalated += escalate(case_id=case_id, now=now)
    for case_id in halfway_without_progress(now):
        summary.proactive += send_still_on_track(case_id=case_id, now=now)
    return summary


# --- 1. due soon and breached ------------------------------------------------------------------


def _running() -> QuerySet[Case]:
    return Case.objects.filter(
        status__in=RUNNING,
        sla_due_at__isnull=False,
        sla_paused_at__isnull=True,
        merged_into__isnull=True,
    )


def mark_states(now: datetime, summary: RunSummary | None = None) -> int:
    """Reclassify running cases; a timeline entry whenever one becomes due soon or breached."""
    changed = 0
    cases = _running().only(
        "id", "sla_due_at", "sla_state", "routed_at", "created_at", "expected_at", "status"
    )
    for case in cases.iterator(chunk_size=500):
        if case.sla_due_at is None:  # _running() has only cases with a due date
            continue
        state: str = deadlines.sla_state(now, case.sla_due_at)
        if state == case.sla_state:
            continue
        with transaction.atomic():
            claimed = Case.objects.filter(pk=case.pk, sla_state=case.sla_state).update(
                sla_state=state
            )
            if not claimed:
                continue
            changed += 1
            if state == SlaState.ON_TRACK:
                continue
            due = timezone.localtime(case.sla_due_at)
            services.record_event(
                case=case,
                kind=EventKind.SLA,
                message=(
                    f"Due soon: due {due:%a %d %b %H:%M}"
                    if state == SlaState.DUE_SOON
                    else f"Breached: was due {due:%a %d %b %H:%M}"
                ),
                data={"from": case.sla_state, "to": state},
            )
            if state == SlaState.DUE_SOON and cannot_make_its_date(case, now):
                announce_delay(case=case, now=now)
        if summary is not None:
            if state == SlaState.DUE_SOON:
                summary.due_soon += 1
            else:
                summary.breached += 1
    return changed


def _progress(since: str = "routed_at") -> tuple[Exists, Exists]:
    """Something the resident could see happen on the case (a status, transfer or new date, or
    a person writing to them) after ``since``."""
    progress = CaseEvent.objects.filter(
        case=OuterRef("pk"), kind__in=PROGRESS_EVENTS, created_at__gt=OuterRef(since)
    ).exclude(public_message="")
    replies = Contact.objects.filter(
        case=OuterRef("pk"),
        direction=Direction.OUTBOUND,
        recorded_by__isnull=False,
        occurred_at__gt=OuterRef(since),
    )
    return Exists(progress), Exists(replies)


def cannot_make_its_date(case: Case, now: datetime) -> bool:
    """Due soon, the promised date falls inside the due-soon window too, and nobody has done
    anything the resident could see since the case reached its team."""
    promised = case.expected_by
    if promised is None or promised >= deadlines.due_soon_until(now):
        return False
    progress, replies = _progress()
    return (
        Case.objects.filter(pk=case.pk, routed_at__isnull=False)
        .filter(~progress, ~replies)
        .exists()
    )


def announce_delay(*, case: Case, now: datetime) -> None:
    """A new promised date, and the resident told why, through the usual update path (their
    opt-out and the daily budget apply; one update per new date)."""
    new_date = services.calendar().add_working_days(now, settings.SLA_BREACH_EXTENSION_DAYS)
    services.change_expected_date(case=case, expected_at=new_date, reason=DELAY_REASON)
    Case.objects.filter(pk=case.pk).update(progress_update_sent_at=now)


# --- 2. escalation -------------------------------------------------------------------------------


def breached_unescalated() -> list[int]:
    return list(
        _running()
        .filter(sla_state=SlaState.BREACHED, escalated_at__isnull=True)
        .values_list("pk", flat=True)[:500]
    )


@transaction.atomic
def escalate(*, case_id: int, now: datetime) -> bool:
    """Escalate a breached case to its department's managers, once. False if already done."""
    claimed = Case.objects.filter(pk=case_id, escalated_at__isnull=True, status__in=RUNNING).update(
        escalated_at=now
    )
    if not claimed:
        return False
    case = Case.objects.select_related("department").get(pk=case_id)
    managers = list(case.department.managers.all()) if case.department else []
    names = ", ".join(m.get_full_name() or m.get_username() for m in managers)
    round_ = CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED).count()
    services.record_event(
        case=case,
        kind=EventKind.ESCALATED,
        message=(
            f"Passed its due date ({timezone.localtime(case.sla_due_at):%d %b %Y %H:%M}): "
            + (f"escalated to {names}" if names else "escalated to the team mailbox")
        ),
        data={
            "managers": [m.pk for m in managers],
            "due": case.sla_due_at.isoformat() if case.sla_due_at else None,
        },
    )
    outbox.enqueue(
        "enquiries.tasks.notify_managers",
        dedupe_key=f"escalate:{case.pk}:{round_}",
        case_id=case.pk,
    )
    promised = case.expected_by
    if promised is not None and promised <= now:
        new_date = services.calendar().add_working_days(now, settings.SLA_BREACH_EXTENSION_DAYS)
        services.change_expected_date(case=case, expected_at=new_date, reason=BREACH_REASON)
        Case.objects.filter(pk=case.pk).update(progress_update_sent_at=now)
    return True


# --- 3. proactive updates --------------------------------------------------------------------


def halfway_without_progress(now: datetime) -> list[int]:
    """Running cases past the halfway point whose resident has seen nothing since routing."""
    progress, replies = _progress()
    candidates = (
        _running()
        .filter(
            ~Q(sla_state=SlaState.BREACHED),
            progress_update_sent_at__isnull=True,
            routed_at__isnull=False,
            sla_due_at__gt=now,
        )
        .filter(~progress, ~replies)
        .only("id", "routed_at", "sla_due_at")
    )
    calendar = services.calendar()
    return [
        case.pk
        for case in candidates.iterator(chunk_size=500)
        if case.routed_at is not None  # both filtered on above
        and case.sla_due_at is not None
        and now >= calendar.halfway_point(case.routed_at, case.sla_due_at)
    ]


@transaction.atomic
def send_still_on_track(*, case_id: int, now: datetime) -> bool:
    claimed = Case.objects.filter(pk=case_id, progress_update_sent_at__isnull=True).update(
        progress_update_sent_at=now
    )
    if not claimed:
        return False
    case = Case.objects.get(pk=case_id)
    services.record_event(
        case=case,
        kind=EventKind.SLA,
        message="Halfway to the due date with no visible progress: 'still on track' update sent",
        data={"proactive": "still_on_track"},
    )
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"notify:{case.pk}:still_on_track:{now:%Y%m%d%H%M%S}",
        case_id=case.pk,
        kind="still_on_track",
    )
    return True
