"""Thin Celery wrappers: take ids, call one service, retry only transient errors.

Every task is idempotent (the services claim their work atomically), so acks_late and the outbox
sweeper re-sending a message are safe.
"""

import logging

from celery import shared_task

from enquiries import outbox, services
from enquiries.notifications import TransientSendError, notify_case

logger = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (TransientSendError, ConnectionError, TimeoutError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(acks_late=True, **RETRY)
def route_case(case_id: int, outbox_id: int | None = None) -> bool:
    routed = services.route_case(case_id=case_id)
    outbox.mark_done(outbox_id)
    return routed


@shared_task(bind=True, acks_late=True, **RETRY)
def notify_resident(
    self,
    case_id: int,
    kind: str,
    text: str = "",
    contact_id: int | None = None,
    outbox_id: int | None = None,
) -> int:
    key = f"outbox:{outbox_id}" if outbox_id else f"{case_id}:{kind}"
    try:
        rows = notify_case(case_id=case_id, kind=kind, text=text, key=key, contact_id=contact_id)
    except TransientSendError as exc:
        if self.request.retries >= self.max_retries:
            outbox.mark_failed(outbox_id, f"Gave up after retries: {exc}")
        raise
    outbox.mark_done(outbox_id)
    return len(rows)


@shared_task(acks_late=True)
def sweep_outbox() -> int:
    return outbox.sweep()
