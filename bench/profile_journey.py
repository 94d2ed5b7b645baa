"""Where a resident journey page spends its CPU: the journey of bench/query_counts.py run in
process (Django's test client, the portal's settings as bench/web_journey.py serves them, DEBUG
off) many times; prints each step's median wall time and, with --profile STEP, the cProfile of
that step over every journey.

    PORTAL_ENV=development DEBUG=false DATABASE_URL=... REDIS_URL=... \\
        .venv/bin/python bench/profile_journey.py --journeys 30 [--profile "GET track"]

It needs the database bench/web_journey.py seeded (seed_demo). In-process times leave out
gunicorn and the network, so they are smaller than the bench's; compare steps within one run.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--journeys", type=int, default=30)
    parser.add_argument("--profile", default="", help='a step name, e.g. "GET track"')
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--limit", type=int, default=45)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor_in_portal.settings")
    for name in ("SUBMIT", "FIND", "REPLY", "UPLOAD", "UPLOAD_MB"):
        os.environ.setdefault(f"WEB_RATE_LIMIT_{name}", "1000000/h")
    os.environ.setdefault("AXES_ENABLED", "false")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from bench import query_counts

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    times: dict[str, list[float]] = defaultdict(list)
    profiler = cProfile.Profile()

    class TimedClient(Client):
        step = ""

        def request(self, **request):  # every get/post goes through here
            profiled = self.step == args.profile
            start = time.perf_counter()
            if profiled:
                profiler.enable()
            try:
                return super().request(**request)
            finally:
                if profiled:
                    profiler.disable()
                times[self.step].append((time.perf_counter() - start) * 1000)

    def counter():
        client = TimedClient()
        counts: dict[str, int] = {}

        def request(method: str, url: str, name: str, **kwargs):
            client.step = name
            return getattr(client, method)(url, **kwargs)

        return request, counts

    query_counts.counter = counter
    query_counts.portal()  # warm: templates, URL resolvers, connections
    times.clear()
    profiler = cProfile.Profile()
    for _ in range(args.journeys):
        query_counts.portal()
    floor = statistics.median(times["portal floor GET"])
    for name, values in sorted(times.items()):
        median = statistics.median(values)
        print(
            f"{name:32} n={len(values):4}  p50 {median:6.2f} ms  "
            f"x portal floor GET {median / floor:4.2f}"
        )
    if args.profile:
        stats = pstats.Stats(profiler)
        stats.sort_stats(args.sort).print_stats(args.limit)


if __name__ == "__main__":
    main()
