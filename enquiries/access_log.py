"""The data-protection access log: who looked at whose personal data, when and from which page.

Views call these after the policy has allowed a read; refused attempts are written too, so an
auditor sees someone guessing case numbers. Writes are single inserts (bulk for search results),
so a page's query count does not grow with the rows it shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from enquiries.models import AccessLog, Case, Resident

logger = logging.getLogger("enquiries.access")

MAX_PATH = 300


def record_view(
    *,
    user: Any,
    path: str,
    case: Case | None = None,
    resident: Resident | None = None,
    action: str = "view",
) -> AccessLog:
    """One staff view of a case or a resident's record."""
    if resident is None and case is not None:
        resident = case.resident
    return AccessLog.objects.create(
        user=user, case=case, resident=resident, action=action[:40], path=path[:MAX_PATH]
    )


def record_views(
    *, user: Any, path: str, residents: Iterable[Resident], action: str = "search"
) -> int:
    """Residents listed on one page (search results): one row each, one insert."""
    rows = [
        AccessLog(user=user, resident=resident, action=action[:40], path=path[:MAX_PATH])
        for resident in residents
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def record_subjects(
    *,
    user: Any,
    path: str,
    subjects: Iterable[tuple[int | None, int | None]],
    action: str = "admin_view",
) -> int:
    """Rows of personal data shown on one admin page, as (case id, resident id): one insert."""
    rows = [
        AccessLog(
            user=user,
            case_id=case_id,
            resident_id=resident_id,
            action=action[:40],
            path=path[:MAX_PATH],
        )
        for case_id, resident_id in subjects
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def record_action(*, user: Any, path: str, action: str) -> AccessLog:
    """A security-relevant admin action (such as resetting someone's second factor)."""
    logger.warning("%s by user %s: %s", action, getattr(user, "pk", None), path)
    return AccessLog.objects.create(user=user, action=action[:40], path=path[:MAX_PATH])


def record_denied(
    *, user: Any, path: str, action: str, case: Case | None = None, key: str = ""
) -> AccessLog:
    """A refused look or change: kept in the log and raised to the security log."""
    logger.warning(
        "Refused %s by user %s on %s (key %r, case %s)",
        action,
        getattr(user, "pk", None),
        path or "-",
        key[:60],
        case.pk if case else "unknown",
    )
    return AccessLog.objects.create(
        user=user,
        case=case,
        action=f"denied:{action}"[:40],
        path=(path or f"key:{key}")[:MAX_PATH],
    )
