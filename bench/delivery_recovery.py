"""Recovery times under faults, with production defaults (sweep every 10 s, lost work re-sent
after 20 s, a claimed send uncertain after 30 s), real worker and beat processes, PostgreSQL,
a private Redis on loopback and a Notify stub:

    .venv/bin/python bench/delivery_recovery.py \
        --database-url postgres://postgres@127.0.0.1:5432/portal_delivery_bench

1. Redis flushed with 200 tasks queued: time from the broker's return to all work done, against
   the same 200 tasks done with no fault in the same run (the baseline).
2. A worker killed mid-send (a pool child; a whole worker): time from the kill to the text
   message recorded as sent, and how many times Notify accepted it (must be once).

Writes its section of bench/RESULTS.md.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- delivery-recovery:start -->", "<!-- delivery-recovery:end -->"


def wait(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise SystemExit("condition not met within the bench's bound")


class Processes:
    def __init__(self, env: dict[str, str], logs: Path):
        self.env, self.logs, self.running = env, logs, []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, "WORKER_NAME": name},
            stdout=(self.logs / f"{name}.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self.start(name, "-m", "tests.integration.sending_worker")

    def beat(self) -> subprocess.Popen:
        schedule = str(self.logs / "beat-schedule")
        return self.start("beat", "-m", "celery", "-A", "portal", "beat", "-s", schedule)

    def stop(self, process: subprocess.Popen, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            os.killpg(process.pid, sig)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)

    def stop_all(self) -> None:
        for process in self.running:
            self.stop(process, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cases", type=int, default=100, help="two tasks each")
    args = parser.parse_args()

    from tests.integration.notify_stub import API_KEY, TEMPLATE_ID, notify_stub
    from tests.integration.redis_server import private_redis

    with (
        tempfile.TemporaryDirectory() as tmp,
        private_redis(Path(tmp)) as redis_server,
        notify_stub() as stub,
    ):
        env = {
            **os.environ,
            "PORTAL_ENV": "test",
            "PORTAL_VAR_DIR": tmp,
            "DATABASE_URL": args.database_url,
            "REDIS_URL": redis_server.url,
            "EMAIL_MODE": "file",
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_BASE_URL": stub.url,
            "NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID,
            "LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        import django

        django.setup()
        import redis

        from enquiries.models import Notification, OutboxTask, Service
        from tests.factories import ServiceFactory, submit_web_case

        procs = Processes(env, Path(tmp))
        try:
            results = run(args, procs, stub, redis, redis_server, OutboxTask, Notification,
                          ServiceFactory, submit_web_case, Service)  # fmt: skip
        finally:
            procs.stop_all()
    write(report(results, args))


def all_done(OutboxTask) -> bool:
    return not OutboxTask.objects.exclude(state__in=["done", "failed", "dead"]).exists()


def run(args, procs, stub, redis, redis_server, OutboxTask, Notification, ServiceFactory,
        submit_web_case, Service) -> dict:  # fmt: skip
    service = ServiceFactory(slug=f"bench-{int(time.time())}")
    results: dict = {}
    # 1a. Baseline: the same work with no fault.
    workers = [procs.worker("w1"), procs.worker("w2")]
    beat = procs.beat()
    time.sleep(5)  # let the workers connect before timing
    started = time.monotonic()
    for _ in range(args.cases):
        submit_web_case(service=service)
    wait(lambda: all_done(OutboxTask), timeout=600)
    results["baseline"] = time.monotonic() - started

    # 1b. Flushed broker: workers stopped, work queued, Redis flushed, workers back.
    for process in workers:
        procs.stop(process)
    flushed = [submit_web_case(service=service).pk for _ in range(args.cases)]
    redis.Redis.from_url(redis_server.url).flushdb()
    back = time.monotonic()
    workers = [procs.worker("w3"), procs.worker("w4")]
    wait(lambda: all_done(OutboxTask), timeout=600, interval=0.5)
    results["flush"] = time.monotonic() - back
    results["flush_tasks"] = 2 * args.cases
    # Done once: one routing and one sent row per update (received, open) for every case.
    from enquiries.models import CaseEvent

    routed = CaseEvent.objects.filter(case_id__in=flushed, kind="routed").count()
    sent = Notification.objects.filter(case_id__in=flushed, state="sent").count()
    results["flush_once"] = routed == args.cases and sent == 2 * args.cases

    # 2. Worker killed mid-send: a pool child, then a whole worker.
    for whole in (False, True):
        marker = Path(procs.logs) / f"sending-{whole}"
        for process in workers:
            procs.stop(process)
        procs.env["SEND_MARKER"] = str(marker)
        workers = [procs.worker(f"k{whole}1"), procs.worker(f"k{whole}2")]
        stub.hold()
        case = submit_web_case(service=service, phone="07700 900456", preferred_channel="sms")
        wait(lambda: stub.accepted() and marker.exists(), timeout=120)  # noqa: B023
        child, worker = (int(pid) for pid in marker.read_text().split())
        killed = time.monotonic()
        if whole:
            os.killpg(worker, signal.SIGKILL)
        else:
            os.kill(child, signal.SIGKILL)
        stub.release()
        rows = Notification.objects.filter(case=case)
        wait(
            lambda: rows.count() == 2 and not rows.exclude(state="sent").exists(),  # noqa: B023
            timeout=600,
            interval=0.5,
        )
        refs = list(rows.values_list("idempotency_key", flat=True))
        label = "whole worker" if whole else "pool child"
        results[label] = (time.monotonic() - killed, max(stub.accepted(r) for r in refs))
        stub.sent.clear()
    procs.stop(beat)
    return results


def report(results: dict, args) -> str:
    ratio = results["flush"] / results["baseline"]
    lines = [
        START,
        "## Delivery under faults (`bench/delivery_recovery.py`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on a shared 2-core machine: two prefork "
        "workers (concurrency 1) and beat as processes, PostgreSQL, a private Redis, a Notify "
        "stub, production defaults (sweep every 10 s, lost work re-sent after 20 s, a claimed "
        "send uncertain after 30 s). Target: Redis back → work done within 60 s.",
        "",
        "| Fault | measured | baseline in the same run | ratio | done / accepted by Notify |",
        "|---|---:|---:|---:|---:|",
        f"| Redis flushed with {results['flush_tasks']} tasks queued: broker back → all work done "
        f"| {results['flush']:.1f} s | {results['baseline']:.1f} s (same work, no fault) "
        f"| {ratio:.2f} | {'each once' if results['flush_once'] else '**not once**'} |",
    ]
    for label in ("pool child", "whole worker"):
        seconds, accepted = results[label]
        lines.append(
            f"| Worker ({label}) killed mid-send → text message recorded as sent "
            f"| {seconds:.1f} s | | | {accepted} time(s) per message |"
        )
    met = results["flush"] <= 60
    lines += ["", "Target met." if met else "**Target missed.**", END]
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8")
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END) + r"\n?", section, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    print(section)


if __name__ == "__main__":
    main()
