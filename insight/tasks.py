"""Beat job: keep the rollups current (thin wrapper)."""

from celery import shared_task

from enquiries import heartbeats
from insight import rollups


@shared_task(name="insight.tasks.refresh_rollups")
def refresh_rollups() -> int:
    weeks = rollups.refresh()
    heartbeats.beat("insight-refresh")
    return weeks
