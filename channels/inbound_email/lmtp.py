"""A long-running LMTP receiver on loopback: the mail server delivers to it (no Django per mail).

Piping one message per process starts Django each time (under 1 message/s). Here one process
keeps Django loaded and the mail server (Postfix ``lmtp:inet:127.0.0.1:PORT``) delivers to it.
The guarantee is the pipe's: for each recipient the raw message is committed as an
InboundMessage row before the server answers ``250``; if storing fails it answers ``451`` and
the mail server keeps the message and retries. Processing then runs in a worker thread; a
message whose processing is interrupted stays ``stored`` and the sweeper finishes it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aiosmtpd.lmtp import LMTP
from django.db import close_old_connections, connections

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox
from channels.inbound_email.parsing import MAX_MESSAGE_BYTES

logger = logging.getLogger(__name__)

#: Larger than the parser's own limit, so an oversize message is stored and quarantined with a
#: reason staff can see instead of bounced by the server.
DATA_SIZE_LIMIT = MAX_MESSAGE_BYTES + 10 * 1024 * 1024


def _store(mailbox_pk: int | None, recipient: str, raw: bytes) -> tuple[InboundMessage, bool]:
    close_old_connections()
    if mailbox_pk is not None:
        mailbox = Mailbox.objects.get(pk=mailbox_pk)
    else:
        mailbox = ingest.mailbox_for_recipients([recipient])
    parsed = ingest.safe_parse(raw)
    row, created = ingest.store_raw(
        mailbox=mailbox, raw=raw, source=InboundMessage.Source.PIPE, parsed=parsed, claim=True
    )
    return row, created


def _process(row_pk: int) -> None:
    close_old_connections()
    try:
        row = InboundMessage.objects.get(pk=row_pk)
        result = ingest.process(row, claimed=True)
        logger.info("LMTP message #%s: %s", row_pk, result.line)
    except Exception:  # the row stays stored; the sweeper processes it again
        logger.exception("LMTP processing of message #%s failed", row_pk)
    finally:
        close_old_connections()


class Handler:
    """aiosmtpd handler: one reply line per recipient (RFC 2033), each after its row commits."""

    def __init__(self, *, mailbox: Mailbox | None = None, workers: int = 4) -> None:
        self.mailbox_pk = mailbox.pk if mailbox is not None else None
        self.workers = workers
        self.store_pool = ThreadPoolExecutor(workers, thread_name_prefix="lmtp-store")
        self.process_pool = ThreadPoolExecutor(workers, thread_name_prefix="lmtp-process")

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        replies: list[str] = []
        stored: dict[int, bool] = {}
        for recipient in envelope.rcpt_tos:
            try:
                row, created = await loop.run_in_executor(
                    self.store_pool, _store, self.mailbox_pk, recipient, raw
                )
            except Exception as exc:  # StoreError, a database outage, anything: keep it
                logger.warning("LMTP could not store mail for %s: %s", recipient, exc)
                replies.append(f"451 4.3.0 <{recipient}> not stored, try again later")
                continue
            if created and row.pk not in stored:
                stored[row.pk] = True
                self.process_pool.submit(_process, row.pk)
            what = "stored" if created else "duplicate"
            replies.append(f"250 2.0.0 <{recipient}> {what} as message #{row.pk}")
        return "\r\n".join(replies) or "503 5.5.1 no valid recipients"

    def close(self) -> None:
        for pool in (self.store_pool, self.process_pool):
            _close_connections_in(pool, self.workers)
            pool.shutdown(wait=True)


def _close_connections_in(pool: ThreadPoolExecutor, workers: int) -> None:
    """Each worker thread holds its own database connection: close every one of them."""
    barrier = threading.Barrier(workers, timeout=10)

    def close() -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # one task per thread: no thread can take two
        connections.close_all()

    for future in [pool.submit(close) for _ in range(workers)]:
        future.result(timeout=30)


@dataclass
class RunningServer:
    host: str
    port: int
    loop: asyncio.AbstractEventLoop
    server: asyncio.base_events.Server
    handler: Handler
    thread: threading.Thread | None = None

    def stop(self) -> None:
        """Stop accepting, finish what was stored, release the port."""

        async def _close() -> None:
            self.server.close()
            if hasattr(self.server, "close_clients"):  # Python 3.13: drop idle connections
                self.server.close_clients()
            await asyncio.wait_for(self.server.wait_closed(), timeout=10)

        if self.thread is not None:
            asyncio.run_coroutine_threadsafe(_close(), self.loop).result(timeout=30)
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=30)
        self.handler.close()


def start(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    mailbox: Mailbox | None = None,
    workers: int = 4,
    in_thread: bool = True,
) -> RunningServer:
    """Listen on host:port (0: a free port) and serve in a background thread (or not yet)."""
    handler = Handler(mailbox=mailbox, workers=workers)
    loop = asyncio.new_event_loop()

    def factory() -> LMTP:
        return LMTP(handler, data_size_limit=DATA_SIZE_LIMIT, decode_data=False, hostname=host)

    if not in_thread:
        server = loop.run_until_complete(loop.create_server(factory, host=host, port=port))
        bound = server.sockets[0].getsockname()[1]
        return RunningServer(host=host, port=bound, loop=loop, server=server, handler=handler)
    # The loop lives in its own thread from the start: the caller's thread may already be
    # running another event loop (a test runner, a browser driver).
    ready: Future[RunningServer] = Future()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(loop.create_server(factory, host=host, port=port))
        except BaseException as exc:
            ready.set_exception(exc)
            return
        bound = server.sockets[0].getsockname()[1]
        ready.set_result(
            RunningServer(host=host, port=bound, loop=loop, server=server, handler=handler)
        )
        loop.run_forever()

    thread = threading.Thread(target=serve, name="lmtp", daemon=True)
    thread.start()
    running = ready.result(timeout=30)
    running.thread = thread
    return running
