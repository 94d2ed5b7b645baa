"""The portal under gunicorn (portal/gunicorn.conf.py) on a free loopback port, for fault tests
that need a real server process: a database restart, a graceful reload."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.integration.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def database_url(port: int | None = None) -> str:
    db = connection.settings_dict
    port = port or db["PORT"] or 5432
    password = db["PASSWORD"] or ""
    return f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


@contextmanager
def gunicorn(tmp_path: Path, *, workers: int = 2, db_port: int | None = None, **env: str):
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi"],
        cwd=ROOT,
        env={
            **os.environ,
            "PORTAL_ENV": "test",
            "DEBUG": "false",
            "DATABASE_URL": database_url(db_port),
            "REDIS_URL": settings.REDIS_URL,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
            "AXES_ENABLED": "false",
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz/ready", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((tmp_path / "gunicorn.log").read_text()[-3000:]) from None
                time.sleep(0.2)
        process.url = url
        process.log_path = tmp_path / "gunicorn.log"
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
