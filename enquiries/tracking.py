"""Tracking links: how long they work after a case is finished, and issuing a fresh one.

A link is an HMAC of (reference, salt) and only its hash is stored, so a link already sent works
whatever happens to SECRET_KEY; the key is needed only to write the same link into the next email
(old keys go in SECRET_KEY_FALLBACKS). See docs/adr/0010-tracking-links.md.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from enquiries.models import Case, hash_tracking_token, make_tracking_token


def link_expires_at(case: Case) -> datetime | None:
    """TRACKING_LINK_DAYS_AFTER_CLOSURE after the case was finished (or the link re-issued, if
    later); None while the case is open."""
    finished = case.closed_at or case.resolved_at
    if case.is_open or finished is None:
        return None
    start = max(finished, case.tracking_issued_at or finished)
    return start + timedelta(days=settings.TRACKING_LINK_DAYS_AFTER_CLOSURE)


def link_expired(case: Case, now: datetime | None = None) -> bool:
    expires = link_expires_at(case)
    return expires is not None and (now or timezone.now()) >= expires


def reissue_tracking_link(case: Case) -> str:
    """A new token with the current key: the old link stops working at once. Returns the path."""
    case.tracking_salt = secrets.token_hex(8)
    case.tracking_token_hash = hash_tracking_token(
        make_tracking_token(case.reference, case.tracking_salt)
    )
    case.tracking_issued_at = timezone.now()
    Case.objects.filter(pk=case.pk).update(
        tracking_salt=case.tracking_salt,
        tracking_token_hash=case.tracking_token_hash,
        tracking_issued_at=case.tracking_issued_at,
    )
    return case.tracking_path()


def surviving_case(case: Case) -> Case:
    """The case a tracking link now follows: a case merged into another shows the survivor's
    progress (the link already sent keeps working; its hash cannot be re-pointed)."""
    seen = {case.pk}
    while case.merged_into_id and case.merged_into_id not in seen:
        case = Case.objects.select_related("service", "department").get(pk=case.merged_into_id)
        seen.add(case.pk)
    return case


def open_question(case: Case) -> str:
    """What staff asked the resident, while the case waits for their answer."""
    from enquiries.choices import EventKind, Status

    if case.status != Status.AWAITING_RESIDENT:
        return ""
    event = (
        case.events.filter(kind=EventKind.STATUS, to_status=Status.AWAITING_RESIDENT)
        .order_by("-created_at", "-pk")
        .only("data")
        .first()
    )
    return (event.data or {}).get("question", "") if event else ""
