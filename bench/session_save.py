"""One session write and one read, Django's database store against ``portal.db_sessions`` (same
run).

    PORTAL_ENV=test DATABASE_URL=postgres://…/portal_bench .venv/bin/python bench/session_save.py

Every journey answer writes the session once after the view (outside any transaction): Django's
store does it as BEGIN, UPDATE, COMMIT with a WAL flush; ours as one UPDATE committed without
waiting for the disk. Every request with a session reads it once: both stores run the same
SELECT, ours as plain SQL rather than through the ORM. Medians of 300 writes or reads of a
~300-byte session, three rounds interleaved.
"""

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

from django.contrib.sessions.backends.db import SessionStore as DjangoStore  # noqa: E402

from portal.db_sessions import SessionStore as LeanStore  # noqa: E402


def median_write_ms(store: type, writes: int = 300) -> float:
    first = store()
    first["answers"] = {}
    first.save(must_create=True)
    times = []
    for i in range(writes):
        session = store(session_key=first.session_key)
        session["answers"] = {"where": "outside 12 Ribble Lane", "depth": "x" * 200, "n": i}
        started = time.perf_counter()
        session.save()
        times.append((time.perf_counter() - started) * 1000)
    first.delete()
    return statistics.median(times)


def median_read_ms(store: type, reads: int = 300) -> float:
    first = store()
    first["answers"] = {"where": "outside 12 Ribble Lane", "depth": "x" * 200}
    first.save(must_create=True)
    times = []
    for _ in range(reads):
        session = store(session_key=first.session_key)
        started = time.perf_counter()
        loaded = session.load()
        times.append((time.perf_counter() - started) * 1000)
        assert loaded["answers"]["depth"] == "x" * 200
    first.delete()
    return statistics.median(times)


def main() -> None:
    for what, measure in (("write", median_write_ms), ("read", median_read_ms)):
        rounds = [(measure(DjangoStore), measure(LeanStore)) for _ in range(3)]
        django_ms = statistics.median(r[0] for r in rounds)
        lean_ms = statistics.median(r[1] for r in rounds)
        print(
            f"One {what}: Django's db store {django_ms:.3f} ms; portal.db_sessions "
            f"{lean_ms:.3f} ms; ratio {lean_ms / django_ms:.2f}"
        )


if __name__ == "__main__":
    main()
