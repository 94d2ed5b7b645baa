"""Bench: 10,000 plain messages through ``manage.py ingest_email`` into PostgreSQL.

Reports messages per second for the whole pipe door (store raw, parse, intake: resident, case,
contact, events, outbox rows; publish to the broker after commit) and, in the same run, for
``parse_message`` alone (no database), plus the ratio between them. Results go to
bench/RESULTS.md (the "Email ingest" section; other sections are kept).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_email_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/email_ingest.py [--count 10000]

The database is migrated and its email rows cleared first; the broker queue the run filled is
purged afterwards (only that queue, never the whole Redis).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- email-ingest:start -->", "<!-- email-ingest:end -->"


def make_messages(directory: Path, count: int) -> list[Path]:
    from datetime import UTC, datetime

    paths = []
    now = datetime.now(UTC)
    for n in range(count):
        message = EmailMessage()
        message["From"] = f"Resident {n} <resident{n}@bench.example>"
        message["To"] = "contact@northmoor.example"
        message["Subject"] = f"Bins not collected at number {n}"
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(idstring=f"bench{n}", domain="bench.example")
        message.set_content(
            f"Hello,\n\nOur bins at number {n} were not collected on Tuesday.\n\nThanks\n"
        )
        path = directory / f"{n:05d}.eml"
        path.write_bytes(message.as_bytes())
        paths.append(path)
    return paths


def parse_rate(paths: list[Path]) -> float:
    from channels.inbound_email.parsing import parse_message

    raws = [p.read_bytes() for p in paths]
    started = time.perf_counter()
    for raw in raws:
        parse_message(raw)
    return len(raws) / (time.perf_counter() - started)


def write_results(text: str) -> None:
    existing = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section = f"{START}\n{text.strip()}\n{END}"
    if START in existing and END in existing:
        before, rest = existing.split(START, 1)
        after = rest.split(END, 1)[1]
        existing = before + section + after
    else:
        existing = existing.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(existing)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL to a PostgreSQL database for the bench.")
    env = {**os.environ, "PORTAL_ENV": "development", "LOG_LEVEL": "WARNING", "DEBUG": "false"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from channels.inbound_email.models import InboundMessage

    InboundMessage.objects.all().delete()

    with tempfile.TemporaryDirectory(prefix="email-bench-") as tmp:
        paths = make_messages(Path(tmp), args.count)
        parsed_per_second = parse_rate(paths)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "ingest_email", *map(str, paths)],
            env=env,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - started
    lines = proc.stdout.splitlines()
    new_cases = sum(": new case " in line for line in lines)
    if proc.returncode != 0 or new_cases != args.count:
        sys.exit(f"ingest failed ({proc.returncode}, {new_cases} new cases): {proc.stderr[-2000:]}")
    ingested_per_second = args.count / elapsed
    _purge_broker()
    ratio = ingested_per_second / parsed_per_second
    verdict = "met" if ingested_per_second >= 100 else "NOT met"
    when = time.strftime("%Y-%m-%d %H:%M")
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    text = f"""## Email ingest (bench/email_ingest.py)

{when}, {platform.node()}, {os.cpu_count()} CPUs, load {load},
PostgreSQL, Redis broker.
{args.count:,} plain one-part messages (distinct senders, each a new case) piped through
`manage.py ingest_email FILE…` (one invocation, start-up included; a large batch is spread
over one process per CPU); the parser alone timed over the same messages in the same run.

| what | messages/s | vs parsing alone |
|---|---:|---:|
| `parse_message` alone (no database) | {parsed_per_second:,.0f} | 1.00 |
| `ingest_email` → PostgreSQL | {ingested_per_second:,.0f} | {ratio:.3f} |

Target: at least 100 messages/s for plain messages: {verdict}.
"""
    print(text)
    if not args.no_write:
        write_results(text)


def _purge_broker() -> None:
    """Drop the route/acknowledge tasks this run queued (only the default queue it used)."""
    from portal.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
    except Exception as exc:  # a bench must still report when the broker is gone
        print(f"(could not purge the broker queue: {exc})")


if __name__ == "__main__":
    main()
