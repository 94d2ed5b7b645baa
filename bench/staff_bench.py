"""Server time of the staff workspace at scale, against floors measured in the same run.

    DATABASE_URL=postgres://…/portal_staff_bench python manage.py seed_demo --cases 0
    DATABASE_URL=… python manage.py generate_cases --count 1000000
    DATABASE_URL=… python bench/staff_bench.py --repeat 40

Each request goes through the whole Django stack in-process (middleware, sessions, policy,
access log, templates) with Django's test client, so the time is server time without network.
Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_ENV", "development")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from enquiries.models import Case, Contact, Resident  # noqa: E402


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    for _ in range(3):  # warm caches and connections
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--user", default="highways.officer")
    parser.add_argument("--queue", default="highways")
    args = parser.parse_args()

    user = get_user_model().objects.get(username=args.user)
    case = (
        Case.objects.filter(department__slug=args.queue, status="in_progress")
        .select_related("resident")
        .order_by("-id")
        .first()
    )
    resident = case.resident
    client = Client()
    client.force_login(user)
    total = Case.objects.count()
    queue = f"/staff/worklist/?queue={args.queue}"
    scenarios = [
        ("Floor: bare view, 25 rows of the case table, paginator", "/bench/bare-table/"),
        ("Floor: bare view, 25 rows of one queue (same WHERE), paginator",
         f"/bench/bare-queue/?queue={args.queue}"),
        ("Department worklist, first page", queue),
        ("Filtered worklist (status, priority, SLA breached, newest)",
         f"{queue}&status=in_progress&priority=high&sla=breached&sort=newest"),
        ("Worklist search by words in the summary", f"{queue}&q=gully"),
        ("Resident search: name with typos", "/staff/residents/?q=Margret+Thornbr"),
        ("Resident search: phone in another format", "/staff/residents/?q=07700+900+123"),
        ("Resident single view", f"/staff/residents/{resident.pk}/"),
        ("Case page", f"/staff/cases/{case.reference}/"),
        ("JSON case summary", f"/staff/api/cases/{case.reference}/"),
    ]  # fmt: skip
    results = []
    with override_settings(STAFF_REQUIRE_2FA=False, ROOT_URLCONF="bench.staff_urls", DEBUG=False):
        for label, url in scenarios:
            results.append((label, url, *measure(client, url, args.repeat)))
            print(f"  {label}: {results[-1][2]:.1f} ms", file=sys.stderr)
    floor_table = results[0][2]
    floor_queue = results[1][2]
    queue_rows = Case.objects.filter(
        department__slug=args.queue, status__in=["received", "open", "in_progress",
                                                 "awaiting_resident", "reopened"]
    ).count()  # fmt: skip
    print(
        f"\n{total:,} cases, {Resident.objects.count():,} residents, "
        f"{Contact.objects.count():,} contacts; queue '{args.queue}' has {queue_rows:,} open "
        f"cases; {args.repeat} requests each, {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}\n"  # noqa: E501
    )
    print("| Request | median ms | p95 ms | queries | × floor (table) | × floor (queue) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _url, median, p95, queries in results:
        print(
            f"| {label} | {median:.1f} | {p95:.1f} | {queries} | "
            f"{median / floor_table:.2f} | {median / floor_queue:.2f} |"
        )


if __name__ == "__main__":
    main()
