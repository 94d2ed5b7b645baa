"""The broker's redelivery and the periodic jobs' timing are explicit and consistent."""

import pytest
from django.conf import settings

from enquiries.tasks import RETRY


@pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis broker's options")
def test_unacknowledged_work_comes_back_only_after_any_task_or_retry_countdown_could_end():
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout == 600
    assert timeout > RETRY["retry_backoff_max"]  # an ETA retry held by a live worker
    assert timeout > settings.NOTIFICATION_UNCERTAIN_AFTER_SECONDS


def test_every_periodic_job_expires_before_its_next_run():
    for name, job in settings.CELERY_BEAT_SCHEDULE.items():
        if job["task"].startswith("enquiries."):
            assert job["options"]["expires"] == job["schedule"], name


def test_lost_work_is_sent_again_well_within_a_minute():
    worst = settings.OUTBOX_STALE_DISPATCHED_SECONDS + settings.OUTBOX_SWEEP_SECONDS
    assert worst <= 30
    assert settings.HEALTH_BEAT_MAX_AGE_SECONDS > 2 * settings.OUTBOX_SWEEP_SECONDS
    assert settings.NOTIFICATION_UNCERTAIN_AFTER_SECONDS > settings.NOTIFY_TIMEOUT_SECONDS
