"""Bench: time from a web submission to the routed event, at a steady rate, one worker on Redis.

Each submission goes through ``enquiries.intake.submit`` (as the web form does: case, contact,
events and outbox rows in one transaction, published after commit); latency is the routed
event's time minus the moment the submission started. Same-run baseline: an empty piece of
outbox work (a route task for a case that does not exist: broker hop, worker, one UPDATE) at the
same rate through the same worker. Results go to bench/RESULTS.md ("Automation: routing").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_auto_bench \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/automation_routing.py \\
        [--rate 20] [--seconds 30] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import datetime

from automation_common import (
    percentiles,
    purge_queue,
    setup_django,
    start_worker,
    stop_worker,
    write_section,
)

START, END = "<!-- automation-routing:start -->", "<!-- automation-routing:end -->"


def steady(rate: float, seconds: float, action) -> list:
    """Call action() `rate` times a second for `seconds`, on a fixed schedule (no drift)."""
    results, interval, began = [], 1.0 / rate, time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = began + n * interval - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        results.append(action(n))
    return results


def baseline(rate: float, seconds: float) -> list[float]:
    from django.db import transaction

    from enquiries import outbox
    from enquiries.models import OutboxTask

    def empty_work(n: int):
        started = time.time()
        with transaction.atomic():
            row = outbox.enqueue(
                "enquiries.tasks.route_case",
                dedupe_key=f"bench:noop:{started}:{n}",
                case_id=-1,
            )
        return row.pk, started

    sent = steady(rate, seconds, empty_work)
    deadline = time.monotonic() + 60
    ids = [pk for pk, _ in sent]
    while time.monotonic() < deadline:
        if not OutboxTask.objects.filter(pk__in=ids, completed_at__isnull=True).exists():
            break
        time.sleep(0.2)
    done = dict(OutboxTask.objects.filter(pk__in=ids).values_list("pk", "completed_at"))
    return [done[pk].timestamp() - t0 for pk, t0 in sent if done.get(pk)]


def routing(rate: float, seconds: float) -> list[float]:
    from enquiries import intake
    from enquiries.choices import Channel, EventKind
    from enquiries.models import CaseEvent, Service

    service = Service.objects.filter(is_active=True).first()
    stamp = datetime.now().strftime("%H%M%S")

    def submit(n: int):
        started = time.time()
        case = intake.submit(
            intake.NewCase(
                idempotency_key=f"bench:route:{stamp}:{n}",
                summary="Street light out",
                description=f"The light outside number {n} is out.",
                contact=intake.ContactDetails(channel=Channel.WEB, body="Light out"),
                resident=intake.ResidentDetails(email=f"bench{stamp}.{n}@example.com"),
                service=service,
            )
        ).case
        return case.pk, started

    sent = steady(rate, seconds, submit)
    ids = [pk for pk, _ in sent]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        routed = CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ROUTED).count()
        if routed == len(ids):
            break
        time.sleep(0.2)
    routed_at = dict(
        CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ROUTED).values_list(
            "case_id", "created_at"
        )
    )
    return [routed_at[pk].timestamp() - t0 for pk, t0 in sent if pk in routed_at]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from enquiries.models import Service

    if not Service.objects.exists():
        call_command("seed_demo", verbosity=0)
    purge_queue()
    worker = start_worker(args.concurrency)
    try:
        base = baseline(args.rate, min(args.seconds, 15))
        routed = routing(args.rate, args.seconds)
    finally:
        stop_worker(worker)
        purge_queue()
    b_med, b_p95 = percentiles(base)
    r_med, r_p95 = percentiles(routed)
    expected = int(args.rate * args.seconds)
    ms = {k: f"{v * 1000:.0f} ms" for k, v in dict(bm=b_med, bp=b_p95, rm=r_med, rp=r_p95).items()}
    text = f"""## Automation: submission to routed event (bench/automation_routing.py)

{datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, Python {platform.python_version()},
PostgreSQL + Redis, one `celery worker` (prefork, concurrency {args.concurrency}),
{args.rate:g} submissions/s for {args.seconds:g} s through `intake.submit` (each case also
queues its "received" and "with the team" updates, sent by the same worker).

| measure | median | p95 | n |
|---|---|---|---|
| baseline: empty outbox work, publish → worker done | {ms["bm"]} | {ms["bp"]} | {len(base)} |
| submission → routed event | {ms["rm"]} | {ms["rp"]} | {len(routed)}/{expected} |
| ratio routed / baseline | {r_med / b_med:.1f}× | {r_p95 / b_p95:.1f}× | |

Target: routed within 1 s median — {"met" if r_med < 1 else "NOT met"}.
"""
    print(text)
    if not args.no_write:
        write_section(START, END, text)


if __name__ == "__main__":
    main()
