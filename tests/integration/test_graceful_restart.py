"""A deploy loses no request: gunicorn (portal/gunicorn.conf.py) reloaded with HUP under load
replaces every worker while each accepted request is answered."""

import os
import signal
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings as django_settings

from tests.conftest import wait_for
from tests.factories import ServiceFactory
from tests.integration.gunicorn_server import gunicorn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="gunicorn's workers are separate processes: they need a shared database server",
    ),
]
REQUESTS = 300


def workers_of(master: int) -> set[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True, check=False
    ).stdout
    return {int(pid) for pid in out.split()}


def test_a_graceful_reload_under_load_drops_no_request(tmp_path):
    service = ServiceFactory()
    pages = ["/", f"/services/{service.slug}/", "/healthz/ready"]
    with gunicorn(tmp_path, workers=2) as server:
        before = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
        done = 0
        lock = threading.Lock()
        reloaded = threading.Event()

        def one(n: int) -> tuple[int, str]:
            nonlocal done
            try:  # a new connection each time, as the load balancer's health-checked pool
                status = requests.get(server.url + pages[n % 3], timeout=60).status_code
                outcome = (status, "")
            except requests.RequestException as exc:
                outcome = (0, type(exc).__name__)
            with lock:
                done += 1
                if done == REQUESTS // 3 and not reloaded.is_set():
                    reloaded.set()
                    os.kill(server.pid, signal.SIGHUP)  # the deploy: new code, new workers
            return outcome

        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(one, range(REQUESTS)))

        assert reloaded.is_set()
        failures = [r for r in results if r[0] != 200]
        assert failures == [], f"{len(failures)} of {REQUESTS} failed: {failures[:5]}"
        after = wait_for(lambda: len(workers_of(server.pid)) == 2 and workers_of(server.pid))
        assert not before & after, "every worker was replaced"
