"""Beat jobs: weekly training, and automatic answers nobody replied to."""

from celery import shared_task

from enquiries import heartbeats


@shared_task(acks_late=True)
def train_router() -> dict:
    from router.training import train_router as train

    heartbeats.beat("router-train")
    model = train()
    return {"version": model.version, "state": model.state, "decision": model.decision}


@shared_task(acks_late=True)
def expire_automatic_answers() -> int:
    from router.answers import expire_unanswered

    heartbeats.beat("router-answer-timeouts")
    return expire_unanswered()
