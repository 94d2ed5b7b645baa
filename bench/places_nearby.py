""" "Tell us once" by distance at a million cases, on PostgreSQL, against floors in the same run.

    DATABASE_URL=postgres://…/portal_places python manage.py seed_demo --cases 0
    DATABASE_URL=… python manage.py generate_cases --count 1000000
    DATABASE_URL=… python bench/places_nearby.py --repeat 400

generate_cases puts reports about a place around the demo towns. This times, for random points
around those towns: places.open_cases_near (bounding box on the partial index
case_open_place_idx, then the exact circle in Python) at 50 m and 500 m; the district match it
replaced (selectors.open_cases_nearby); and a primary-key fetch as the floor. Prints a Markdown
table for bench/RESULTS.md, with the query plan of the bounding box.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("PORTAL_ENV", "development")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from enquiries import demo_data, places, selectors  # noqa: E402
from enquiries.choices import OPEN_STATUSES  # noqa: E402
from enquiries.models import Case, Service  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float, float, list]:
    for _ in range(5):
        fn(0)
    times, results = [], []
    for i in range(repeat):
        started = time.perf_counter()
        results.append(fn(i))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], times[-1], results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=400)
    args = parser.parse_args()
    assert connection.vendor == "postgresql"

    total = Case.objects.count()
    busiest = (  # the location-based service with the most open placed cases: the worst case
        Case.objects.filter(status__in=OPEN_STATUSES, latitude__isnull=False)
        .values("service_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    service = Service.objects.get(pk=busiest["service_id"])
    service_open = Case.objects.filter(
        service=service, status__in=OPEN_STATUSES, latitude__isnull=False
    ).count()
    placed = Case.objects.filter(latitude__isnull=False).count()
    rng = random.Random(5)
    points = []
    for _ in range(args.repeat + 5):
        town = rng.choice(demo_data.TOWNS)
        points.append(
            (town["lat"] + rng.uniform(-0.03, 0.03), town["lon"] + rng.uniform(-0.05, 0.05))
        )
    districts = [rng.choice(rng.choice(demo_data.TOWNS)["districts"]) for _ in points]
    ids = list(Case.objects.order_by("?").values_list("id", flat=True)[: len(points)])

    floor = timed(lambda i: Case.objects.filter(pk=ids[i]).first(), args.repeat)
    rows = [
        ("Floor: one case by primary key", floor),
        (
            "places.open_cases_near, 50 m",
            timed(
                lambda i: places.open_cases_near(
                    service=service, latitude=points[i][0], longitude=points[i][1], radius_m=50
                ),
                args.repeat,
            ),
        ),
        (
            "places.open_cases_near, 500 m",
            timed(
                lambda i: places.open_cases_near(
                    service=service, latitude=points[i][0], longitude=points[i][1], radius_m=500
                ),
                args.repeat,
            ),
        ),
        (
            "before: same postcode district (selectors.open_cases_nearby)",
            timed(
                lambda i: selectors.open_cases_nearby(
                    service=service, postcode_district=districts[i], limit=5
                ),
                args.repeat,
            ),
        ),
    ]
    south, north, west, east = places.bounding_box(points[0][0], points[0][1], 50)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT id, latitude, longitude FROM enquiries_case "
            "WHERE service_id = %s AND status = ANY(%s) AND merged_into_id IS NULL "
            "AND latitude IS NOT NULL AND latitude BETWEEN %s AND %s "
            "AND longitude BETWEEN %s AND %s",
            [service.pk, list(OPEN_STATUSES), south, north, west, east],
        )
        plan = "\n".join(r[0] for r in cursor.fetchall())

    print(
        f"Data: {total:,} cases, {placed:,} with coordinates; service '{service.name}': "
        f"{service_open:,} open placed cases. {args.repeat} random points around the demo towns.\n"
    )
    print("| Lookup | median ms | p95 ms | max ms | mean found | × floor (median) | target | met |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for label, (median, p95, worst, results) in rows:
        found = statistics.mean(len(r) if isinstance(r, list) else 1 for r in results)
        target = "< 20 ms" if label.startswith("places.") else ""
        met = ("yes" if p95 < 20 else "no") if target else ""
        print(
            f"| {label} | {median:.2f} | {p95:.2f} | {worst:.2f} | {found:.1f} | "
            f"{median / floor[0]:.2f} | {target} | {met} |"
        )
    print("\nPlan of the 50 m bounding box:\n\n```\n" + plan + "\n```")


if __name__ == "__main__":
    main()
