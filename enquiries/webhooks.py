"""Signed webhooks to partners: status changes and council replies on their own cases.

A delivery is a row written in the transaction that made the change, sent from the outbox by a
worker on its own queue ("webhooks") with a short timeout, and retried with exponential backoff
(the retry waits in the broker, not in a worker), so a dead endpoint never holds up another
partner or the council's own notifications. Each delivery has an id the receiver uses to
ignore repeats; retries and replays resend the same id and the same bytes.

Signature: X-Northmoor-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>, with
the timestamp (Unix seconds) in X-Northmoor-Timestamp.
"""

import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from enquiries import outbox
from enquiries.models import Case, PartnerOrganisation, WebhookDelivery, WebhookEndpoint

TASK = "enquiries.tasks.deliver_webhook"
EVENTS = WebhookEndpoint.Event
MAX_RESPONSE_KEPT = 2000


class DeliveryFailed(Exception):
    """The endpoint did not answer 2xx: try again later (retry_in seconds)."""

    def __init__(self, message: str, retry_in: float):
        super().__init__(message)
        self.retry_in = retry_in


def check_url(url: str) -> str:
    """HTTPS only; plain http only to loopback, and only where WEBHOOK_ALLOW_HTTP_LOOPBACK is on
    (tests, local development)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme == "http" and loopback and settings.WEBHOOK_ALLOW_HTTP_LOOPBACK:
        return url
    raise ValidationError({"url": ["Give an https:// URL for your endpoint."]})


def register_endpoint(
    *, partner: PartnerOrganisation, url: str, events: list[str] | None = None
) -> tuple[WebhookEndpoint, str]:
    """Register (or re-register, with a new secret) a partner's endpoint. The secret is
    returned once, for the partner to keep."""
    url = check_url(url.strip())
    chosen = list(dict.fromkeys(events or []))
    unknown = [e for e in chosen if e not in EVENTS.values]
    if unknown:
        raise ValidationError(
            {"events": [f"Unknown events {unknown}; choose from {', '.join(EVENTS.values)}."]}
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint, _ = WebhookEndpoint.objects.update_or_create(
        partner=partner, url=url, defaults={"secret": secret, "events": chosen, "is_active": True}
    )
    return endpoint, secret


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def case_changed(*, case: Case, event: str, source_key: str, data: dict[str, Any]) -> int:
    """Record a delivery per subscribed endpoint of the case's partner (call inside the
    transaction that made the change). Returns how many were recorded."""
    if not case.partner_id:
        return 0
    count = 0
    for endpoint in WebhookEndpoint.objects.filter(partner_id=case.partner_id, is_active=True):
        if endpoint.events and event not in endpoint.events:
            continue
        delivery_id = uuid.uuid4()
        body = json.dumps(
            {
                "id": str(delivery_id),
                "type": event,
                "created_at": timezone.now().isoformat(),
                "case": {
                    "reference": case.reference,
                    "status": case.status,
                    "status_label": case.resident_status_label,
                    "service": case.service.slug if case.service else None,
                },
                "data": data,
            },
            ensure_ascii=False,
            sort_keys=True,
        )
        delivery, created = WebhookDelivery.objects.get_or_create(
            endpoint=endpoint,
            source_key=source_key,
            defaults={"delivery_id": delivery_id, "event": event, "case": case, "body": body},
        )
        if created:
            outbox.enqueue(TASK, dedupe_key=f"webhook:{delivery.pk}", delivery_id=delivery.pk)
            count += 1
    return count


def backoff(attempts: int) -> float:
    base = settings.WEBHOOK_BACKOFF_SECONDS * 2 ** max(0, attempts - 1)
    return float(min(settings.WEBHOOK_BACKOFF_MAX_SECONDS, base))


def deliver(delivery_id: int) -> bool:
    """Send one delivery once. True when delivered (now or before); raises DeliveryFailed to be
    retried; marks the delivery failed after WEBHOOK_MAX_ATTEMPTS."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.state == WebhookDelivery.State.DELIVERED:
        return delivery is not None
    endpoint = delivery.endpoint
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Northmoor-Webhooks/1",
        "X-Northmoor-Delivery": str(delivery.delivery_id),
        "X-Northmoor-Event": delivery.event,
        "X-Northmoor-Timestamp": str(timestamp),
        "X-Northmoor-Signature": sign(endpoint.secret, timestamp, body),
    }
    attempts = delivery.attempts + 1
    status, text, error = None, "", ""
    try:
        check_url(endpoint.url)
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status, text = response.status_code, response.text[:MAX_RESPONSE_KEPT]
    except (requests.RequestException, ValidationError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:MAX_RESPONSE_KEPT]
    ok = status is not None and 200 <= status < 300
    if ok:
        state = WebhookDelivery.State.DELIVERED
    elif attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        state = WebhookDelivery.State.FAILED
    else:
        state = WebhookDelivery.State.PENDING
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        response_status=status,
        response_body=text,
        last_error=error or ("" if ok else f"HTTP {status}"),
        last_attempt_at=now,
        state=state,
        delivered_at=now if ok else None,
    )
    if state == WebhookDelivery.State.PENDING:
        raise DeliveryFailed(error or f"HTTP {status}", retry_in=backoff(attempts))
    return ok


def replay(delivery: WebhookDelivery) -> bool:
    """Admin: send a delivery again (same id, same body), whatever became of it."""
    with transaction.atomic():
        replays = WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.PENDING, attempts=0, delivered_at=None
        )
        if not replays:
            return False
        outbox.enqueue(
            TASK,
            dedupe_key=f"webhook:{delivery.pk}:replay:{uuid.uuid4().hex[:12]}",
            delivery_id=delivery.pk,
        )
    return True
