"""A real Celery worker whose first email stops half-way, so a test can kill it mid-task.

Test-only: ``python -m tests.integration.pausing_worker``. With PAUSE_MARKER set, the first
email send writes the marker file and sleeps (the Notification row is committed, nothing is sent
yet); later sends, and workers started after the marker exists, run normally.
"""

import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from enquiries import notifications  # noqa: E402
from portal.celery_app import app  # noqa: E402

marker = os.environ.get("PAUSE_MARKER", "")
if marker:
    send_email = notifications._send_email

    def pausing(row, case):
        if not os.path.exists(marker):
            with open(marker, "w") as handle:
                handle.write(str(row.pk))
            time.sleep(120)
        return send_email(row, case)

    notifications._send_email = pausing

if __name__ == "__main__":
    app.worker_main(
        ["worker", "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
    )
