"""Thin Celery wrappers: take ids, call one service, retry only transient errors.

Every task is idempotent (the services claim their work atomically and notifications have unique
keys), so acks_late and the outbox sweeper re-sending a message are safe. After the last retry,
or on an error that retrying cannot fix, the outbox row is marked failed: admins see it and can
retry it (OutboxTask admin).
"""

import logging
from datetime import datetime
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.exceptions import Retry
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from enquiries import digests, heartbeats, notifications, outbox, services, sla_jobs, webhooks
from enquiries.notifications import SendInFlight, TransientSendError, notify_case
from enquiries.notifications import send_tracking_link as send_tracking_link_now

logger = logging.getLogger(__name__)

TRANSIENT = (TransientSendError, ConnectionError, TimeoutError, OperationalError, InterfaceError)
RETRY: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


class OutboxTask(Task[Any, Any]):
    """Counts every delivery of the work on its outbox row, and records the final failure there.

    A delivery counted at the start but never finished was lost with its worker; after
    OUTBOX_MAX_DELIVERIES of those the row is a dead letter and the work no longer runs.
    A send held by another worker (SendInFlight) is retried once that claim may have ended,
    without using up the retries kept for provider errors.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outbox_id = kwargs.get("outbox_id")
        if not outbox.start_delivery(outbox_id):
            return super().__call__(*args, **kwargs)  # not live: the task returns "nothing done"
        retry_in = None
        try:
            return super().__call__(*args, **kwargs)
        except SendInFlight as exc:
            if self.request.is_eager:  # run in-process (tests, commands): no broker to wait in
                raise
            retry_in = exc.retry_in
            raise self.retry(exc=exc, countdown=exc.retry_in, max_retries=None) from exc
        except Retry as exc:
            retry_in = _seconds_until(exc.when)
            raise
        finally:
            outbox.finish_delivery(outbox_id, retry_in=retry_in)

    def on_failure(
        self,
        exc: Exception,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo,
    ) -> None:
        outbox.mark_failed((kwargs or {}).get("outbox_id"), f"{type(exc).__name__}: {exc}")


def _seconds_until(when: object) -> float | None:
    if isinstance(when, int | float):
        return float(when)
    if isinstance(when, datetime):
        return max(0.0, (when - timezone.now()).total_seconds())
    return None


def _event_key(outbox_id: int | None, fallback: str) -> str:
    """Per case and event: the outbox row's dedupe key (e.g. notify:12:open:0)."""
    return outbox.dedupe_key(outbox_id) or fallback


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def route_case(case_id: int, outbox_id: int | None = None) -> bool:
    if not outbox.is_live(outbox_id):
        return False  # rolled back with its transaction, or already done
    routed = services.route_case(case_id=case_id)
    outbox.mark_done(outbox_id)
    return routed


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def notify_resident(
    case_id: int,
    kind: str,
    text: str = "",
    contact_id: int | None = None,
    outbox_id: int | None = None,
    template: str = "",
    note: str = "",
) -> int:
    if not outbox.is_live(outbox_id):
        return 0
    rows = notify_case(
        case_id=case_id,
        kind=kind,
        text=text,
        key=_event_key(outbox_id, f"notify:{case_id}:{kind}"),
        contact_id=contact_id,
        template=template,
        note=note,
    )
    outbox.mark_done(outbox_id)
    return len(rows)


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def notify_managers(case_id: int, outbox_id: int | None = None) -> int:
    if not outbox.is_live(outbox_id):
        return 0
    rows = notifications.notify_managers(
        case_id=case_id, key=_event_key(outbox_id, f"escalate:{case_id}")
    )
    outbox.mark_done(outbox_id)
    return len(rows)


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def notify_team(case_id: int, kind: str, note: str = "", outbox_id: int | None = None) -> int:
    if not outbox.is_live(outbox_id):
        return 0
    rows = notifications.notify_team(
        case_id=case_id, kind=kind, note=note, key=_event_key(outbox_id, f"team:{case_id}:{kind}")
    )
    outbox.mark_done(outbox_id)
    return len(rows)


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def send_digest(case_id: int, resident_id: int, outbox_id: int | None = None) -> bool:
    if not outbox.is_live(outbox_id):
        return False
    row = notifications.send_digest(
        case_id=case_id,
        resident_id=resident_id,
        key=_event_key(outbox_id, f"digest:{case_id}:{resident_id}"),
    )
    outbox.mark_done(outbox_id)
    return row is not None


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def send_tracking_link(reference: str, fingerprint: str, outbox_id: int | None = None) -> bool:
    """Find my enquiry: the match happens here, so the web answer never depends on it."""
    if not outbox.is_live(outbox_id):
        return False
    key = f"outbox:{outbox_id}" if outbox_id else f"find:{reference}:{fingerprint[:16]}"
    row = send_tracking_link_now(reference=reference, fingerprint=fingerprint, key=key)
    outbox.mark_done(outbox_id)
    return row is not None


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def resend_notification(notification_id: int, stage: str, outbox_id: int | None = None) -> bool:
    """After Notify's technical failure: the same text message once more, then by email."""
    if not outbox.is_live(outbox_id):
        return False
    row = notifications.resend_notification(notification_id=notification_id, stage=stage)
    outbox.mark_done(outbox_id)
    return row is not None


# --- beat ---------------------------------------------------------------------------------------


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    heartbeats.beat("outbox-sweep")
    return outbox.sweep()


@shared_task(acks_late=True)
def run_sla_checks() -> dict[str, int]:
    """Due soon / breached marks, escalations, proactive updates (every minute)."""
    heartbeats.beat("sla-checks")
    return sla_jobs.run().as_dict()


@shared_task(acks_late=True)
def queue_digests() -> int:
    """After the digest time, one digest per person and case for the updates held back."""
    heartbeats.beat("notification-digests")
    return digests.queue_due()


@shared_task(acks_late=True)
def apply_retention() -> dict[str, Any]:
    """Daily: remove the personal data of cases past their service's retention period."""
    from enquiries import retention

    heartbeats.beat("apply-retention")
    return retention.apply_retention().as_dict()


@shared_task(acks_late=True)
def clear_expired_sessions() -> int:
    """Hourly: an abandoned online form's answers live in its session; they go once it expires
    (SESSION_COOKIE_AGE) rather than waiting for someone to run clearsessions."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    heartbeats.beat("clear-expired-sessions")
    before = Session.objects.count() if "db" in settings.SESSION_ENGINE else 0
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return before - (Session.objects.count() if "db" in settings.SESSION_ENGINE else 0)


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def build_subject_access_export(export_id: int, outbox_id: int | None = None) -> bool:
    """Write one subject access ZIP (idempotent: a second delivery finds it ready)."""
    from enquiries import subject_access

    if not outbox.is_live(outbox_id):
        return False
    export = subject_access.build(export_id)
    outbox.mark_done(outbox_id)
    return export is not None


@shared_task(base=OutboxTask, acks_late=True, **RETRY)
def send_confirmation_code(pending_id: int, outbox_id: int | None = None) -> bool:
    """The code confirming a new email or phone given through a tracking link."""
    if not outbox.is_live(outbox_id):
        return False
    row = notifications.send_confirmation_code(pending_id=pending_id)
    outbox.mark_done(outbox_id)
    return row is not None


@shared_task(base=OutboxTask, bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self: OutboxTask, delivery_id: int, outbox_id: int | None = None) -> bool:
    """One signed POST to a partner's endpoint; a failure waits in the broker (backoff)."""
    if not outbox.is_live(outbox_id):
        return False
    try:
        delivered = webhooks.deliver(delivery_id)
    except webhooks.DeliveryFailed as exc:
        if self.request.is_eager:
            raise
        raise self.retry(exc=exc, countdown=exc.retry_in) from exc
    if delivered:
        outbox.mark_done(outbox_id)
    else:
        outbox.mark_failed(outbox_id, "Webhook not delivered after the last attempt")
    return delivered
