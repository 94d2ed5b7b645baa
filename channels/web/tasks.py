"""Housekeeping for the web channel, run by Celery beat (see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from channels.web import uploads


@shared_task
def purge_stale_uploads() -> int:
    return uploads.purge_stale()
