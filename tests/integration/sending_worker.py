"""A real Celery worker (prefork) for the fault tests: it tells the test which process is
sending a text message, and can be made to die whenever it sends to one number.

Test-only: ``python -m tests.integration.sending_worker``. SEND_MARKER: the first text message
sent writes "<child pid> <worker pid>" there (before calling Notify). KILL_ON_SEND_TO: a send to
this number kills the process running it (SIGKILL), as a crashing library would.
"""

import os
import signal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from enquiries import notifications  # noqa: E402
from portal.celery_app import app  # noqa: E402

marker = os.environ.get("SEND_MARKER", "")
deadly_number = os.environ.get("KILL_ON_SEND_TO", "")
send_sms = notifications._send_sms


def observed_send_sms(row, case, **kwargs):
    if deadly_number and row.to_address == deadly_number:
        os.kill(os.getpid(), signal.SIGKILL)
    if marker and not os.path.exists(marker):
        with open(marker, "w") as handle:
            handle.write(f"{os.getpid()} {os.getppid()}")
    return send_sms(row, case, **kwargs)


notifications._send_sms = observed_send_sms

if __name__ == "__main__":
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            f"--hostname={os.environ.get('WORKER_NAME', 'sending')}@%h",
        ]
    )
