"""``manage.py lmtp_server --host 127.0.0.1 --port 2424``: the long-running delivery door.

Point the mail server at it (Postfix: ``mailbox_transport = lmtp:inet:127.0.0.1:2424``). Each
message is stored raw before ``250`` (``451`` when it cannot be stored), then processed.
"""

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from channels.inbound_email import ingest, lmtp
from channels.inbound_email.models import Mailbox


class Command(BaseCommand):
    help = "Receive mail over LMTP on loopback; store each message, then process it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2424, help="Port (0: any free port).")
        parser.add_argument(
            "--mailbox", default="", help="Force one mailbox (default: by recipient address)."
        )
        parser.add_argument("--workers", type=int, default=4, help="Database threads.")

    def handle(
        self, *args: Any, host: str, port: int, mailbox: str, workers: int, **options: Any
    ) -> None:
        if host not in {"127.0.0.1", "::1", "localhost"}:
            self.stderr.write(f"warning: listening on {host}, not loopback: LMTP has no auth")
        box = None
        if mailbox:
            try:
                box = ingest.find_mailbox(mailbox)
            except Mailbox.DoesNotExist:
                raise CommandError(f"No mailbox {mailbox!r} (give its slug or address)") from None
        running = lmtp.start(host, port, mailbox=box, workers=workers, in_thread=False)
        self.stdout.write(f"LMTP listening on {running.host}:{running.port}", ending="\n")
        self.stdout.flush()
        for signum in (signal.SIGTERM, signal.SIGINT):
            running.loop.add_signal_handler(signum, running.loop.stop)
        try:
            running.loop.run_forever()
        finally:
            running.server.close()
            running.loop.run_until_complete(running.server.wait_closed())
            running.handler.close()
            self.stdout.write("LMTP server stopped")
