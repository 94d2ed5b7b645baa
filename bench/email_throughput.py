"""Bench: messages/s through the LMTP receiver vs one process per message vs one batch command.

Same kind of message (plain, a distinct sender each, each a new case) through the three doors,
in one run, into PostgreSQL:

* ``lmtp``: ``manage.py lmtp_server`` already running; one LMTP connection delivers the
  messages one after another; the clock stops when every message is processed.
* ``pipe``: ``manage.py ingest_email -`` once per message (as a mail server's pipe transport
  calls it): Django starts every time.
* ``batch``: one ``manage.py ingest_email FILE…`` for all the files.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_email_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/email_throughput.py
"""

from __future__ import annotations

import argparse
import os
import platform
import smtplib
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- email-throughput:start -->", "<!-- email-throughput:end -->"
ENV = {**os.environ, "PORTAL_ENV": "development", "LOG_LEVEL": "WARNING", "DEBUG": "false"}


def message(tag: str, n: int) -> bytes:
    m = EmailMessage()
    m["From"] = f"Resident {tag}{n} <r{tag}{n}.{time.time_ns()}@bench.example>"
    m["To"] = "contact@northmoor.example"
    m["Subject"] = f"Bins not collected at number {n}"
    m["Message-ID"] = make_msgid(idstring=f"{tag}{n}.{time.time_ns()}", domain="bench.example")
    m.set_content(f"Our bins at number {n} were not collected on Tuesday.\n")
    return m.as_bytes()


def processed_count() -> int:
    out = subprocess.run(
        [
            "psql",
            os.environ["DATABASE_URL"],
            "-Atc",
            "SELECT count(*) FROM channels_inbound_email_inboundmessage WHERE status <> 'stored'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip())


def bench_lmtp(count: int) -> float:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "lmtp_server", "--port", "0"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = server.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        raws = [message("l", n) for n in range(count)]
        before = processed_count()
        started = time.perf_counter()
        client = smtplib.LMTP("127.0.0.1", port, timeout=60)
        client.ehlo("bench")
        for raw in raws:
            client.sendmail("sender@bench.example", ["contact@northmoor.example"], raw)
        client.quit()
        deadline = time.monotonic() + 600
        while processed_count() - before < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return count / (time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_pipe(count: int) -> float:
    raws = [message("p", n) for n in range(count)]
    started = time.perf_counter()
    for raw in raws:
        subprocess.run(
            [sys.executable, "manage.py", "ingest_email", "-"],
            cwd=ROOT,
            env=ENV,
            input=raw,
            check=True,
            capture_output=True,
        )
    return count / (time.perf_counter() - started)


def bench_batch(count: int, directory: Path) -> float:
    paths = []
    for n in range(count):
        path = directory / f"b{n:05d}.eml"
        path.write_bytes(message("b", n))
        paths.append(str(path))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "ingest_email", *paths],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=True,
    )
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500, help="messages for lmtp and batch")
    parser.add_argument("--pipe-count", type=int, default=30, help="messages for the pipe")
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL (PostgreSQL) for the bench.")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        pipe = bench_pipe(args.pipe_count)
        batch = bench_batch(args.count, Path(tmp))
        lmtp = bench_lmtp(args.count)
    print(f"pipe {pipe:.2f}/s, batch {batch:.1f}/s, lmtp {lmtp:.1f}/s")
    rows = [
        ("`ingest_email -`, one process per message (a pipe transport)", args.pipe_count, pipe),
        ("`ingest_email FILE…`, one batch command", args.count, batch),
        ("`lmtp_server`, one LMTP connection (long-running process)", args.count, lmtp),
    ]
    lines = [
        START,
        "## Email doors: LMTP vs pipe vs batch (bench/email_throughput.py)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {platform.node()}, "
        f"{os.cpu_count()} CPUs, load {' / '.join(f'{x:.1f}' for x in os.getloadavg())}, "
        "PostgreSQL. Plain one-part messages, a distinct sender each (each a new case); each "
        "stored raw then processed (the LMTP clock stops when all are processed).",
        "",
        "| door | messages | messages/s | vs one process per message |",
        "|---|---:|---:|---:|",
    ]
    for label, count, rate in rows:
        lines.append(f"| {label} | {count} | {rate:.2f} | {rate / pipe:.1f}× |")
    lines.append(END)
    section = "\n".join(lines)
    text = RESULTS.read_text()
    if START in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


if __name__ == "__main__":
    main()
