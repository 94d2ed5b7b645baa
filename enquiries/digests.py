"""The daily digest: status updates held back by the per-case budget go out as one message.

At most ``NOTIFICATION_DAILY_BUDGET`` status updates a day per person and case are sent at once;
the rest wait (Notification state "deferred"). After ``NOTIFICATION_DIGEST_TIME`` (local time)
the beat job queues one digest per person and case, at most one a day (the outbox key has the
date), so nobody gets more than the budget plus one digest in a day.
"""

from datetime import datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from enquiries import outbox
from enquiries.models import Notification


def digest_time() -> time:
    return time.fromisoformat(settings.NOTIFICATION_DIGEST_TIME)


def queue_due(now: datetime | None = None) -> int:
    """Queue today's digests, once the digest time has passed. Returns how many were queued."""
    local = timezone.localtime(now or timezone.now())
    if local.time() < digest_time():
        return 0
    held = (
        Notification.objects.filter(state=Notification.State.DEFERRED)
        .values_list("case_id", "resident_id")
        .distinct()
    )
    queued = 0
    for case_id, resident_id in held:
        with transaction.atomic():
            queued += bool(
                outbox.enqueue(
                    "enquiries.tasks.send_digest",
                    dedupe_key=f"digest:{case_id}:{resident_id}:{local.date().isoformat()}",
                    case_id=case_id,
                    resident_id=resident_id,
                )
            )
    return queued
