""" "Is it sorted?": asked once when a case is resolved (in the resolved update, so it costs no
extra message against the daily budget and follows the resident's opt-out, and on the tracking
page); "no" within the reopen window reopens the case and tells the team, "yes" closes it."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from enquiries.choices import EventKind, Status
from enquiries.models import Case
from router.models import CaseOutcome

TEMPLATE = "resolved_is_it_sorted"


def ask_is_it_sorted(case: Case) -> dict[str, str]:
    """Called as a case is resolved: the wording for the resolved update ({} if asked before)."""
    _outcome, created = CaseOutcome.objects.get_or_create(
        case=case,
        defaults={
            "channel": case.channel,
            "service_id": case.service_id,
            "department_id": case.department_id,
            "ward_code": case.ward_code,
            "postcode_district": case.postcode_district,
        },
    )
    return {"template": TEMPLATE} if created else {}


def open_question(case: Case) -> CaseOutcome | None:
    """The unanswered question on a resolved case, if any (for the tracking page)."""
    if case.status != Status.RESOLVED:
        return None
    return CaseOutcome.objects.filter(case=case, answered_at__isnull=True).first()


@transaction.atomic
def answer(
    *,
    case: Case,
    is_sorted: bool,
    satisfaction: int | None = None,
    reason: str = "",
    via: str = "tracking_page",
    now: datetime | None = None,
) -> CaseOutcome | None:
    """Record the resident's answer once; None if it was already answered or never asked."""
    from enquiries.services import (
        case_transition,
        record_event,
        reopen_window_open,
        tell_team_not_sorted,
    )

    now = now or timezone.now()
    reason = reason.strip()
    claimed = CaseOutcome.objects.filter(case=case, answered_at__isnull=True).update(
        answered_at=now,
        sorted=is_sorted,
        satisfaction=satisfaction,
        reason=reason,
        answered_via=via,
    )
    if not claimed:
        return None
    case = Case.objects.get(pk=case.pk)
    score = f" Satisfaction {satisfaction} out of 5." if satisfaction else ""
    if is_sorted:
        record_event(
            case=case,
            kind=EventKind.NOTE,
            message=f"The resident said it is sorted.{score}"
            + (f" They said: {reason}" if reason else ""),
        )
        if case.status == Status.RESOLVED:
            case_transition(
                case=case,
                to=Status.CLOSED,
                reason="The resident confirmed it is sorted",
                notify=False,
                now=now,
            )
    elif case.status in (Status.RESOLVED, Status.CLOSED) and reopen_window_open(case, now):
        case_transition(
            case=case,
            to=Status.REOPENED,
            reason="The resident said it is not sorted: " + (reason or "no reason given"),
            now=now,
        )
        CaseOutcome.objects.filter(case=case).update(reopened=True)
        tell_team_not_sorted(case=case, reason=reason, source="question")
    else:
        record_event(
            case=case,
            kind=EventKind.NOTE,
            message="The resident said it is not sorted, after the reopen window: "
            + (reason or "no reason given")
            + score,
        )
    return CaseOutcome.objects.get(case=case)
