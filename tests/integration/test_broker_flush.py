"""Redis flushed with 200 tasks queued: /healthz reports the backlog (503 past its threshold),
and once the broker is back the sweeper re-sends the lost work, which is done exactly once."""

import pytest
import redis
import requests
from django.core import mail

from enquiries import outbox
from enquiries.models import Case, Notification, OutboxTask
from enquiries.tasks import sweep_outbox
from portal.celery_app import app
from tests.brokers import unreachable_broker
from tests.conftest import wait_for
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.redis_server import private_redis

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_work_lost_in_a_broker_flush_is_done_once_and_health_says_so(
    tmp_path, settings, live_server
):
    from celery.contrib.testing.worker import start_worker

    settings.OUTBOX_STALE_DISPATCHED_SECONDS = 5  # 45 s in production: bench/RESULTS.md
    settings.HEALTH_MAX_OUTBOX_AGE_SECONDS = 2
    with private_redis(tmp_path) as broker, unreachable_broker(broker.url):
        service = ServiceFactory()
        cases = [submit_web_case(service=service) for _ in range(100)]  # 200 tasks queued
        assert OutboxTask.objects.filter(state=OutboxTask.State.DISPATCHED).count() == 200
        redis.Redis.from_url(broker.url).flushdb()  # the broker loses every message

        def reported() -> dict | None:
            health = requests.get(f"{live_server.url}/healthz", timeout=30)
            body = health.json()["checks"]["outbox"]
            failing = health.status_code == 503 and not body["ok"]
            return body if failing and body["backlog"] == 200 else None

        outbox_health = wait_for(reported, timeout=30, interval=0.5)
        assert outbox_health["oldest_age_seconds"] > settings.HEALTH_MAX_OUTBOX_AGE_SECONDS
        assert outbox_health["detail"].startswith("oldest")

        app.loader.import_module("celery.contrib.testing.tasks")
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):

            def recovered() -> bool:
                outbox.reset_circuit()
                sweep_outbox.delay()  # what beat sends every OUTBOX_SWEEP_SECONDS
                return not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists()

            wait_for(recovered, timeout=120, interval=1.0)

    assert Case.objects.filter(status="open").count() == 100
    for case in cases:
        kinds = sorted(Notification.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds == ["open", "received"]
    assert len(mail.outbox) == 200
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 200
