"""Rate-limit counts in the shared cache (Redis), with a per-process fallback while it is down.

Failing open would let a bot flood the forms during an outage; failing closed would turn
residents away for a fault of ours. So while the cache is unreachable each web process counts
on its own (a process allows the full rate, so N processes allow at most N times it): limits
still hold, and a submission never waits on Redis. The switch is logged (once a minute while it
lasts) and reported by /healthz as "rate limiting degraded".
"""

import functools
import logging
import re
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60.0
_lock = threading.Lock()
_local: dict[str, tuple[int, float]] = {}  # key -> (count, window expires at, monotonic s)
_degraded_since: float | None = None  # wall-clock time the cache was first found down
_last_logged = 0.0


def cache_errors() -> tuple[type[BaseException], ...]:
    """What an unreachable cache raises: redis-py's errors (not OSError) and socket errors."""
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a dependency
        return (OSError,)
    return (OSError, RedisError)


def incr(key: str, period: int) -> int:
    """Count one hit on ``key`` in a window of ``period`` seconds; the count so far."""
    try:
        count = _redis_incr(key, period)
        if count is None:  # another cache backend (tests, development): Django's two calls
            cache.add(key, 0, timeout=period + 5)
            try:
                count = cache.incr(key)
            except ValueError:  # evicted between add and incr: count this attempt as the first
                cache.set(key, 1, timeout=period + 5)
                count = 1
    except cache_errors() as exc:
        note_down(exc)
        return _local_incr(key, period)
    note_up()
    return count


def _redis_incr(key: str, period: int) -> int | None:
    """On Django's Redis cache, the window's expiry and the count in one round trip (SET NX EX
    then INCR in one MULTI: atomic, so the key never lives without its expiry); the key and
    stored integer are the ones cache.add/incr use. None for any other backend.

    Django's cache has no public way to send a MULTI, so this speaks to the cache's (first,
    written-to) Redis server through redis-py's own client, with the cache's key."""
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    name = backend.make_and_validate_key(key)
    pipe = _redis_for(settings.CACHES["default"]).pipeline(transaction=True)
    pipe.set(name, 0, ex=period + 5, nx=True)
    pipe.incr(name)
    return int(pipe.execute()[1])


def _redis_for(config: dict[str, Any]) -> Any:
    location = config["LOCATION"]
    server = re.split("[;,]", location)[0] if isinstance(location, str) else location[0]
    options = config.get("OPTIONS", {})
    return _client(
        server,
        options.get("socket_connect_timeout", 1),
        options.get("socket_timeout", 1),
    )


@functools.cache
def _client(server: str, connect_timeout: float, timeout: float) -> Any:
    """One client (and connection pool) per server and process: redis-py's pool is
    thread-safe and starts afresh in a forked worker."""
    import redis

    return redis.Redis.from_url(
        server, socket_connect_timeout=connect_timeout, socket_timeout=timeout
    )


def _local_incr(key: str, period: int) -> int:
    now = time.monotonic()
    with _lock:
        if len(_local) > 10_000:  # drop expired windows so memory stays bounded
            for stale in [k for k, (_, expires) in _local.items() if expires <= now]:
                del _local[stale]
        count, expires = _local.get(key, (0, now + period + 5))
        if expires <= now:
            count, expires = 0, now + period + 5
        _local[key] = (count + 1, expires)
        return count + 1


def note_down(exc: BaseException) -> None:
    """The cache failed: switch to per-process counts, and say so once a minute."""
    global _degraded_since, _last_logged
    with _lock:
        if _degraded_since is None:
            _degraded_since = time.time()
        due = time.monotonic() - _last_logged >= LOG_EVERY_SECONDS
        if due:
            _last_logged = time.monotonic()
    if due:
        logger.warning("Cache unreachable, rate limits counted per process: %s", exc)


def note_up() -> None:
    global _degraded_since, _last_logged
    if _degraded_since is None:
        return
    with _lock:
        _degraded_since, _last_logged = None, 0.0
    logger.warning("Cache reachable again: rate limits shared across processes")


def degraded_since() -> float | None:
    """When this process started counting on its own (Unix time), or None."""
    return _degraded_since
