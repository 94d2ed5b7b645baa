"""When a case is due and when it counts as "due soon": one definition for every caller.

The worklist filter, the case page, the SLA job's timeline entries and the resident's "delayed"
notice all ask these functions, so they can never disagree (ADR 0016). "Due soon" is less than
``DUE_SOON_WORKING_DAYS`` of office time left before the case's service-level due date.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache

from django.conf import settings

from enquiries.models import Case
from enquiries.sla import OfficeHours, WorkingCalendar


@lru_cache(maxsize=1)
def calendar() -> WorkingCalendar:
    """The working calendar for SLA clocks (England and Wales bank holidays, office hours)."""
    start = time.fromisoformat(settings.OFFICE_HOURS_START)
    end = time.fromisoformat(settings.OFFICE_HOURS_END)
    return WorkingCalendar(OfficeHours(start=start, end=end, tz=settings.TIME_ZONE))


def sla_days(case: Case) -> int:
    """The case's service-level target in working days (DEFAULT_SLA_DAYS before triage)."""
    if case.service is None:
        return int(settings.DEFAULT_SLA_DAYS)
    return case.service.sla_days


def due_soon_until(now: datetime) -> datetime:
    """Cases due before this instant (and not yet past due) are due soon."""
    return calendar().due_soon_until(now, settings.DUE_SOON_WORKING_DAYS)


def sla_state(now: datetime, due_at: datetime) -> str:
    """on_track / due_soon / breached for one due date, by the same rule as the worklist."""
    return calendar().sla_state(now, due_at, due_soon_days=settings.DUE_SOON_WORKING_DAYS)
