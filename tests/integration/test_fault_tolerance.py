"""Nothing lost, nothing twice: a broker outage during submissions, and a worker killed mid-task.

Loopback only; every wait is bounded; servers and workers are stopped by the tests themselves.
"""

import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from enquiries import outbox
from enquiries.choices import EventKind, Status
from enquiries.models import Case, CaseEvent, Notification, OutboxTask
from portal.celery_app import app
from tests.brokers import unreachable_broker
from tests.conftest import wait_for
from tests.factories import ServiceFactory, submit_web_case

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def purge_queue():
    with app.connection_for_write() as conn:
        for queue in ("celery", "routing"):
            conn.default_channel.queue_purge(queue)


def sweeper_runs_later():
    """The beat sweeper's next run, once the pending rows count as stale."""
    outbox.reset_circuit()
    return outbox.sweep(now=timezone.now() + outbox.stale_dispatched() + timedelta(seconds=1))


def test_fifty_submissions_while_the_broker_is_down_are_saved_then_handled_once():
    from celery.contrib.testing.worker import start_worker

    service = ServiceFactory()
    with unreachable_broker():
        cases = [submit_web_case(service=service) for _ in range(50)]  # none raises
    assert Case.objects.filter(status=Status.RECEIVED).count() == 50
    assert OutboxTask.objects.filter(state=OutboxTask.State.PENDING).count() == 100

    purge_queue()
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert sweeper_runs_later() == 100
        wait_for(
            lambda: not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists(),
            timeout=60,
        )
        assert sweeper_runs_later() == 0  # nothing left to send again

    assert Case.objects.filter(status=Status.OPEN).count() == 50
    assert CaseEvent.objects.filter(kind=EventKind.ROUTED).count() == 50
    for case in cases:
        kinds = sorted(Notification.objects.filter(case=case).values_list("kind", flat=True))
        assert kinds == ["open", "received"]
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 100
    assert len(mail.outbox) == 100
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 100


class Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_inbox():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop()


def worker_env(smtp_port: int, marker: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "PORTAL_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "NOTIFICATION_UNCERTAIN_AFTER_SECONDS": "3",
        "EMAIL_MODE": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "PAUSE_MARKER": str(marker),
    }


def start_worker_process(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.pausing_worker"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"]
    or not django_settings.REDIS_URL,
    reason="a worker process needs the shared PostgreSQL test database and Redis",
)
def test_a_worker_killed_in_the_middle_of_a_task_completes_the_work_once(smtp_inbox, tmp_path):
    marker = tmp_path / "paused"
    env = worker_env(smtp_inbox.port, marker)
    purge_queue()
    outbox.reset_circuit()
    case = submit_web_case(service=ServiceFactory(), email="killed@example.com")

    first = start_worker_process(env, tmp_path / "worker1.log")
    try:
        wait_for(marker.exists, timeout=60)  # stopped half-way through sending an email
        paused = Notification.objects.get(pk=int(marker.read_text()))
        assert paused.state == Notification.State.SENDING  # claimed, nothing sent yet
        stop(first, signal.SIGKILL)  # no warm shutdown: the message stays unacknowledged
    finally:
        stop(first, signal.SIGKILL)
    assert smtp_inbox.messages == []

    second = start_worker_process(env, tmp_path / "worker2.log")
    try:
        # Redis hands the unacknowledged message to the new worker after the visibility timeout,
        # and the outbox sweeper re-sends work dispatched but never done: either completes it.
        sweeper_runs_later()
        wait_for(
            lambda: (
                Notification.objects.filter(case=case, state=Notification.State.SENT).count() == 2
                and not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists()
            ),
            timeout=60,
        )
    finally:
        stop(second)
    assert Case.objects.get(pk=case.pk).status == Status.OPEN
    assert case.events.filter(kind=EventKind.ROUTED).count() == 1
    assert len(smtp_inbox.messages) == 2, (tmp_path / "worker2.log").read_text()[-3000:]
    subjects = sorted(
        line
        for m in smtp_inbox.messages
        for line in m.decode().splitlines()
        if line.startswith("Subject:")
    )
    assert len(set(subjects)) == 2
