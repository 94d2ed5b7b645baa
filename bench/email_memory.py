"""Bench: peak memory to ingest one large email, as a multiple of the message's size.

Each case runs in a fresh child process (Django set up, a small message ingested to warm up),
which resets its peak-RSS counter (/proc/self/clear_refs), reads the message, runs the whole
pipe path (``ingest.ingest``: store raw, parse, intake, attachments to storage) and reports
peak RSS (VmHWM) minus RSS before reading. The target is under 4x the message size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_email_bench \\
    REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python bench/email_memory.py
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- email-memory:start -->", "<!-- email-memory:end -->"
MB = 1024 * 1024


def _kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def make_message(attachment_bytes: int, path: Path) -> None:
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["From"] = "Ann Lee <ann.lee@bench.example>"
    message["To"] = "contact@northmoor.example"
    message["Subject"] = f"Survey with a {attachment_bytes // MB} MB attachment"
    message["Message-ID"] = make_msgid(idstring=f"mem{time.time_ns()}", domain="bench.example")
    message.set_content("The survey is attached.\n")
    content = b"%PDF-1.4\n" + os.urandom(attachment_bytes - 9)
    message.add_attachment(content, maintype="application", subtype="pdf", filename="s.pdf")
    path.write_bytes(message.as_bytes())


def child(path: str) -> None:
    """Runs in the child: warm up, reset the peak, ingest the message, print the figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from channels.inbound_email import ingest
    from channels.inbound_email.models import InboundMessage

    small = (
        b"From: a@bench.example\r\nTo: contact@northmoor.example\r\nSubject: warm up\r\n"
        b"Message-ID: <warm-" + str(time.time_ns()).encode() + b"@bench.example>\r\n\r\nHi\r\n"
    )
    ingest.ingest(mailbox=ingest.default_mailbox(), raw=small, source="pipe")
    Path("/proc/self/clear_refs").write_text("5")
    before = _kb("VmRSS")
    raw = Path(path).read_bytes()
    started = time.perf_counter()
    result = ingest.ingest(mailbox=ingest.default_mailbox(), raw=raw, source="pipe")
    seconds = time.perf_counter() - started
    peak = _kb("VmHWM")
    row = InboundMessage.objects.get(pk=result.row.pk)
    print(
        json.dumps(
            {
                "size": len(raw),
                "peak_over_baseline": peak - before,
                "seconds": seconds,
                "status": row.status,
                "stored_intact": bytes(row.raw) == raw,
            }
        )
    )


def run_case(attachment_bytes: int, tmp: Path) -> dict:
    path = tmp / f"mem-{attachment_bytes}.eml"
    make_message(attachment_bytes, path)
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PORTAL_ENV": "development", "LOG_LEVEL": "WARNING"},
    ).stdout
    path.unlink()
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    import tempfile

    if "postgres" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("Set DATABASE_URL (PostgreSQL) for the bench.")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PORTAL_ENV": "development"},
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for attachment in (1 * MB, 22 * MB, 30 * MB):
            figures = run_case(attachment, Path(tmp))
            ratio = figures["peak_over_baseline"] / figures["size"]
            rows.append((attachment, figures, ratio))
            print(attachment // MB, "MB attachment:", figures, f"ratio {ratio:.2f}")
    lines = [
        START,
        "## Email memory per message (bench/email_memory.py)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {platform.node()}, "
        f"{os.cpu_count()} CPUs, load {' / '.join(f'{x:.1f}' for x in os.getloadavg())}, "
        "PostgreSQL. One fresh process per message (warmed up with a small one); peak RSS "
        "(VmHWM, reset before reading) minus RSS before reading the message, for the whole "
        "pipe path (store raw, parse, intake, attachment to storage). Target: under 4x.",
        "",
        "| attachment | message size | outcome | peak over baseline | × message size | s | met |",
        "|---:|---:|---|---:|---:|---:|---|",
    ]
    for attachment, f, ratio in rows:
        lines.append(
            f"| {attachment // MB} MB | {f['size'] / MB:.1f} MB | {f['status']}"
            f"{'' if f['stored_intact'] else ' (RAW CHANGED)'} | "
            f"{f['peak_over_baseline'] / MB:.0f} MB | {ratio:.2f} | {f['seconds']:.1f} | "
            f"{'yes' if ratio < 4 else 'no'} |"
        )
    lines.append(END)
    section = "\n".join(lines)
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if START in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
