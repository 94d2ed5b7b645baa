"""One session write, Django's database store against ``portal.db_sessions`` (same run).

    PORTAL_ENV=test DATABASE_URL=postgres://…/portal_bench .venv/bin/python bench/session_save.py

Every journey answer writes the session once after the view (outside any transaction): Django's
store does it as BEGIN, UPDATE, COMMIT with a WAL flush; ours as one UPDATE committed without
waiting for the disk. Medians of 300 writes of a ~300-byte session, three rounds interleaved.
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


def main() -> None:
    rounds = [(median_write_ms(DjangoStore), median_write_ms(LeanStore)) for _ in range(3)]
    django_ms = statistics.median(r[0] for r in rounds)
    lean_ms = statistics.median(r[1] for r in rounds)
    print(
        f"Django's db store: {django_ms:.3f} ms; portal.db_sessions: {lean_ms:.3f} ms; "
        f"ratio {lean_ms / django_ms:.2f}"
    )


if __name__ == "__main__":
    main()
