"""Rate-limit counts fall back to the process while the cache (Redis) is unreachable: the limit
still holds, nothing raises, the switch is logged once and reported until Redis answers."""

import logging
import os

import pytest
import redis

from portal import shared_counts


@pytest.fixture
def unreachable_cache(settings):
    shared_counts.note_up()  # whatever an earlier test left
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield
    shared_counts.note_up()


def test_counts_go_on_per_process_while_the_cache_is_down(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.shared_counts"):
        counts = [shared_counts.incr("rl:test:1.2.3.4", 60) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert shared_counts.degraded_since() is not None
    warnings = [r for r in caplog.records if "Cache unreachable" in r.getMessage()]
    assert len(warnings) == 1  # once a minute, not once a request


def test_counting_in_the_cache_again_ends_the_fallback(settings):
    shared_counts.note_down(ConnectionError("gone"))
    assert shared_counts.degraded_since() is not None
    assert shared_counts.incr("rl:test:5.6.7.8", 60) == 1
    assert shared_counts.degraded_since() is None


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs Redis (REDIS_URL)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    from django.core.cache import cache

    cache.delete("rl:test:pipeline")
    yield cache
    cache.delete("rl:test:pipeline")


def test_on_redis_a_count_is_one_round_trip_that_django_reads_back(redis_cache, monkeypatch):
    """The window's expiry and the count go in one MULTI (one pipeline execute), and the count
    is the integer Django's own cache.get/incr see under the same key."""
    from redis.client import Pipeline

    executes = []
    real = Pipeline.execute
    monkeypatch.setattr(
        Pipeline, "execute", lambda self, *a, **k: executes.append(1) or real(self, *a, **k)
    )
    counts = [shared_counts.incr("rl:test:pipeline", 60) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert len(executes) == 3
    assert redis_cache.get("rl:test:pipeline") == 3
    assert redis_cache.incr("rl:test:pipeline") == 4
    ttl = redis.Redis.from_url(os.environ["REDIS_URL"]).ttl(
        redis_cache.make_and_validate_key("rl:test:pipeline")
    )
    assert 0 < ttl <= 65
