"""Shared by the automation benches: environment, one real worker process, RESULTS.md sections."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def setup_django() -> None:
    if "postgres" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL (Redis) for the bench.")
    os.environ.update(
        {
            "PORTAL_ENV": "development",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
            "EMAIL_MODE": "console",
        }
    )
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    import django

    django.setup()


def purge_queue() -> None:
    from portal.celery_app import app

    with app.connection_for_write() as conn:
        for queue in ("celery", "routing"):
            conn.default_channel.queue_purge(queue)


def start_worker(concurrency: int, extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    """One `celery worker` process (prefork with `concurrency` children), output discarded."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            f"--loglevel={os.environ.get('BENCH_WORKER_LOGLEVEL', 'WARNING')}",
            f"--concurrency={concurrency}",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env={**os.environ, **(extra_env or {})},
        stdout=subprocess.DEVNULL,
        stderr=open(os.environ.get("BENCH_WORKER_LOG", os.devnull), "wb"),  # noqa: SIM115
        start_new_session=True,
    )
    time.sleep(4)  # let it connect before the clock starts
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def write_section(start: str, end: str, text: str) -> None:
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"{start}\n{text.strip()}\n{end}"
    if start in existing and end in existing:
        before, rest = existing.split(start, 1)
        existing = before + section + rest.split(end, 1)[1]
    else:
        existing = existing.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(existing)
