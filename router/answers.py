"""Automatic answers, and the one rule every sender of a standard answer calls: never send an
answer the resident has already said did not help (``may_send``)."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from enquiries import outbox
from enquiries.choices import EventKind, Outcome, Status
from enquiries.models import Case, Service
from router.models import AutomaticAnswer, Classification, DeclinedAnswer

#: Where a web resident's "No, that didn't help" waits until their form becomes a case.
SESSION_KEY = "router_declined_services"


def answer_hash(text: str) -> str:
    """The same answer whatever its spacing or case."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def may_send(case: Case, text: str) -> bool:
    """False when this case's resident (or the web journey that made it) said this answer, or
    this service's answer, did not help. Every automatic sender asks this first."""
    keys = [k for k in case.contacts.values_list("idempotency_key", flat=True) if k]
    who = Q(case=case) | Q(resident_id=case.resident_id)
    if keys:
        who |= Q(journey_key__in=keys)
    what = Q(answer_hash=answer_hash(text))
    if case.service_id:
        what |= Q(service_id=case.service_id)
    return not DeclinedAnswer.objects.filter(who & what).exists()


def check_rule_answer(case: Case, decision):
    """A keyword rule's automatic answer goes through the same rule."""
    if not decision.auto_resolve or may_send(case, decision.standard_answer):
        return decision
    return dataclasses.replace(
        decision,
        auto_resolve=False,
        standard_answer="",
        reason=f"{decision.reason}; not answered automatically: the resident already said "
        "this answer did not help",
    )


# --- the web's "No, that didn't help" ------------------------------------------------------------


def remember_web_no(session, service: Service) -> None:
    """Called by the service page's "No": kept in the session until the form is sent."""
    declined = session.get(SESSION_KEY, [])
    if service.pk not in declined:
        session[SESSION_KEY] = [*declined, service.pk][-20:]


def carry_into_journey(session, service: Service, journey_key: str) -> None:
    """Called just before the journey's case is submitted: written first, so routing (which
    runs after the case commits) already sees it."""
    if service.pk in session.get(SESSION_KEY, []) and service.standard_answer.strip():
        DeclinedAnswer.objects.get_or_create(
            journey_key=journey_key,
            service=service,
            defaults={"answer_hash": answer_hash(service.standard_answer)},
        )


# --- automatic answers by the router -------------------------------------------------------------

#: what the tracking page's timeline says while the answer waits for "did it help?"
WAITING_FOR_VERDICT = "We have sent you an answer: tell us if it helped."


def answer_automatically(*, case: Case, now: datetime | None = None) -> bool:
    """Send the approved answer of the simple-query service the router placed this case in,
    with "Did this answer your question?" links; the case waits for the resident's verdict.
    Call inside the routing transaction. False when the case does not qualify."""
    from enquiries.services import case_transition, record_event

    service = case.service
    if (
        service is None
        or not service.is_simple_query
        or not service.standard_answer.strip()
        or case.channel not in settings.ROUTER_ANSWER_CHANNELS
        or not Classification.objects.filter(case=case, applied=True).exists()
    ):
        return False
    if not may_send(case, service.standard_answer):
        record_event(
            case=case,
            kind=EventKind.NOTE,
            message="Not answered automatically: the resident already said the standard "
            f"answer for {service.name} did not help",
        )
        return False
    AutomaticAnswer.objects.create(
        case=case, service=service, answer_hash=answer_hash(service.standard_answer)
    )
    outbox.enqueue(
        "enquiries.tasks.notify_resident",
        dedupe_key=f"notify:{case.pk}:automatic_answer",
        case_id=case.pk,
        kind="auto_answer",  # sent at once, outside the daily update budget
        template="automatic_answer",
        text=service.standard_answer,
    )
    case_transition(
        case=case,
        to=Status.AWAITING_RESIDENT,
        reason=f"Answered automatically with the standard answer for {service.name}: "
        "waiting for the resident to say whether it helped",
        notify=False,
        now=now,
        public=WAITING_FOR_VERDICT,
    )
    return True


@transaction.atomic
def record_response(*, case: Case, helped: bool, now: datetime | None = None) -> bool:
    """The resident's "Did this answer your question?". Yes resolves; no puts the case in
    front of staff and the answer is never sent to them again. False if already answered."""
    from enquiries.services import case_transition

    now = now or timezone.now()
    claimed = AutomaticAnswer.objects.filter(case=case, response="").update(
        response=AutomaticAnswer.Response.HELPED
        if helped
        else AutomaticAnswer.Response.DID_NOT_HELP,
        responded_at=now,
    )
    if not claimed:
        return False
    answer = AutomaticAnswer.objects.select_related("service").get(case=case)
    case.refresh_from_db()
    if helped:
        if case.is_open:
            case_transition(
                case=case,
                to=Status.RESOLVED,
                outcome=Outcome.ANSWERED_AUTOMATICALLY,
                reason="The resident said the automatic answer answered their question",
                notify=False,
                now=now,
            )
        return True
    DeclinedAnswer.objects.create(
        answer_hash=answer.answer_hash,
        service=answer.service,
        case=case,
        resident=case.resident,
    )
    _to_staff(case, "The resident said the automatic answer did not help", now)
    return True


def _to_staff(case: Case, reason: str, now: datetime) -> None:
    from enquiries.services import case_transition

    case.refresh_from_db()
    if case.status == Status.AWAITING_RESIDENT:
        case_transition(case=case, to=Status.OPEN, reason=reason, now=now)


def expire_unanswered(now: datetime | None = None) -> int:
    """No verdict within ROUTER_ANSWER_WAIT_HOURS: the case goes in front of staff."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ROUTER_ANSWER_WAIT_HOURS)
    done = 0
    for pk in AutomaticAnswer.objects.filter(response="", sent_at__lt=cutoff).values_list(
        "case_id", flat=True
    ):
        with transaction.atomic():
            if AutomaticAnswer.objects.filter(case_id=pk, response="").update(
                response=AutomaticAnswer.Response.NO_REPLY, responded_at=now
            ):
                _to_staff(
                    Case.objects.get(pk=pk),
                    "No reply to the automatic answer in time: a person will look at it",
                    now,
                )
                done += 1
    return done
