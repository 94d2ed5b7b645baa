"""Server time of the staff workspace at scale, against a floor measured in the same run.

    DATABASE_URL=postgres://…/portal_staff_bench python manage.py seed_demo --cases 0
    DATABASE_URL=… python manage.py generate_cases --count 1000000
    DATABASE_URL=… python bench/staff_bench.py --repeat 30 --clients 1
    DATABASE_URL=… python bench/staff_bench.py --repeat 30 --clients 4

The floor is the issue's: a bare view listing 25 rows of the same Case table (same size, same
database, same run) with a paginator and its COUNT. Every staff page is measured for every
role (caseworker, manager, contact centre): each must stay under 100 ms and within 2x the
floor. Requests go through the whole Django stack in-process (middleware, sessions, policy,
access log, templates) with Django's test client, so the time is server time without network.
With ``--clients N`` N processes run the same sequence at once (each its own connection), and
the medians are over all of them. Prints a Markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing
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
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from enquiries.choices import OPEN_STATUSES  # noqa: E402
from enquiries.models import Case  # noqa: E402

ROLES = [
    ("caseworker", "highways.officer"),
    ("manager", "highways.manager"),
    ("contact centre", "agent"),
]
FLOOR = ("Floor: bare view, 25 rows of the case table, paginator with COUNT", "/bench/bare-table/")


def scenarios(queue: str) -> list[tuple[str, str, str]]:
    """(role, label, url): the floor first, then every page for every role."""
    case = (
        Case.objects.filter(department__slug=queue, status="in_progress")
        .select_related("resident")
        .order_by("-id")
        .first()
    )
    rows = [("", *FLOOR)]
    for role, _username in ROLES:
        # front-line staff have no queue of their own: they open one
        worklist = (
            f"/staff/worklist/?queue={queue}" if role == "contact centre" else "/staff/worklist/"
        )
        sep = "&" if "?" in worklist else "?"
        rows += [
            (role, "Worklist, first page (default sort)", worklist),
            (role, "Filtered worklist (in progress, high, breached, newest)",
             f"{worklist}{sep}status=in_progress&priority=high&sla=breached&sort=newest"),
            (role, "Worklist search by words in the summary", f"{worklist}{sep}q=gully"),
            (role, "Resident search: name with typos", "/staff/residents/?q=Margret+Thornbr"),
            (role, "Resident search: phone", "/staff/residents/?q=07700+900+123"),
            (role, "Resident single view", f"/staff/residents/{case.resident_id}/"),
            (role, "Case page", f"/staff/cases/{case.reference}/"),
        ]  # fmt: skip
    return rows


def run(args: tuple[list, int, int]) -> dict[tuple[str, str], list[float]]:
    """One client: every scenario in turn, ``repeat`` times, interleaved so load is even."""
    plan, repeat, seed = args
    connections.close_all()
    clients = {}
    for role, username in ROLES:
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=username))
    clients[""] = clients["caseworker"]
    times: dict[tuple[str, str], list[float]] = {(r, label): [] for r, label, _u in plan}
    with override_settings(STAFF_REQUIRE_2FA=False, ROOT_URLCONF="bench.staff_urls", DEBUG=False):
        for role, _label, url in plan:  # warm caches and connections
            for _ in range(2):
                assert clients[role].get(url, follow=True).status_code == 200, url
        for _ in range(repeat):
            for role, label, url in plan:
                started = time.perf_counter()
                response = clients[role].get(url)
                times[(role, label)].append((time.perf_counter() - started) * 1000)
                assert response.status_code in (200, 302), url
    return times


def query_counts(plan: list) -> dict[tuple[str, str], int]:
    counts = {}
    with override_settings(STAFF_REQUIRE_2FA=False, ROOT_URLCONF="bench.staff_urls", DEBUG=False):
        for role, username in [("", "highways.officer"), *ROLES]:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            for r, label, url in plan:
                if r != role:
                    continue
                with CaptureQueriesContext(connection) as ctx:
                    client.get(url)
                counts[(r, label)] = len(ctx.captured_queries)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--queue", default="highways")
    args = parser.parse_args()

    plan = scenarios(args.queue)
    counts = query_counts(plan)
    connections.close_all()
    if args.clients == 1:
        results = [run((plan, args.repeat, 0))]
    else:
        with multiprocessing.get_context("fork").Pool(args.clients) as pool:
            results = pool.map(run, [(plan, args.repeat, i) for i in range(args.clients)])
    merged = {key: sorted(t for r in results for t in r[key]) for key in results[0]}
    floor = statistics.median(merged[("", FLOOR[0])])
    total = Case.objects.count()
    open_in_queue = Case.objects.filter(
        department__slug=args.queue, status__in=OPEN_STATUSES
    ).count()
    print(
        f"\n{total:,} cases ({open_in_queue:,} open in '{args.queue}'); {args.clients} "
        f"client(s) x {args.repeat} rounds; {connection.vendor}\n"
    )
    print("| Role | Request | median ms | p95 ms | queries | × floor | < 100 ms and ≤ 2× |")
    print("|---|---|---:|---:|---:|---:|---|")
    for role, label, _url in plan:
        times = merged[(role, label)]
        median = statistics.median(times)
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        ok = "" if not role else ("yes" if median < 100 and median <= 2 * floor else "**no**")
        print(
            f"| {role or '—'} | {label} | {median:.1f} | {p95:.1f} | {counts[(role, label)]} | "
            f"{median / floor:.2f} | {ok} |"
        )


if __name__ == "__main__":
    main()
