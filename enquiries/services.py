"""Every write to a case goes through these functions: views, tasks, commands and the API call them.

Keyword-only arguments; the acting user is passed explicitly as ``by`` (None for the system).
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from enquiries import automation_hooks, deadlines, lifecycle, outbox, webhooks
from enquiries.case_events import record_event as record_event  # also written from here
from enquiries.choices import Channel, Direction, EventKind, Outcome, SlaState, Status
from enquiries.deadlines import calendar as calendar  # the SLA clock; callers use services.calendar
from enquiries.models import (
    Case,
    CaseEvent,
    CaseSubscription,
    Contact,
    Department,
    Resident,
    RoutingRule,
    SelfServiceOutcome,
    Service,
)
from enquiries.notifications import choose_medium
from enquiries.residents import resident_update_details
from enquiries.routing import RuleSpec, decide
from enquiries.routing_facts import facts_for_case

PUBLIC_STATUS_MESSAGES: dict[str, str] = {
    Status.OPEN: "Your enquiry is with the {department} team.",
    Status.IN_PROGRESS: "We are working on your enquiry.",
    Status.AWAITING_RESIDENT: "We need more information from you. Please reply.",
    Status.RESOLVED: "Your enquiry has been resolved.",
    Status.CLOSED: "Your enquiry is closed.",
    Status.REOPENED: "Your enquiry has been reopened.",
}
NOTIFY_ON = {
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.AWAITING_RESIDENT,
    Status.RESOLVED,
    Status.REOPENED,
}


@transaction.atomic
def case_transition(
    *,
    case: Case,
    to: str,
    by: Any = None,
    reason: str = "",
    outcome: str = "",
    notify: bool = True,
    now: datetime | None = None,
    question: str = "",
    public: str = "",
) -> Case:
    """Move a case through the lifecycle, write the event, and queue the resident's update.

    ``question`` (with AWAITING_RESIDENT) is what the resident is asked: it goes on the public
    event (tracking page) and into the email or text message. ``public`` replaces the standard
    public message when it would mislead (an automatic answer waiting for the resident's verdict
    is not a request for more information).
    """
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    lifecycle.check_transition(case.status, to)
    previous = case.status
    fields = ["status", "updated_at"]
    note = ""
    if previous in lifecycle.CLOCK_PAUSED and case.sla_paused_at:
        paused = calendar().working_seconds_between(case.sla_paused_at, now)
        expected_before = case.expected_by
        case.sla_paused_seconds += paused
        case.sla_paused_at = None
        _recompute_due(case)
        if case.expected_at and paused > 0:
            case.expected_at = calendar().add_working_seconds(case.expected_at, paused)
        fields += ["sla_paused_seconds", "sla_paused_at", "sla_due_at", "expected_at"]
        note = _expected_date_moved(
            case, expected_before, "the time we spent waiting for your reply is added on", by
        )
    if to in lifecycle.CLOCK_PAUSED:
        case.sla_paused_at = now
        fields.append("sla_paused_at")
    if to == Status.RESOLVED:
        case.resolved_at = now
        case.outcome = outcome or case.outcome or Outcome.RESOLVED
        fields += ["resolved_at", "outcome"]
    if to == Status.CLOSED:
        case.closed_at = now
        case.resolved_at = case.resolved_at or now
        case.outcome = outcome or case.outcome or Outcome.RESOLVED
        fields += ["closed_at", "resolved_at", "outcome"]
    if to == Status.REOPENED:
        case.resolved_at = None
        case.closed_at = None
        case.outcome = ""
        case.escalated_at = None
        fields += ["resolved_at", "closed_at", "outcome", "escalated_at"]
        # A fresh clock for the person who picks it up again (the old due date has passed).
        case.sla_due_at = calendar().due_date(now, deadlines.sla_days(case))
        case.expected_at = None
        case.sla_state = SlaState.ON_TRACK
        case.progress_update_sent_at = None
        fields += ["sla_due_at", "expected_at", "sla_state", "progress_update_sent_at"]
    case.status = to
    case.save(update_fields=list(dict.fromkeys(fields)))
    public = public or PUBLIC_STATUS_MESSAGES.get(to, "").format(
        department=case.department.name if case.department else "council"
    )
    data = {"outcome": case.outcome} if case.outcome else {}
    if question:
        public = f"We need more information from you: {question}"
        data["question"] = question
    event = record_event(
        case=case,
        kind=EventKind.STATUS,
        by=by,
        from_status=previous,
        to_status=to,
        message=reason or f"{Status(previous).label} → {Status(to).label}",
        public=public,
        data=data,
    )
    webhooks.case_changed(
        case=case,
        event=webhooks.EVENTS.STATUS_CHANGED,
        source_key=f"event:{event.pk}",
        data={"from_status": previous, "to_status": to, "message": public},
    )
    if notify and to in NOTIFY_ON:
        note = question or note
        extra = {"note": note} if note else {}
        if to == Status.RESOLVED:  # asked once, in the resolved update itself ("is it sorted?")
            extra.update(automation_hooks.resolved_update_extras(case))
        queue_update(case=case, kind=to, **extra)
    return case


def request_information(*, case: Case, question: str, by: Any) -> Case:
    """Ask the resident something: the case waits for them (clock paused) and they are told
    exactly what we need, by email or text and on their tracking page."""
    question = " ".join(question.split())
    if not question:
        raise ValueError("Enter the question for the resident")
    return case_transition(
        case=case,
        to=Status.AWAITING_RESIDENT,
        by=by,
        reason=f"Asked the resident: {question}",
        question=question,
    )


def queue_update(*, case: Case, kind: str, key_suffix: str = "", **extra: str) -> None:
    """Tell the resident (and subscribers) about a visible change, once per case and event.

    ``extra`` goes to the task: ``template`` (another wording), ``note`` (the reason shown).
    """
    count = CaseEvent.objects.filter(case=case, kind=EventKind.STATUS, to_status=kind).count()
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"notify:{case.pk}:{kind}:{count}{key_suffix}",
        case_id=case.pk,
        kind=kind,
        **extra,
    )


def _expected_date_moved(case: Case, before: datetime | None, reason: str, by: Any = None) -> str:
    """Write the timeline entry when the resident's expected date moves; returns the reason."""
    after = case.expected_by
    if before is None or after is None or before == after:
        return ""
    record_event(
        case=case,
        kind=EventKind.EXPECTED_DATE,
        by=by,
        message=f"Expected date moved from {before:%d %b %Y} to {after:%d %b %Y}: {reason}",
        public=f"We now expect to finish by {timezone.localtime(after):%-d %B %Y}, because "
        f"{reason}.",
        data={"from": before.isoformat(), "to": after.isoformat(), "reason": reason},
    )
    return reason


@transaction.atomic
def change_expected_date(
    *, case: Case, expected_at: datetime, reason: str, by: Any = None, notify: bool = True
) -> Case:
    """Move the date the resident is promised (not the SLA target) and tell them why."""
    if not reason.strip():
        raise ValueError("Say why the expected date is changing: the resident is told.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValueError("A finished case has no expected date.")
    before = case.expected_by
    case.expected_at = expected_at
    case.save(update_fields=["expected_at", "updated_at"])
    reason = reason.strip().rstrip(".")
    if _expected_date_moved(case, before, reason, by) and notify:
        # One "delayed" update per new date: moving to the same date again tells nobody twice.
        outbox.enqueue(
            "enquiries.tasks.notify_resident",
            dedupe_key=f"notify:{case.pk}:expected_date_changed:{expected_at:%Y%m%d}",
            case_id=case.pk,
            kind="expected_date_changed",
            note=reason,
        )
    return case


def _recompute_due(case: Case) -> None:
    if case.routed_at:
        case.sla_due_at = service_due_date(case)


def service_due_date(case: Case) -> datetime:
    """When the case is due under its service's target (DEFAULT_SLA_DAYS without one): counted
    from receipt, so a slow queue or a late choice of service never extends it, plus the time
    spent waiting for the resident. Recomputed when Triage chooses the service."""
    return calendar().due_date(
        case.created_at, deadlines.sla_days(case), paused_seconds=case.sla_paused_seconds
    )


@transaction.atomic
def case_assign(*, case: Case, assignee: Any, by: Any) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    previous = case.assignee
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    who = assignee.get_full_name() or assignee.get_username() if assignee else "nobody"
    record_event(
        case=case,
        kind=EventKind.ASSIGNED,
        by=by,
        message=f"Assigned to {who}",
        data={"from": previous.pk if previous else None, "to": assignee.pk if assignee else None},
    )
    if case.status in (Status.OPEN, Status.REOPENED) and assignee is not None:
        case_transition(case=case, to=Status.IN_PROGRESS, by=by, reason=f"Picked up by {who}")
        case.refresh_from_db()
    return case


@transaction.atomic
def add_note(*, case: Case, body: str, by: Any) -> CaseEvent:
    """An internal note: never shown to the resident."""
    return record_event(case=case, kind=EventKind.NOTE, message=body.strip(), by=by)


@transaction.atomic
def transfer(*, case: Case, to_department: Department, reason: str, by: Any) -> Case:
    """Move a case to another team without asking the resident again; counts as a re-route."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to_department.pk == case.department_id:
        raise ValueError("The case is already with that department.")
    previous = case.department
    case.department = to_department
    case.assignee = None
    case.transfer_count = F("transfer_count") + 1
    case.save(update_fields=["department", "assignee", "transfer_count", "updated_at"])
    case.refresh_from_db()
    record_event(
        case=case,
        kind=EventKind.TRANSFERRED,
        by=by,
        message=f"Transferred from {previous or 'no department'} to {to_department}: {reason}",
        public=f"Your enquiry has been passed to the {to_department.name} team.",
        data={
            "from": previous.pk if previous else None,
            "to": to_department.pk,
            "rule_id": case.routing_rule_id,
            "reason": reason,
        },
    )
    # The resident hears who has it now (the public event says the same on the tracking page).
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"notify:{case.pk}:transferred:{case.transfer_count}",
        case_id=case.pk,
        kind="transferred",
        note=to_department.name,
    )
    if case.status not in (Status.OPEN, Status.RECEIVED, Status.RESOLVED, Status.CLOSED):
        case = case_transition(
            case=case,
            to=Status.OPEN,
            by=by,
            notify=False,
            reason=f"Waiting in the {to_department} queue",
        )
    return case


@transaction.atomic
def merge(*, duplicate: Case, into: Case, by: Any, reason: str = "") -> Case:
    """Fold a duplicate into the main case: contacts and followers move; the duplicate closes."""
    if duplicate.pk == into.pk:
        raise ValueError("A case cannot be merged into itself.")
    if into.merged_into is not None:
        raise ValueError(
            f"{into.reference} was itself merged; merge into {into.merged_into.reference}."
        )
    if not into.is_open:
        raise ValueError(
            f"{into.reference} is {into.get_status_display().lower()}: reopen it first."
        )
    if duplicate.merged_into_id:
        raise ValueError(f"{duplicate.reference} has already been merged.")
    Contact.objects.filter(case=duplicate).update(case=into)
    residents = {
        duplicate.resident_id,
        *duplicate.subscriptions.values_list("resident_id", flat=True),
    }
    residents.discard(into.resident_id)
    for resident_id in residents:
        CaseSubscription.objects.get_or_create(
            case=into, resident_id=resident_id, defaults={"channel": duplicate.channel}
        )
    CaseSubscription.objects.filter(case=duplicate).delete()
    Case.objects.filter(pk=duplicate.pk).update(merged_into=into)
    record_event(
        case=into,
        kind=EventKind.MERGED,
        by=by,
        message=f"{duplicate.reference} merged into this case. {reason}".strip(),
        data={"duplicate": duplicate.pk},
    )
    record_event(
        case=duplicate,
        kind=EventKind.MERGED,
        by=by,
        message=f"Merged into {into.reference}. {reason}".strip(),
        public=f"This enquiry is being handled together with {into.reference}, a report of the "
        "same thing. Your link shows its progress.",
        data={"into": into.pk},
    )
    # Its reporter is told, once, that their link now follows the surviving case.
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"notify:{duplicate.pk}:merged:{into.pk}",
        case_id=duplicate.pk,
        kind="merged",
        note=into.reference,
    )
    duplicate.refresh_from_db()
    if duplicate.status != Status.CLOSED:
        case_transition(
            case=duplicate,
            to=Status.CLOSED,
            by=by,
            outcome=Outcome.DUPLICATE,
            reason=f"Duplicate of {into.reference}",
            notify=False,
        )
    return into


@transaction.atomic
def subscribe(*, case: Case, resident: Resident, channel: str, by: Any = None) -> bool:
    """Add a resident to an existing case instead of opening a duplicate ("tell us once")."""
    if resident.pk == case.resident_id:
        return False
    _sub, created = CaseSubscription.objects.get_or_create(
        case=case, resident=resident, defaults={"channel": channel}
    )
    if created:
        record_event(
            case=case,
            kind=EventKind.SUBSCRIBED,
            by=by,
            message="Another resident reported the same problem and now follows this case.",
            data={"resident": resident.pk, "channel": channel},
        )
    return created


def reopen_window_open(case: Case, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    finished = case.closed_at or case.resolved_at
    return finished is None or now - finished <= timedelta(days=settings.REOPEN_WINDOW_DAYS)


@transaction.atomic
def tell_team_not_sorted(*, case: Case, reason: str, source: str) -> None:
    """The resident said their finished case is not sorted and it reopened: the assigned
    caseworker (else the department's address) is emailed after commit, once per source."""
    outbox.enqueue(
        "enquiries.tasks.notify_team",
        dedupe_key=f"not-sorted:{case.pk}:{source}",
        case_id=case.pk,
        kind="not_sorted",
        note=reason,
    )


def reopen_if_recent(*, case: Case, by: Any = None) -> Case:
    """Reopen a finished case the resident replied to, within the reopen window."""
    if case.status in (Status.RESOLVED, Status.CLOSED) and reopen_window_open(case):
        return case_transition(
            case=case,
            to=Status.REOPENED,
            by=by,
            reason="The resident replied after the case was finished",
        )
    return case


@transaction.atomic
def route_case(*, case_id: int, now: datetime | None = None) -> bool:
    """Claim a received case and place it by the routing rules. False if already routed."""
    now = now or timezone.now()
    claimed = Case.objects.filter(pk=case_id, status=Status.RECEIVED).update(
        status=Status.OPEN, routed_at=now
    )
    if not claimed:
        return False
    case = Case.objects.select_related("service__department", "resident", "department").get(
        pk=case_id
    )
    rules = [
        rule_spec(r)
        for r in RoutingRule.objects.filter(enabled=True)
        .select_related("department")
        .prefetch_related("services")
    ]
    facts = facts_for_case(case)  # the resident's own words and answers, never labels
    preset_department = case.department.slug if case.department else None
    service_department = case.service.department.slug if case.service else preset_department
    decision = decide(
        facts,
        rules,
        service_department_slug=service_department,
        triage_department_slug=settings.TRIAGE_DEPARTMENT_SLUG,
        department_names=dict(Department.objects.values_list("slug", "name")),
    )
    if decision.rule_id is None and not case.service_id:  # explicit rules beat the learned router
        decision = automation_hooks.place_unrouted(case, decision)
    # never an answer the resident turned down
    decision = automation_hooks.check_rule_answer(case, decision)
    department = Department.objects.filter(slug=decision.department_slug).first()
    if department is None:
        department, _ = Department.objects.get_or_create(
            slug=settings.TRIAGE_DEPARTMENT_SLUG, defaults={"name": "Triage", "is_triage": True}
        )
    case.department = department
    case.routing_rule_id = decision.rule_id
    if decision.priority:
        case.priority = decision.priority
    # The promise runs from receipt, not from routing: a slow queue must not extend it.
    case.sla_due_at = calendar().due_date(case.created_at, deadlines.sla_days(case))
    case.save(
        update_fields=[
            "service",
            "department",
            "routing_rule",
            "priority",
            "sla_due_at",
            "updated_at",
        ]
    )
    record_event(
        case=case,
        kind=EventKind.ROUTED,
        message=decision.reason,
        from_status=Status.RECEIVED,
        to_status=Status.OPEN,
        public=f"Your enquiry is with the {department.name} team.",
        data={
            "rule_id": decision.rule_id,
            "matched_on": list(decision.matched_on),
            "department": department.slug,
        },
    )
    if decision.auto_resolve:
        outbox.enqueue(
            "enquiries.tasks.notify_resident",
            dedupe_key=f"notify:{case.pk}:auto_answer",
            case_id=case.pk,
            kind="auto_answer",
            text=decision.standard_answer,
        )
        case_transition(
            case=case,
            to=Status.RESOLVED,
            outcome=Outcome.ANSWERED_AUTOMATICALLY,
            reason=f"Answered automatically: {decision.rule_name}",
            notify=False,
            now=now,
        )
    elif not automation_hooks.answer_automatically(case, now):
        queue_update(
            case=case,
            kind=Status.OPEN,
            **({"template": decision.ack_template} if decision.ack_template else {}),
        )
    return True


def rule_spec(rule: RoutingRule) -> RuleSpec:
    def split(text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(",") if part.strip())

    return RuleSpec(
        id=rule.pk,
        name=rule.name,
        order=rule.order,
        enabled=rule.enabled,
        services=frozenset(s.slug for s in rule.services.all()),
        keywords_any=split(rule.keywords_any),
        keywords_none=split(rule.keywords_none),
        postcode_districts=frozenset(p.upper() for p in split(rule.postcode_districts)),
        channels=frozenset(rule.channels or []),
        resident_flags_all=frozenset(rule.resident_flags or []),
        answer_conditions=dict(rule.answer_conditions or {}),
        department_slug=rule.department.slug if rule.department else None,
        priority=rule.priority or None,
        ack_template=rule.ack_template or None,
        auto_resolve=rule.auto_resolve,
        standard_answer=rule.standard_answer,
    )


@transaction.atomic
def reply_to_resident(*, case: Case, body: str, by: Any) -> Contact:
    """A staff reply: public on the tracking page at once, sent by the resident's channel."""
    medium = choose_medium(case.resident)
    # The contact records how the reply reaches the resident: by email, text, or (with no
    # working detail) only on their tracking page.
    channel = {"email": Channel.EMAIL, "sms": Channel.SMS}.get(medium or "", Channel.WEB)
    contact = Contact.objects.create(
        case=case,
        resident=case.resident,
        channel=channel,
        direction=Direction.OUTBOUND,
        body=body.strip(),
        recorded_by=by,
        is_public=True,
    )
    record_event(
        case=case,
        kind=EventKind.CONTACT,
        by=by,
        message="Reply sent to the resident",
        data={"contact_id": contact.pk},
    )
    webhooks.case_changed(
        case=case,
        event=webhooks.EVENTS.COUNCIL_REPLY,
        source_key=f"contact:{contact.pk}",
        data={"body": contact.body, "sent_at": contact.created_at.isoformat()},
    )
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"reply:{contact.pk}",
        case_id=case.pk,
        kind="reply",
        contact_id=contact.pk,
    )
    return contact


@transaction.atomic
def stop_updates(
    *, case: Case, resident: Resident, by: Any = None, channel: str = "tracking_link"
) -> None:
    """The resident asked for no more updates: automation checks consent_updates before sending.

    Recorded in the resident's change history like any change to their stored details.
    """
    if resident.anonymised_at is None:  # an anonymised record is never sent anything anyway
        resident_update_details(
            resident=resident,
            changes={"consent_updates": False},
            by=by,
            channel=channel,
            case=case,
        )
    record_event(
        case=case,
        kind=EventKind.NOTE,
        by=by,
        message="The resident asked us to stop sending updates (from the tracking page).",
        data={"resident": resident.pk, "consent_updates": False},
    )


def record_self_service(*, service: Service, answered: bool) -> SelfServiceOutcome:
    """A "Did this answer your question?" click, counted per service (no personal data)."""
    return SelfServiceOutcome.objects.create(service=service, answered=answered)


@transaction.atomic
def mark_email_failing(*, resident: Resident, reason: str, case: Case | None = None) -> bool:
    """Mail to this resident bounced for good: updates switch to another channel, staff see why.

    Returns False when the address was already marked (the event is not repeated).
    """
    changed = Resident.objects.filter(pk=resident.pk, email_failing=False).update(
        email_failing=True, updated_at=timezone.now()
    )
    resident.email_failing = True
    if case is not None and changed:
        record_event(
            case=case,
            kind=EventKind.NOTIFICATION_FAILED,
            message=f"Email to the resident could not be delivered: {reason}"[:2000],
            data={"resident": resident.pk, "failing": "email_failing"},
        )
    return bool(changed)


@transaction.atomic
def record_email_complaint(*, resident: Resident, case: Case, detail: str = "") -> None:
    """The resident marked our email as spam: send them no more updates, and say so on the case."""
    if resident.anonymised_at is None:
        resident_update_details(
            resident=resident,
            changes={"consent_updates": False},
            by=None,
            channel="mail_provider",
            case=case,
        )
    record_event(
        case=case,
        kind=EventKind.NOTE,
        message=f"The resident's mail provider reported our email as spam: updates stopped. "
        f"{detail}".strip()[:2000],
        data={"resident": resident.pk, "consent_updates": False},
    )
