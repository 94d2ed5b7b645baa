"""Shared fixtures. In CI (REQUIRE_REAL_SERVICES=1) the suite refuses to run on SQLite."""

import os

import pytest
from django.conf import settings


def pytest_configure(config):
    if os.environ.get("REQUIRE_REAL_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"REQUIRE_REAL_SERVICES=1 but the database engine is {engine}")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_REAL_SERVICES=1 but REDIS_URL is not set")


def requires_postgres():
    return pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL); CI always runs it",
    )


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace (rate limits, locks) without flushing Redis."""
    import uuid

    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex[:12]}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture
def department(db):
    from tests.factories import DepartmentFactory

    return DepartmentFactory()


@pytest.fixture
def service(db):
    from tests.factories import ServiceFactory

    return ServiceFactory()


@pytest.fixture
def live_worker(transactional_db):
    """A real Celery worker (in a thread) consuming from the configured broker (Redis in CI)."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery_app import app

    app.loader.import_module("celery.contrib.testing.tasks")
    with app.connection_for_write() as conn:  # drop what earlier tests left on the queue
        conn.default_channel.queue_purge("celery")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until predicate() is truthy; tests never sleep blindly."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")
