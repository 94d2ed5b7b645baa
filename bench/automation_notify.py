"""Bench: text-message updates per minute through GOV.UK Notify's official client and one
worker, against a local Notify stub (loopback; it checks every request's JWT and body).

The pipeline per update: outbox row → Redis → worker → Notification row (rendered, budget
checked) → ``NotificationsAPIClient.send_sms_notification`` → stub → row marked sent, outbound
contact and timeline entry. Same-run baseline: the official client alone, in one thread, to the
same stub (no database, no broker). Results go to bench/RESULTS.md ("Automation: updates").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_auto_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/automation_notify.py \\
        [--count 2000] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime

from automation_common import purge_queue, setup_django, start_worker, stop_worker, write_section

START, END = "<!-- automation-notify:start -->", "<!-- automation-notify:end -->"


def make_cases(count: int, stamp: str) -> list[int]:
    from django.db import transaction

    from enquiries import intake
    from enquiries.choices import Channel
    from enquiries.models import OutboxTask, Service

    service = Service.objects.filter(is_active=True).first()
    ids = []
    for n in range(count):
        ids.append(
            intake.submit(
                intake.NewCase(
                    idempotency_key=f"bench:notify:{stamp}:{n}",
                    summary="Bins not collected",
                    contact=intake.ContactDetails(channel=Channel.WEB, body="Bins"),
                    resident=intake.ResidentDetails(
                        phone=f"+4477009{n % 100000:05d}",
                        preferred_channel="sms",
                        match_existing=False,
                    ),
                    service=service,
                    acknowledge=False,
                )
            ).case.pk
        )
    with transaction.atomic():  # the bench measures updates only: no routing in the way
        OutboxTask.objects.filter(dedupe_key__in=[f"route:{pk}" for pk in ids]).update(
            state=OutboxTask.State.DONE
        )
    purge_queue()
    return ids


def client_alone(stub_url: str, api_key: str, template_id: str, count: int) -> float:
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(api_key, base_url=stub_url)
    started = time.perf_counter()
    for n in range(count):
        client.send_sms_notification(
            phone_number="+447700900000", template_id=template_id, personalisation={"body": f"{n}"}
        )
    return count / (time.perf_counter() - started) * 60


def pipeline(ids: list[int]) -> tuple[float, int]:
    from django.db import transaction

    from enquiries import outbox
    from enquiries.models import Notification

    started = time.perf_counter()
    with transaction.atomic():
        for pk in ids:
            outbox.enqueue(
                "enquiries.tasks.notify_resident",
                dedupe_key=f"notify:{pk}:in_progress:bench",
                case_id=pk,
                kind="in_progress",
            )
    deadline = time.monotonic() + 600
    sent = 0
    while time.monotonic() < deadline:
        sent = Notification.objects.filter(case_id__in=ids, state="sent").count()
        if sent == len(ids):
            break
        time.sleep(0.1)
    return sent / (time.perf_counter() - started) * 60, sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.integration.notify_stub import API_KEY, TEMPLATE_ID, notify_stub

    with notify_stub() as stub:
        os.environ.update(
            {
                "NOTIFY_API_KEY": API_KEY,
                "NOTIFY_BASE_URL": stub.url,
                "NOTIFY_SMS_TEMPLATE_ID": TEMPLATE_ID,
                "NOTIFICATION_DAILY_BUDGET": "100",
            }
        )
        setup_django()
        from django.core.management import call_command

        from enquiries.models import Service

        if not Service.objects.exists():
            call_command("seed_demo", verbosity=0)
        stamp = datetime.now().strftime("%H%M%S")
        ids = make_cases(args.count, stamp)
        baseline = client_alone(stub.url, API_KEY, TEMPLATE_ID, min(args.count, 1000))
        stub.received.clear()
        worker = start_worker(args.concurrency)
        try:
            rate, sent = pipeline(ids)
        finally:
            stop_worker(worker)
            purge_queue()
        problems = len(stub.problems)
    text = f"""## Automation: updates through Notify (bench/automation_notify.py)

{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, Python {platform.python_version()},
PostgreSQL + Redis, one `celery worker` (prefork, concurrency {args.concurrency}), Notify's
official client against a local stub that verifies each request ({problems} rejected).

| measure | updates/min |
|---|---|
| baseline: the client alone, one thread, no database or broker | {baseline:,.0f} |
| pipeline: outbox → worker → row → client → marked sent ({sent}/{args.count}) | {rate:,.0f} |
| ratio pipeline / baseline | {rate / baseline:.2f}× |

Target: at least 3,000 updates/min (Notify's rate limit) — {"met" if rate >= 3000 else "NOT met"}.
"""
    print(text)
    if not args.no_write:
        write_section(START, END, text)


if __name__ == "__main__":
    main()
