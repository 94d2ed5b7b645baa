"""The outbox: follow-up work is a row written in the caller's transaction, sent after commit.

If the broker is down at commit, the row stays pending and the beat sweeper sends it later; a
resident's submission never fails because the broker did.
"""

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from enquiries.models import OutboxTask

logger = logging.getLogger(__name__)

STALE_PENDING = timedelta(seconds=20)
MAX_ATTEMPTS = 8
#: Work that is still to do, or being done.
LIVE = (OutboxTask.State.PENDING, OutboxTask.State.DISPATCHED)


def stale_dispatched() -> timedelta:
    """Sent to the broker (or last started) this long ago and not done: the broker or the worker
    lost it (a flushed Redis, a worker killed whole), so the sweeper sends it again. A duplicate
    is harmless: the task finds its work done, or its send claimed."""
    return timedelta(seconds=settings.OUTBOX_STALE_DISPATCHED_SECONDS)


BROKER_BACKOFF_SECONDS = 10.0


class _BrokerCircuit:
    """Per process: after a failed publish, the next requests do not wait on the broker; the
    sweeper sends their work once it is back."""

    def __init__(self) -> None:
        self.down_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self) -> None:
        self.down_until = time.monotonic() + BROKER_BACKOFF_SECONDS

    def reset(self) -> None:
        self.down_until = 0.0


_circuit = _BrokerCircuit()
#: Inside a web request (portal.outbox_after_response): the committed rows to publish once the
#: response has been sent, instead of while the resident waits for it.
_after_response: ContextVar[list["OutboxTask"] | None] = ContextVar(
    "outbox_after_response", default=None
)


@contextmanager
def publishing_after_response() -> Iterator[list[OutboxTask]]:
    """Collect the work committed meanwhile instead of publishing it; the caller publishes the
    list (publish_all_committed) once its answer is out. The rows are already recorded as
    dispatched, so work whose publish never happens (the process killed first) is sent again by
    the sweeper, exactly as when a publish is lost."""
    batch: list[OutboxTask] = []
    token = _after_response.set(batch)
    try:
        yield batch
    finally:
        _after_response.reset(token)


#: >0 while bulk jobs (demo seeding, backfills) keep their work off the broker (per context).
_held: ContextVar[int] = ContextVar("outbox_held", default=0)


@contextmanager
def held() -> Iterator[None]:
    """Record work but publish none of it after commit (the caller decides what becomes of it)."""
    token = _held.set(_held.get() + 1)
    try:
        yield
    finally:
        _held.reset(token)


def reset_circuit() -> None:
    _circuit.reset()


def enqueue(task_name: str, *, dedupe_key: str, **kwargs: Any) -> OutboxTask | None:
    """Record work for after commit. Must run inside the transaction that causes the work.

    One round trip (INSERT … ON CONFLICT DO NOTHING RETURNING, on PostgreSQL and SQLite), no
    savepoint: the same key twice records the work once. While the broker is healthy the row is
    written as already dispatched and published by ``transaction.on_commit`` (so work from a
    rolled-back savepoint is never published); if the publish fails the row goes back to
    pending for the sweeper.
    """
    rows = enqueue_many([Work(task_name, dedupe_key, kwargs)])
    return rows[0] if rows else None


@dataclass(frozen=True)
class Work:
    """One piece of work for enqueue_many: the task, its dedupe key and its arguments."""

    task_name: str
    dedupe_key: str
    kwargs: dict[str, Any]


def enqueue_many(works: Sequence[Work]) -> list[OutboxTask]:
    """Record several pieces of work caused by one transaction, as enqueue() does each: one
    INSERT for all of them and, after commit, one publish pass through one broker producer
    (a case's routing and acknowledgement cost one round trip to the database and one producer
    checkout instead of two). Returns the rows recorded now; a key already recorded is left out.
    """
    if transaction.get_autocommit():
        raise RuntimeError("outbox.enqueue must run inside the transaction that causes the work")
    unique: dict[str, Work] = {}
    for work in works:  # the same key twice in one call is one piece of work: the first
        unique.setdefault(work.dedupe_key, work)
    works = list(unique.values())
    if not works:
        return []
    connection = transaction.get_connection()
    now = timezone.now()
    optimistic = not _held.get() and not _circuit.is_open()
    state = OutboxTask.State.DISPATCHED if optimistic else OutboxTask.State.PENDING
    table = connection.ops.quote_name(OutboxTask._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value(now)
    values = ", ".join(["(%s, %s, %s, %s, %s, '', %s, %s, 0, 0)"] * len(works))
    params: list[Any] = []
    for work in works:
        params += [
            work.task_name,
            json.dumps(work.kwargs),
            work.dedupe_key,
            state,
            int(optimistic),
            stamp,
            stamp if optimistic else None,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (task_name, kwargs, dedupe_key, state, attempts, last_error,"  # noqa: S608 - table name from the model
            " created_at, dispatched_at, deliveries, finished_deliveries)"
            f" VALUES {values}"
            " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key",
            params,
        )
        inserted = dict((key, pk) for pk, key in cursor.fetchall())
    rows = [
        OutboxTask(
            pk=inserted[work.dedupe_key],
            task_name=work.task_name,
            kwargs=work.kwargs,
            dedupe_key=work.dedupe_key,
            state=state,
            created_at=now,
        )
        for work in works
        if work.dedupe_key in inserted  # the same work already recorded: never twice
    ]
    if optimistic and rows:
        transaction.on_commit(partial(_publish_now_or_after_response, rows), using=connection.alias)
    return rows


def _publish_now_or_after_response(rows: list[OutboxTask]) -> None:
    batch = _after_response.get()
    if batch is None:
        publish_all_committed(rows)
    else:
        batch.extend(rows)


def publish_committed(row: OutboxTask) -> bool:
    """Publish a freshly committed row (already marked dispatched) without re-reading it.

    If the broker fails, or failed moments ago, the row goes back to pending for the sweeper.
    """
    return publish_all_committed([row]) == 1


#: As Celery's own limit for the arguments shown in monitoring (``argsrepr_maxsize``).
KWARGSREPR_LIMIT = 1024


def publish_all_committed(rows: Sequence[OutboxTask]) -> int:
    """Publish freshly committed rows (already marked dispatched) through one producer; the
    number published. After a failure, that row and the ones after it go back to pending."""
    from portal.celery_app import app

    error = "publish: broker unavailable moments ago"
    sent = 0
    if not _circuit.is_open():
        try:
            with app.producer_or_acquire() as producer:
                for row in rows:
                    kwargs = {**row.kwargs, "outbox_id": row.pk}
                    app.send_task(
                        row.task_name,
                        kwargs=kwargs,
                        retry=False,
                        producer=producer,
                        # the monitoring copy of the arguments, which Celery would otherwise
                        # make with its safe repr: a sixth of a publish (JSON-made values)
                        argsrepr="()",
                        kwargsrepr=repr(kwargs)[:KWARGSREPR_LIMIT],
                    )
                    sent += 1
            return sent
        except Exception as exc:  # broker down, DNS, timeout: all mean "try later"
            _circuit.trip()
            left = [row.pk for row in rows[sent:]] or "none"  # all sent, then the release failed
            logger.warning("Broker unavailable, outbox %s left pending: %s", left, exc)
            error = f"publish: {exc}"
    OutboxTask.objects.filter(
        pk__in=[row.pk for row in rows[sent:]], state=OutboxTask.State.DISPATCHED
    ).update(state=OutboxTask.State.PENDING, dispatched_at=None, last_error=error[:2000])
    return sent


def is_live(outbox_id: int | None) -> bool:
    """Whether a task should do its work: no outbox row (a direct call) or a row not yet done.

    False for work that was rolled back with its savepoint, or already finished or failed.
    """
    if not outbox_id:
        return True
    return OutboxTask.objects.filter(pk=outbox_id, state__in=LIVE).exists()


def start_delivery(outbox_id: int | None) -> bool:
    """Count a worker starting this work; False when it must not run.

    Not live (done, failed, rolled back), or a dead letter: the work was started
    OUTBOX_MAX_DELIVERIES times by workers that died before finishing it (a task that kills its
    worker would otherwise be redelivered for ever). Staff see dead letters (health check, staff
    home, admin) and an admin can retry them.
    """
    if not outbox_id:
        return True
    table = default_connection.ops.quote_name(OutboxTask._meta.db_table)
    now = default_connection.ops.adapt_datetimefield_value(timezone.now())
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET deliveries = deliveries + 1, dispatched_at = %s"  # noqa: S608 - table name from the model
            " WHERE id = %s AND state IN (%s, %s) RETURNING deliveries, finished_deliveries",
            [now, outbox_id, *LIVE],
        )
        found = cursor.fetchone()
    if found is None:
        return False
    deliveries, finished = found
    lost = deliveries - 1 - finished
    if lost >= settings.OUTBOX_MAX_DELIVERIES:
        OutboxTask.objects.filter(pk=outbox_id, state__in=LIVE).update(
            state=OutboxTask.State.DEAD,
            completed_at=timezone.now(),
            last_error=f"Dead letter: {lost} deliveries ended with their worker dying.",
        )
        logger.error("Outbox %s is a dead letter after %s lost deliveries", outbox_id, lost)
        return False
    return True


def finish_delivery(outbox_id: int | None, *, retry_in: float | None = None) -> None:
    """The worker ran this work to an end (done, error or a retry scheduled): not lost.

    A scheduled retry moves the row's clock to the retry time, so the sweeper does not send the
    work again while it waits in the broker.
    """
    if not outbox_id:
        return
    changes: dict[str, Any] = {"finished_deliveries": F("finished_deliveries") + 1}
    if retry_in:
        changes["dispatched_at"] = timezone.now() + timedelta(seconds=retry_in)
    OutboxTask.objects.filter(pk=outbox_id).update(**changes)


def dispatch(outbox_id: int, *, force: bool = False) -> bool:
    """Publish one row to the broker; on any broker error leave it for the sweeper."""
    from portal.celery_app import app

    row = OutboxTask.objects.filter(pk=outbox_id).first()
    if row is None or row.state not in LIVE:
        return False
    if not force and _circuit.is_open():
        return False  # the broker failed moments ago: the sweeper will send this
    try:
        app.send_task(row.task_name, kwargs={**row.kwargs, "outbox_id": row.pk}, retry=False)
    except Exception as exc:  # broker down, DNS, timeout: all mean "try later"
        _circuit.trip()
        logger.warning("Broker unavailable, outbox %s left pending: %s", row.pk, exc)
        OutboxTask.objects.filter(pk=row.pk).update(last_error=f"publish: {exc}"[:2000])
        return False
    _circuit.reset()
    OutboxTask.objects.filter(pk=row.pk, state=OutboxTask.State.PENDING).update(
        state=OutboxTask.State.DISPATCHED, dispatched_at=timezone.now(), attempts=row.attempts + 1
    )
    return True


def dedupe_key(outbox_id: int | None) -> str | None:
    """The work's own key (e.g. notify:12:open:0): tasks use it as the event's identity."""
    if not outbox_id:
        return None
    return OutboxTask.objects.filter(pk=outbox_id).values_list("dedupe_key", flat=True).first()


def failed_count() -> int:
    return OutboxTask.objects.filter(state=OutboxTask.State.FAILED).count()


def dead_letters() -> QuerySet[OutboxTask]:
    """Work a worker died running too often (newest first), for staff and the health check."""
    return OutboxTask.objects.filter(state=OutboxTask.State.DEAD).order_by("-completed_at")


def mark_done(outbox_id: int | None) -> None:
    if outbox_id:
        OutboxTask.objects.filter(pk=outbox_id).exclude(state=OutboxTask.State.DONE).update(
            state=OutboxTask.State.DONE, completed_at=timezone.now(), last_error=""
        )


def mark_failed(outbox_id: int | None, error: str) -> None:
    if outbox_id:
        OutboxTask.objects.filter(pk=outbox_id).update(
            state=OutboxTask.State.FAILED, last_error=error[:2000], completed_at=timezone.now()
        )


def retry_failed(outbox_id: int) -> bool:
    """Admin action: give a failed piece of work, or a dead letter, another go."""
    changed = OutboxTask.objects.filter(
        pk=outbox_id, state__in=[OutboxTask.State.FAILED, OutboxTask.State.DEAD]
    ).update(
        state=OutboxTask.State.PENDING,
        attempts=0,
        completed_at=None,
        deliveries=0,
        finished_deliveries=0,
    )
    return bool(changed) and dispatch(outbox_id, force=True)


#: While the broker still holds queued messages, dispatched work is only waiting its turn.
STALE_WHILE_QUEUED = timedelta(minutes=5)


def broker_backlog() -> int | None:
    """Messages waiting in the broker's queues (None when it cannot be asked)."""
    from kombu.exceptions import ChannelError

    from portal.celery_app import app

    total = 0
    try:
        with app.connection_for_write() as conn:
            channel = conn.default_channel
            for name in settings.CELERY_TASK_QUEUES:
                try:
                    # every kombu transport's channel has queue_declare; the StdChannel stub not
                    declared = channel.queue_declare(queue=name, passive=True)  # type: ignore[attr-defined]
                    total += declared.message_count
                except ChannelError:  # no such queue (a flushed Redis): nothing waiting in it
                    continue
    except Exception:  # broker down: publishing will fail too, and say so
        return None
    return total


def sweep(now: datetime | None = None) -> int:
    """Re-send work the broker never got, or that a lost worker never finished.

    Work dispatched (or last started) OUTBOX_STALE_DISPATCHED seconds ago and not done, when the
    broker holds fewer messages than there are such rows, was lost (a flushed Redis, a worker
    killed whole): it goes again within a minute. When the broker still holds as many, the work
    is more likely waiting its turn behind a backlog, so only the 5-minute rule applies and a
    long queue is not published twice.
    """
    now = now or timezone.now()
    quiet = OutboxTask.objects.filter(
        state=OutboxTask.State.DISPATCHED, dispatched_at__lt=now - stale_dispatched()
    )
    lost = quiet.exists()
    if lost:  # fewer messages queued than quiet rows: the broker lost (some of) them
        backlog = broker_backlog()
        lost = backlog is not None and backlog < quiet.count()
    stale = OutboxTask.objects.filter(
        state=OutboxTask.State.PENDING, created_at__lt=now - STALE_PENDING
    ) | OutboxTask.objects.filter(
        state=OutboxTask.State.DISPATCHED,
        dispatched_at__lt=now - (stale_dispatched() if lost else STALE_WHILE_QUEUED),
    )
    sent = 0
    for row in stale.order_by("created_at")[:500]:
        if row.attempts >= MAX_ATTEMPTS:
            mark_failed(row.pk, row.last_error or "Gave up after repeated attempts")
            continue
        if row.state == OutboxTask.State.DISPATCHED:
            OutboxTask.objects.filter(pk=row.pk).update(state=OutboxTask.State.PENDING)
        sent += dispatch(row.pk, force=True)
    return sent
