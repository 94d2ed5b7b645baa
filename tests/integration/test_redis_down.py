"""Redis is both the broker and the cache: with it down, residents' submissions (real HTTP, web
form and partner API) are still saved and answered, rate limits count per process, and once
Redis is back every submission is acknowledged once."""

import re
import uuid

import pytest
import requests
from django.core import mail

from enquiries import outbox
from enquiries.api.partners import issue_token
from enquiries.models import Case, Notification, OutboxTask
from portal.celery_app import app
from tests.brokers import unreachable_broker
from tests.conftest import wait_for
from tests.factories import ServiceFactory
from tests.integration.redis_server import private_redis

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="journey_key" value="([^"]+)"')
ANSWERS = {
    "where": {"address": "4 Moor Road, Northmoor", "postcode": "PR1 8XJ"},
    "nearby": {"follow": "new"},
    "describe": {"description": "The street light outside number 4 is out."},
    "files": {"action": "continue"},
}


def file_on_the_web(base: str, service) -> requests.Response:
    """Every page of the resident journey, as a browser: GET each page, POST its form."""
    session = requests.Session()
    url = session.get(f"{base}/services/{service.slug}/start/", allow_redirects=False, timeout=30)
    url = url.headers["Location"]
    for _page in range(12):
        page = session.get(base + url if url.startswith("/") else url, timeout=30)
        assert page.status_code == 200, (url, page.status_code, page.text[:500])
        step = url.rstrip("/").rsplit("/", 1)[-1]
        data = ANSWERS.get(step) or {}
        if step == "contact":
            data = {
                "full_name": "Siân O'Brien",
                "email": f"r-{uuid.uuid4().hex[:10]}@example.com",
                "phone": "",
                "updates": "email",
            }
        elif step.startswith("q-"):
            choice = re.search(r'name="answer"[^>]*value="([^"]*)"', page.text)
            data = {"answer": choice.group(1) if choice else "x"}
        key = KEY.search(page.text)
        form = {
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "journey_key": key.group(1) if key else "",
            **data,
        }
        answer = session.post(page.url, data=form, allow_redirects=False, timeout=30)
        if step == "check":
            return answer
        assert answer.status_code == 302, (step, answer.status_code, answer.text[:500])
        url = answer.headers["Location"]
    raise AssertionError("the journey never reached Check your answers")


def file_by_api(base: str, token: str, service, n: int) -> requests.Response:
    body = {
        "service": service.slug,
        "summary": f"Street light out {n}",
        "description": "Reported by our tenant.",
        "location": {"postcode": "PR1 8XJ", "address": "4 Moor Road"},
        "resident": {"full_name": "Aoife Ní Bhriain", "email": f"tenant{n}@example.com"},
    }
    return requests.post(
        f"{base}/api/v1/enquiries/",
        json=body,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"redis-down-{n}"},
        timeout=30,
    )


@pytest.fixture
def redis_that_dies(tmp_path, settings):
    """Cache and broker on a private Redis, which the test kills and brings back."""
    with private_redis(tmp_path) as redis:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis.url,
                "KEY_PREFIX": "redis-down",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        settings.WEB_RATE_LIMITS = {"submit": "1000/h", "find": "1000/h", "reply": "1000/h"}
        with unreachable_broker(redis.url):  # (reachable until killed: the private server)
            yield redis


def test_submissions_are_saved_with_redis_down_and_acknowledged_when_it_returns(
    live_server, redis_that_dies
):
    from celery.contrib.testing.worker import start_worker

    service = ServiceFactory()
    partner, token = issue_token(name="Northmoor Housing Trust", contact_email="c@nht.example")
    redis_that_dies.kill()

    web = [file_on_the_web(live_server.url, service) for _ in range(20)]
    api = [file_by_api(live_server.url, token, service, n) for n in range(5)]

    failed = [r.text[:300] for r in web if r.status_code != 302]
    assert [r.status_code for r in web] == [302] * 20, failed
    assert all("/report/sent/" in r.headers["Location"] for r in web)
    assert [r.status_code for r in api] == [201] * 5, [r.text[:300] for r in api]
    assert Case.objects.count() == 25
    health = requests.get(f"{live_server.url}/healthz", timeout=30).json()
    assert health["checks"]["cache"]["ok"] is False
    assert "per process" in health["checks"]["cache"]["detail"]

    redis_that_dies.start()  # the same address: Redis is back, empty
    app.loader.import_module("celery.contrib.testing.tasks")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):

        def acknowledged() -> bool:
            outbox.reset_circuit()
            outbox.sweep(now=None)
            return (
                Notification.objects.filter(kind="received", state="sent").count() == 25
                and not OutboxTask.objects.exclude(state=OutboxTask.State.DONE).exists()
            )

        wait_for(acknowledged, timeout=90, interval=1.0)
    for case in Case.objects.all():  # each acknowledged once
        assert case.notifications.filter(kind="received", state="sent").count() == 1
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == len(mail.outbox)
