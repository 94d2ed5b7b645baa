"""Bench: how much one anonymous address can make the portal store by flooding the files page.

An "attacker" posts five 5 MB PDFs to a journey's files page, removes them, and does it again
(and again in fresh journeys), through Django's test client against the real settings, database
and cache. Reported for the same flood with the upload limits switched off (the baseline: the
code before the limits) and on (the defaults): megabytes accepted and kept on disk, requests
refused, and the time taken. Results go to bench/RESULTS.md ("Upload flood" section).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_web \\
    REDIS_URL=redis://127.0.0.1:6379/2 .venv/bin/python bench/upload_flood.py [--rounds 8]

Uploads go to a temporary MEDIA_ROOT that is deleted afterwards; the bench service is removed.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- upload-flood:start -->", "<!-- upload-flood:end -->"
FILE_MB = 5
NO_JOURNEY_LIMITS = {"WEB_UPLOAD_JOURNEY_MAX_FILES": 10**6, "WEB_UPLOAD_JOURNEY_MAX_MB": 10**6}
PDF = b"%PDF-1.4\n" + b"0" * (FILE_MB * 1024 * 1024 - 9)


def pdf(n: int) -> io.BytesIO:
    handle = io.BytesIO(PDF)
    handle.name = f"flood-{n}.pdf"
    handle.content_type = "application/pdf"
    return handle


def flood(rounds: int, journeys: int) -> dict:
    """Rounds of upload-five-then-remove-them, in each of `journeys` fresh journeys."""
    from django.test import Client
    from django.urls import reverse

    accepted = refused = 0
    started = time.perf_counter()
    for _ in range(journeys):
        client = Client(REMOTE_ADDR="198.51.100.77")
        client.get(reverse("web:start", args=["bench-upload-flood"]))
        url = reverse("web:step", args=["bench-upload-flood", "files"])
        describe = reverse("web:step", args=["bench-upload-flood", "describe"])
        key = client.session["web_journeys"]["bench-upload-flood"]["key"]
        client.post(describe, {"journey_key": key, "description": "Flood"})
        for _ in range(rounds):
            key = client.session["web_journeys"]["bench-upload-flood"]["key"]
            response = client.post(
                url, {"journey_key": key, "action": "upload", "files": [pdf(n) for n in range(5)]}
            )
            if response.status_code == 302:
                accepted += 5
            else:
                refused += 1
            for record in client.session["web_journeys"]["bench-upload-flood"]["files"]:
                client.post(url, {"journey_key": key, "remove": record["id"]})
    elapsed = time.perf_counter() - started
    return {"mb": accepted * FILE_MB, "refused": refused, "seconds": elapsed}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8, help="upload/remove rounds per journey")
    parser.add_argument("--journeys", type=int, default=3)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("PORTAL_ENV", "test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings, setup_test_environment

    from enquiries.models import Department, Service, Topic

    setup_test_environment()
    call_command("migrate", verbosity=0)
    topic, _ = Topic.objects.get_or_create(slug="bench-topic", defaults={"name": "Bench"})
    department, _ = Department.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    Service.objects.filter(slug="bench-upload-flood").delete()
    Service.objects.create(
        department=department,
        name="Bench upload flood",
        slug="bench-upload-flood",
        topic=topic,
        summary="Bench",
        description="Bench",
        questions=[],
    )
    off = {
        **settings.WEB_RATE_LIMITS,
        "upload": "1000000/h",
        "upload_mb": "1000000/h",
    }
    results = {}
    try:
        with tempfile.TemporaryDirectory() as media:
            for label, overrides in (
                ("limits off (baseline)", {"WEB_RATE_LIMITS": off, **NO_JOURNEY_LIMITS}),
                ("limits on (defaults)", {}),
            ):
                prefix = f"bench-{uuid.uuid4().hex[:8]}"
                caches = {
                    alias: {**config, "KEY_PREFIX": prefix}
                    for alias, config in settings.CACHES.items()
                }
                with override_settings(MEDIA_ROOT=media, CACHES=caches, **overrides):
                    results[label] = flood(args.rounds, args.journeys)
    finally:
        Service.objects.filter(slug="bench-upload-flood").delete()

    base = results["limits off (baseline)"]
    lines = [
        "## Upload flood (`bench/upload_flood.py`)",
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: one address, "
        f"{args.journeys} journeys × {args.rounds} rounds of five {FILE_MB} MB PDFs uploaded "
        "then removed (Django test client, PostgreSQL and Redis).",
        "",
        "| flood | MB accepted | requests refused (429) | seconds | MB accepted / baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, result in results.items():
        ratio = result["mb"] / base["mb"] if base["mb"] else 0
        lines.append(
            f"| {label} | {result['mb']} | {result['refused']} | {result['seconds']:.1f} | "
            f"{ratio:.2f} |"
        )
    lines += [
        "",
        "With the limits on, one address gets at most `WEB_RATE_LIMIT_UPLOAD_MB` (100) MB per hour "
        "accepted, and one journey `WEB_UPLOAD_JOURNEY_MAX_MB` (75) MB over its life however often "
        "it removes files; the rest is refused with a 429 page and nothing of it is kept.",
    ]
    text = "\n".join(lines)
    print(text)
    write_results(text)
    return 0


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


if __name__ == "__main__":
    raise SystemExit(main())
