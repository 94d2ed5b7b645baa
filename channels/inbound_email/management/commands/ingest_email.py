"""``manage.py ingest_email FILE [FILE ...]`` (or ``-`` for standard input): the pipe door.

A mail server can pipe each delivery in. Every message is stored, then fully processed, before
the command exits (no worker needed); one line is printed per message. The exit status is
non-zero only when a message could not be stored, so the mail server keeps it and retries.
"""

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from channels.inbound_email import ingest
from channels.inbound_email.models import InboundMessage, Mailbox


class Command(BaseCommand):
    help = "Store and process raw RFC 5322 messages (files, or - for standard input)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Raw message files, or - for stdin.")
        parser.add_argument(
            "--mailbox",
            default=ingest.DEFAULT_MAILBOX["slug"],
            help="Mailbox slug or address (default: the general contact mailbox).",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="Processes for a large batch (default: one per CPU when there are more than "
            f"{PARALLEL_FROM} files, else 1). Each message is still stored before it is processed.",
        )

    def handle(self, *args: Any, files: list[str], mailbox: str, jobs: int, **options: Any) -> None:
        box = self._mailbox(mailbox)
        if not jobs:
            jobs = (os.cpu_count() or 1) if len(files) > PARALLEL_FROM else 1
        if jobs > 1 and "-" not in files:
            results = self._in_parallel(box, files, jobs)
        else:
            results = ingest_files(box, files)
        failures = 0
        for name, line, ok in results:
            if ok:
                self.stdout.write(f"{name}: {line}")
            else:
                failures += 1
                self.stderr.write(f"{name}: not stored: {line}")
        if failures:
            raise CommandError(f"{failures} message(s) could not be stored", returncode=75)

    def _in_parallel(
        self, box: Mailbox, files: list[str], jobs: int
    ) -> list[tuple[str, str, bool]]:
        """Contiguous slices per process; lines come back in the order the files were given."""
        size = -(-len(files) // jobs)
        slices = [files[i : i + size] for i in range(0, len(files), size)]
        connections.close_all()  # each forked process opens its own database connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=len(slices), mp_context=context, initializer=_fresh_connections
        ) as pool:
            # Bounded: a stuck child fails the run (the mail server retries) instead of hanging.
            parts = pool.map(
                _ingest_slice, [(box.pk, part) for part in slices], timeout=300 + len(files)
            )
            return [result for part in parts for result in part]

    def _mailbox(self, name: str) -> Mailbox:
        if name == ingest.DEFAULT_MAILBOX["slug"]:
            return ingest.default_mailbox()
        try:
            return ingest.find_mailbox(name)
        except Mailbox.DoesNotExist:
            raise CommandError(f"No mailbox {name!r} (give its slug or address)") from None


PARALLEL_FROM = 50


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


def ingest_files(box: Mailbox, files: list[str]) -> list[tuple[str, str, bool]]:
    """(file, result line or reason, stored?) for each file, in order."""
    results = []
    for name in files:
        try:
            raw = _read(name)
        except OSError as exc:
            results.append((name, f"cannot read it ({exc.strerror or exc})", False))
            continue
        try:
            result = ingest.ingest(mailbox=box, raw=raw, source=InboundMessage.Source.PIPE)
        except ingest.StoreError as exc:
            results.append((name, str(exc), False))
            continue
        results.append((name, result.line, True))
    return results


def _fresh_connections() -> None:
    """In a forked process: never touch the parent's database sockets, open new ones."""
    for connection in connections.all(initialized_only=True):
        connection.connection = None


def _ingest_slice(job: tuple[int, list[str]]) -> list[tuple[str, str, bool]]:
    mailbox_pk, files = job
    try:
        return ingest_files(Mailbox.objects.get(pk=mailbox_pk), files)
    finally:
        connections.close_all()
