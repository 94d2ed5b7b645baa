"""Health of the parts the portal needs, for monitoring (/healthz) and the load balancer
(/healthz/ready).

/healthz: the database, the broker, the cache (rate limiting degraded?), the outbox (backlog,
its oldest age, dead letters) and the last beat run; 503 when one is down or past its threshold
(HEALTH_* settings). Every query is a count or a first row on the outbox's (state, created_at)
index, so a monitor can poll it often.
/healthz/ready: can this web instance serve requests (its database answers)? A broker outage or
a backlog must not take every web instance out of the load balancer: submissions are still
accepted then.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    data: dict = field(default_factory=dict)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return Check("database", False, type(exc).__name__)
    return Check("database", True, connection.vendor)


def check_broker() -> Check:
    from portal.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return Check("broker", False, type(exc).__name__)
    return Check("broker", True, str(transport))


def check_cache() -> Check:
    """The shared cache behind rate limits; while it is down they count per process."""
    from django.core.cache import cache

    from portal import shared_counts

    try:
        cache.get("healthz-probe")
    except shared_counts.cache_errors() as exc:
        shared_counts.note_down(exc)
        return Check("cache", False, "unreachable: rate limits counted per process")
    since = shared_counts.degraded_since()
    if since is not None:  # answered now: the next rate-limited request switches back
        return Check("cache", True, "reachable again")
    return Check("cache", True, "ok")


def _age(when: datetime | None, now: datetime) -> float | None:
    return round((now - when).total_seconds(), 1) if when else None


def check_outbox() -> Check:
    """Work waiting (pending or sent to the broker, not done), the oldest's age, dead letters."""
    from enquiries.models import OutboxTask

    try:
        now = timezone.now()
        waiting = OutboxTask.objects.filter(
            state__in=[OutboxTask.State.PENDING, OutboxTask.State.DISPATCHED]
        )
        backlog = waiting.count()
        oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
        dead = OutboxTask.objects.filter(state=OutboxTask.State.DEAD).count()
    except Exception as exc:
        return Check("outbox", False, type(exc).__name__)
    age = _age(oldest, now)
    problems = []
    if backlog > settings.HEALTH_MAX_OUTBOX_BACKLOG:
        problems.append(f"backlog {backlog} > {settings.HEALTH_MAX_OUTBOX_BACKLOG}")
    if age is not None and age > settings.HEALTH_MAX_OUTBOX_AGE_SECONDS:
        problems.append(f"oldest {age:.0f} s > {settings.HEALTH_MAX_OUTBOX_AGE_SECONDS} s")
    if dead > settings.HEALTH_MAX_DEAD_LETTERS:
        problems.append(f"{dead} dead letter(s)")
    data = {"backlog": backlog, "oldest_age_seconds": age, "dead_letters": dead}
    return Check("outbox", not problems, "; ".join(problems) or "ok", data)


def check_beat() -> Check:
    """When a periodic job last ran (recorded in the database by each beat task)."""
    from enquiries import heartbeats

    try:
        last = heartbeats.last_beat()
    except Exception as exc:
        return Check("beat", False, type(exc).__name__)
    age = _age(last, timezone.now())
    data = {"last_run": last.isoformat() if last else None, "age_seconds": age}
    if last is None or age is None:
        return Check("beat", False, "no periodic job has run yet", data)
    if age > settings.HEALTH_BEAT_MAX_AGE_SECONDS:
        return Check("beat", False, f"last run {age:.0f} s ago", data)
    return Check("beat", True, "ok", data)


def run_checks() -> list[Check]:
    database = check_database()
    checks = [database, check_broker(), check_cache()]
    if database.ok:
        checks += [check_outbox(), check_beat()]
    return checks


def readiness() -> list[Check]:
    return [check_database()]
