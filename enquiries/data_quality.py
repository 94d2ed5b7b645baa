"""The data protection officer's view of how accurate and current the personal data is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from enquiries import retention
from enquiries.choices import UNVERIFIED_SENDER_FLAG
from enquiries.models import (
    Case,
    Notification,
    PendingContactChange,
    PossibleMatch,
    Resident,
)

LIMIT = 50


@dataclass
class DataQuality:
    failing: list[Resident]
    failing_count: int
    failed_messages: list[Notification]
    unverified_changes: list[PendingContactChange]
    unresolved_matches: int
    unverified_senders: list[Resident]
    unverified_senders_count: int
    no_route: list[Resident]
    no_route_count: int
    awaiting_retention: list[Case]
    awaiting_count: int
    held_count: int


def report(now: datetime | None = None) -> DataQuality:
    """Each list capped at LIMIT rows (counts are exact)."""
    now = now or timezone.now()
    live = Resident.objects.filter(anonymised_at__isnull=True)
    failing = live.filter(Q(email_failing=True) | Q(phone_failing=True)).order_by("id")
    no_route = (
        live.filter(email="", phone="")
        .filter(cases__personal_data_removed_at__isnull=True)
        .distinct()
        .order_by("id")
    )
    # JSON "contains" is not on SQLite: match the flag in the list's text on both databases.
    unverified = (
        live.annotate(flags_text=Cast("flags", TextField()))
        .filter(flags_text__contains=f'"{UNVERIFIED_SENDER_FLAG}"')
        .order_by("-id")
    )
    due = retention.due_cases(now).select_related("service")
    held = retention.due_cases(now, include_held=True).exclude(legal_hold_reason="")
    return DataQuality(
        failing=list(failing[:LIMIT]),
        failing_count=failing.count(),
        failed_messages=list(
            Notification.objects.filter(
                state=Notification.State.FAILED, created_at__gte=now - timedelta(days=30)
            )
            .select_related("case")
            .order_by("-created_at")[:LIMIT]
        ),
        unverified_changes=list(
            PendingContactChange.objects.filter(confirmed_at__isnull=True, expires_at__gt=now)
            .select_related("case")
            .order_by("-created_at")[:LIMIT]
        ),
        unresolved_matches=PossibleMatch.objects.filter(state=PossibleMatch.State.OPEN).count(),
        unverified_senders=list(unverified[:LIMIT]),
        unverified_senders_count=unverified.count(),
        no_route=list(no_route[:LIMIT]),
        no_route_count=no_route.count(),
        awaiting_retention=list(due[:LIMIT]),
        awaiting_count=due.count(),
        held_count=held.count(),
    )
