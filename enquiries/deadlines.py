"""When a case is due and when it counts as "due soon": one definition for every caller.

The worklist filter, the case page, the SLA job's timeline entries and the resident's "delayed"
notice all ask these functions, so they can never disagree (ADR 0016). "Due soon" is less than
``DUE_SOON_WORKING_DAYS`` of office time left before the case's service-level due date.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from enquiries.models import Case


def sla_days(case: Case) -> int:
    """The case's service-level target in working days (DEFAULT_SLA_DAYS before triage)."""
    return case.service.sla_days if case.service_id else settings.DEFAULT_SLA_DAYS


def due_soon_until(now: datetime) -> datetime:
    """Cases due before this instant (and not yet past due) are due soon."""
    from enquiries.services import calendar

    return calendar().due_soon_until(now, settings.DUE_SOON_WORKING_DAYS)


def sla_state(now: datetime, due_at: datetime) -> str:
    """on_track / due_soon / breached for one due date, by the same rule as the worklist."""
    from enquiries.services import calendar

    return calendar().sla_state(now, due_at, due_soon_days=settings.DUE_SOON_WORKING_DAYS)
