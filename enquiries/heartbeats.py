"""When each periodic job last ran, kept in the database so that it survives a broker flush:
the health check reports the last beat run and fails when it is too old."""

from datetime import datetime

from django.utils import timezone

from enquiries.models import Heartbeat


def beat(name: str) -> None:
    """Record that the periodic job ``name`` is running now (one upsert)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def last_beat() -> datetime | None:
    """The most recent run of any periodic job, or None if none has ever run."""
    return Heartbeat.objects.order_by("-at").values_list("at", flat=True).first()
