"""Every resident message goes once: two real prefork workers compete for the work, one is
killed mid-send (a pool child, or the whole worker), a Notify call times out after Notify
accepted it; Notify (a stub on loopback) must have accepted each message exactly once.

A task that kills its worker every time goes to a dead letter after OUTBOX_MAX_DELIVERIES.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from enquiries import outbox
from enquiries.models import Notification, OutboxTask
from tests.conftest import wait_for
from tests.factories import ServiceFactory, submit_web_case
from tests.integration.notify_stub import (
    ACCEPT_THEN_TIMEOUT,
    API_KEY,
    TEMPLATE_ID,
    notify_configured,
    notify_stub,
)
from tests.integration.outbox_runner import drain
from tests.integration.test_fault_tolerance import purge_queue, stop

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"]
        or not django_settings.REDIS_URL,
        reason="worker processes need the shared PostgreSQL test database and Redis",
    ),
]
ROOT = Path(__file__).resolve().parents[2]
UNCERTAIN_AFTER = 3  # seconds: a claimed send older than this is checked with Notify


def worker_env(stub_url: str, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "PORTAL_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": stub_url,
        "NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID,
        "NOTIFY_TIMEOUT_SECONDS": "2",
        "NOTIFICATION_UNCERTAIN_AFTER_SECONDS": str(UNCERTAIN_AFTER),
        **extra,
    }


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.sending_worker"],
        cwd=ROOT,
        env={**env, "WORKER_NAME": name},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture
def competing_workers(tmp_path):
    """Start two workers with start(env); both are stopped at the end whatever happened."""
    started: list[subprocess.Popen] = []

    def start(env: dict[str, str]) -> list[subprocess.Popen]:
        purge_queue()
        outbox.reset_circuit()
        for name in ("alpha", "beta"):
            started.append(start_worker(env, name, tmp_path / f"{name}.log"))
        return started

    yield start
    for process in started:
        stop(process, signal.SIGKILL)


def sms_case(phone: str = "07700 900456"):
    return submit_web_case(service=ServiceFactory(), phone=phone, preferred_channel="sms")


def all_sent(case) -> bool:
    rows = Notification.objects.filter(case=case)
    return (
        rows.count() == 2
        and not rows.exclude(state=Notification.State.SENT).exists()
        and not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists()
    )


def assert_each_message_accepted_once(stub, case):
    references = list(
        Notification.objects.filter(case=case).values_list("idempotency_key", flat=True)
    )
    assert len(references) == 2
    assert {ref: stub.accepted(ref) for ref in references} == dict.fromkeys(references, 1)
    assert sum(stub.accepted().values()) == 2


def kill_mid_send(tmp_path, settings, competing_workers, *, whole_worker: bool):
    marker = tmp_path / "sending"
    with notify_stub() as stub:
        stub.hold()  # Notify accepts the message but the worker never hears back
        competing_workers(worker_env(stub.url, SEND_MARKER=str(marker)))
        case = sms_case()
        wait_for(lambda: stub.accepted() and marker.exists(), timeout=90)
        child, worker = (int(pid) for pid in marker.read_text().split())
        if whole_worker:
            os.killpg(worker, signal.SIGKILL)  # the worker and its pool: nothing acknowledged
        else:
            os.kill(child, signal.SIGKILL)  # the pool child: the message is redelivered at once
        stub.release()
        settings.OUTBOX_STALE_DISPATCHED_SECONDS = 5

        def done() -> bool:
            outbox.reset_circuit()
            outbox.sweep()  # beat's sweeper, as often as the test polls
            return all_sent(case)

        wait_for(done, timeout=120, interval=1.0)
        assert_each_message_accepted_once(stub, case)
        assert stub.lookups, "the uncertain send was checked with Notify before any resend"


def test_a_pool_child_killed_mid_send_sends_the_text_message_once(
    tmp_path, settings, competing_workers
):
    kill_mid_send(tmp_path, settings, competing_workers, whole_worker=False)


def test_a_whole_worker_killed_mid_send_sends_the_text_message_once(
    tmp_path, settings, competing_workers
):
    kill_mid_send(tmp_path, settings, competing_workers, whole_worker=True)


def test_a_notify_call_that_timed_out_after_acceptance_is_not_sent_again(settings):
    settings.NOTIFY_TIMEOUT_SECONDS = 1
    settings.NOTIFICATION_UNCERTAIN_AFTER_SECONDS = 0
    with notify_stub(script=[ACCEPT_THEN_TIMEOUT]) as stub, notify_configured(settings, stub):
        stub.slow_seconds = 12  # longer than the client on main waited (10 s)
        case = sms_case()
        drain()
        assert_each_message_accepted_once(stub, case)
        received = Notification.objects.get(case=case, kind="received")
        assert received.state == Notification.State.SENT
        assert received.provider_ref == stub.sent[0]["id"]


def test_a_task_that_kills_its_worker_becomes_a_dead_letter(
    tmp_path, settings, competing_workers, client
):
    with notify_stub() as stub:
        competing_workers(worker_env(stub.url, KILL_ON_SEND_TO="+447700900999"))
        case = sms_case(phone="07700 900999")

        def dead():
            return OutboxTask.objects.filter(
                task_name="enquiries.tasks.notify_resident", state=OutboxTask.State.DEAD
            ).first()

        letter = wait_for(dead, timeout=150, interval=0.5)
    # Three runs lost with their worker, then the fourth refused (runs that only waited for the
    # send claim ended normally and do not count).
    lost_then_refused = letter.deliveries - letter.finished_deliveries
    assert lost_then_refused == django_settings.OUTBOX_MAX_DELIVERIES + 1
    assert "Dead letter" in letter.last_error
    assert stub.accepted() == {}
    assert Notification.objects.filter(case=case).count() >= 1
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["checks"]["outbox"]["dead_letters"] >= 1

    assert outbox.retry_failed(letter.pk) is True  # the admin's retry
    letter.refresh_from_db()
    assert letter.state in (OutboxTask.State.PENDING, OutboxTask.State.DISPATCHED)
    assert letter.deliveries == 0
