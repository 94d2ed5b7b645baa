"""Run the outbox in the test process, as a worker would, without a broker (unit tests)."""

from enquiries.models import OutboxTask


def drain(max_rounds: int = 10) -> int:
    """Execute every pending or dispatched row through its Celery task (eagerly), repeating while
    the work creates more work. Returns how many task runs there were."""
    import enquiries.tasks  # noqa: F401  (registers the tasks)
    from portal.celery_app import app

    runs = 0
    for _ in range(max_rounds):
        rows = list(
            OutboxTask.objects.filter(
                state__in=[OutboxTask.State.PENDING, OutboxTask.State.DISPATCHED]
            ).order_by("id")
        )
        if not rows:
            break
        for row in rows:
            app.tasks[row.task_name].apply(kwargs={**row.kwargs, "outbox_id": row.pk})
            runs += 1
    return runs
