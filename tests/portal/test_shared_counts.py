"""Rate-limit counts fall back to the process while the cache (Redis) is unreachable: the limit
still holds, nothing raises, the switch is logged once and reported until Redis answers."""

import logging

import pytest

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
