"""Server time of every insight page at scale, against the bare 25-row list floor (same run).

    DATABASE_URL=postgres://…/portal_insight_bench python manage.py seed_demo --cases 0
    DATABASE_URL=… python manage.py generate_cases --count 1000000 --realistic --hotspots 5
    DATABASE_URL=… python manage.py refresh_insight --full
    DATABASE_URL=… python bench/insight_bench.py --repeat 20

In-process through the whole Django stack (middleware, sessions, policy, templates) with the test
client, signed in as a manager. Prints a Markdown table for bench/RESULTS.md.
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
from rest_framework.authtoken.models import Token  # noqa: E402

from enquiries.models import Case, Contact, Service  # noqa: E402
from insight import hotspots, rollups  # noqa: E402
from insight.models import CaseRollup  # noqa: E402


def measure(client: Client, url: str, repeat: int, **headers) -> tuple[float, float, int]:
    for _ in range(2):
        assert client.get(url, **headers).status_code == 200, url
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    times.sort()
    return (
        statistics.median(times),
        times[max(0, int(len(times) * 0.95) - 1)],
        len(ctx.captured_queries),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--user", default="highways.manager")
    args = parser.parse_args()
    user = get_user_model().objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    token = Token.objects.get_or_create(user=user)[0].key
    service = (
        Service.objects.get(slug="report-a-pothole")
        if Service.objects.filter(slug="report-a-pothole").exists()
        else Service.objects.first()
    )
    ward = (
        CaseRollup.objects.filter(place_kind="ward")
        .exclude(place_code="")
        .values_list("place_code", flat=True)
        .first()
    )
    year = "start=2025-11-24&end=2026-11-22"
    scenarios = [
        ("Floor: bare view, 25 rows of the case table, paginator", "/bench/bare-table/", {}),
        ("Demand (12 weeks)", "/staff/insight/demand/", {}),
        ("Demand, one year by month, by ward", f"/staff/insight/demand/?{year}&grain=month&by=ward", {}),  # noqa: E501
        ("Demand, one service", f"/staff/insight/demand/?service={service.pk}", {}),
        ("Demand, one ward", f"/staff/insight/demand/?place=ward:{ward}", {}),
        ("Channel shift", "/staff/insight/channel-shift/", {}),
        ("Channel shift, one year by decile", f"/staff/insight/channel-shift/?{year}&by=decile", {}),  # noqa: E501
        ("Failure demand", "/staff/insight/failure-demand/", {}),
        ("Automation", "/staff/insight/automation/", {}),
        ("Timeliness", "/staff/insight/timeliness/", {}),
        ("Timeliness, one year", f"/staff/insight/timeliness/?{year}", {}),
        ("Hotspots", "/staff/insight/hotspots/", {}),
        ("Outcome", "/staff/insight/outcome/", {}),
        ("Drill-down: cases of one service (25 rows)", f"/staff/insight/cases/?service={service.pk}", {}),  # noqa: E501
        ("CSV: demand by service", "/staff/insight/demand/demand-service.csv", {}),
        ("JSON API: timeliness", "/api/insight/v1/timeliness/",
         {"HTTP_AUTHORIZATION": f"Token {token}"}),
        ("Public performance page", "/performance/", {}),
    ]  # fmt: skip
    results = []
    with override_settings(STAFF_REQUIRE_2FA=False, ROOT_URLCONF="bench.staff_urls", DEBUG=False):
        for label, url, headers in scenarios:
            results.append((label, url, *measure(client, url, args.repeat, **headers)))
            print(f"  {label}: {results[-1][2]:.1f} ms", file=sys.stderr)
    floor = results[0][2]
    started = time.perf_counter()
    weeks = rollups.refresh()
    refresh_ms = (time.perf_counter() - started) * 1000
    found = hotspots.detect()
    print(
        f"\n{Case.objects.count():,} cases, {Contact.objects.count():,} contacts, "
        f"{CaseRollup.objects.count():,} rollup rows; {args.repeat} requests each; "
        f"{connection.vendor} {getattr(connection, 'pg_version', '')}; incremental refresh with "
        f"nothing changed: {refresh_ms:.0f} ms ({weeks} weeks); hotspots flagged: {len(found)}\n"
    )
    print("| Request | median ms | p95 ms | queries | × floor |")
    print("|---|---:|---:|---:|---:|")
    for label, _url, median, p95, queries in results:
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} | {median / floor:.2f} |")


if __name__ == "__main__":
    main()
