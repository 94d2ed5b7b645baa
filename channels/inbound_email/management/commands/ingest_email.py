"""``manage.py ingest_email FILE [FILE ...]`` (or ``-`` for standard input): the pipe door.

A mail server can pipe each delivery in. Every message is stored, then fully processed, before
the command exits (no worker needed); one line is printed per message. The exit status is
non-zero only when a message could not be stored, so the mail server keeps it and retries.
"""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

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

    def handle(self, *args, files: list[str], mailbox: str, **options) -> None:
        box = self._mailbox(mailbox)
        failures = 0
        for name in files:
            try:
                raw = self._read(name)
            except OSError as exc:
                failures += 1
                self.stderr.write(f"{name}: not stored: cannot read it ({exc.strerror or exc})")
                continue
            try:
                result = ingest.ingest(mailbox=box, raw=raw, source=InboundMessage.Source.PIPE)
            except ingest.StoreError as exc:
                failures += 1
                self.stderr.write(f"{name}: not stored: {exc}")
                continue
            self.stdout.write(f"{name}: {result.line}")
        if failures:
            raise CommandError(f"{failures} message(s) could not be stored", returncode=75)

    def _read(self, name: str) -> bytes:
        if name == "-":
            return sys.stdin.buffer.read()
        with open(name, "rb") as handle:
            return handle.read()

    def _mailbox(self, name: str) -> Mailbox:
        if name == ingest.DEFAULT_MAILBOX["slug"]:
            return ingest.default_mailbox()
        try:
            return ingest.find_mailbox(name)
        except Mailbox.DoesNotExist:
            raise CommandError(f"No mailbox {name!r} (give its slug or address)") from None
