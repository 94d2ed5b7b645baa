"""Load test of the resident web journey against two floors, measured in one run:

* the bare Django project (bench/floor_project/: startproject's middleware, database sessions,
  one ModelForm row) on its own gunicorn, the true floor the targets are set against;
* a bare ModelForm view inside the portal (bench/floor_in_portal/), behind the portal's own
  middleware stack, which shows what the stack itself costs.

    .venv/bin/python bench/web_journey.py --duration 20 --clients 1,4 \\
        --database-url postgres://postgres@127.0.0.1:5432/portal_web_bench

It migrates and seeds the portal's database (seed_demo) and the floor's (<name>_floor, on the
same PostgreSQL server), starts both under gunicorn with the same worker settings, then for each
client count runs Locust headless three times, one user class alone each time (residents through
every page, the in-portal floor, the bare floor). Query counts per request come from one journey
in process (bench/query_counts.py). Targets: the case-creating POST's median at most 3x the bare
POST's, every journey page's median at most 2x the bare GET's. Writes its section of
bench/RESULTS.md.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
FLOOR_DIR = ROOT / "bench" / "floor_project"
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- web_journey:start -->", "<!-- web_journey:end -->"
CREATE = "POST check (creates the case)"
CLASSES = ("Resident", "PortalFloor", "BareFloor")
POST_TARGET, GET_TARGET = 3.0, 2.0
PROBE = "/bench/baseline/"


def server_env(args, var_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PORTAL_ENV": "development",  # DEBUG is off below
        "DEBUG": "false",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "PORTAL_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "bench.floor_in_portal.settings",  # the portal + its floor view
        "WEB_RATE_LIMIT_SUBMIT": "1000000/h",  # one IP sends every journey: count, never block
        "WEB_RATE_LIMIT_FIND": "1000000/h",
        "WEB_RATE_LIMIT_REPLY": "1000000/h",
        # every journey uploads a photo: at the default 30 files/h the 31st journey stopped at
        # "files", and the next run on the same Redis db stopped there from its first journey
        "WEB_RATE_LIMIT_UPLOAD": "1000000/h",
        "WEB_RATE_LIMIT_UPLOAD_MB": "1000000/h",
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
    }


def floor_env(args) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PORTAL_ENV")}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "floor.settings",
        "FLOOR_DATABASE_URL": floor_url(args),
    }


def floor_url(args) -> str:
    return args.database_url + "_floor"  # same server, its own database


def create_database(url: str) -> None:
    import psycopg2

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(base + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run(env, cwd: Path, *command: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "python"), *command], cwd=cwd, env=env, check=True, stdout=subprocess.PIPE
    )
    return done.stdout.decode()


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - 127.0.0.1 only
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


@contextmanager
def gunicorn(app: str, port: int, workers: int, cwd: Path, env: dict, probe: str):
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), app, "--workers", str(workers), "--bind",
         f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=cwd, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}{probe}")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def locust(user_class: str, clients: int, seconds: int, host: str, env: dict, out: Path) -> dict:
    subprocess.run(
        [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "web_locustfile.py"), "--headless",
         "--users", str(clients), "--spawn-rate", str(clients), "--run-time", f"{seconds}s",
         "--host", host, "--only-summary", "--stop-timeout", "10", user_class],
        cwd=ROOT, env={**env, "WEB_BENCH_TIMINGS": str(out)}, check=False,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    rows = {}
    for name, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        rows[name] = {"n": len(values), "p50": statistics.median(values), "p95": p95}
    return rows


STEP_ORDER = [
    "home", "search", "service", "start", "where", "nearby", "q-*", "describe", "files",
    "contact", "check", "sent", "track",
]  # fmt: skip


def order(name: str) -> tuple[int, str]:
    step = name.split(" ", 1)[-1].split(" ", 1)[0]
    return (STEP_ORDER.index(step) if step in STEP_ORDER else 99, name)


def table(rows: dict, clients: int, seconds: float, queries: dict[str, int]) -> list[str]:
    bare_get, bare_post = rows["bare GET"]["p50"], rows["bare POST"]["p50"]
    portal_get, portal_post = rows["portal floor GET"]["p50"], rows["portal floor POST"]["p50"]
    journeys = rows.get(CREATE, {"n": 0})["n"]
    lines = [
        f"### {clients} client{'s' if clients > 1 else ''}",
        "",
        f"**{journeys / seconds:.1f} journeys/s**. Floors: bare GET p50 {bare_get:.1f} ms, bare "
        f"POST p50 {bare_post:.1f} ms; in-portal GET p50 {portal_get:.1f} ms, in-portal POST "
        f"p50 {portal_post:.1f} ms.",
        "",
        "| Step | n | p50 ms | p95 ms | queries | × bare floor | × in-portal floor | target "
        "| met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    missed = []
    for name, row in sorted(rows.items(), key=lambda item: order(item[0])):
        if "floor" in name or name.startswith("bare "):
            continue
        post = name == CREATE
        bare, portal = (bare_post, portal_post) if post else (bare_get, portal_get)
        limit = POST_TARGET if post else GET_TARGET
        ratio = row["p50"] / bare
        if name.startswith("GET") or post:
            met = "yes" if ratio <= limit else "**no**"
            target = f"≤ {limit:g}× bare {'POST' if post else 'GET'}"
            if ratio > limit:
                missed.append(name)
        else:
            met, target = "", ""  # a step's own POST (answers kept in the session): reported
        lines.append(
            f"| {name} | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{queries.get(name, '')} | {ratio:.2f} | {row['p50'] / portal:.2f} | {target} "
            f"| {met} |"
        )
    for name in ("bare GET", "bare POST", "portal floor GET", "portal floor POST"):
        row = rows[name]
        lines.append(
            f"| {name} (floor) | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{queries.get(name, '')} | | | | |"
        )
    lines += ["", "All targets met." if not missed else f"Targets missed: {', '.join(missed)}.", ""]
    return lines


def report(results: dict[int, dict], args, queries: dict[str, int]) -> str:
    lines = [
        START,
        "## Resident web journey against a true floor (`bench/web_journey.py`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn `--workers {args.workers}` for "
        "the portal and for the bare floor project, both on the same PostgreSQL server (and "
        "the portal on Redis), 127.0.0.1, Locust headless, each user class measured alone for "
        f"{args.duration} s at each client count. DEBUG off; per-IP rate limits counted but set "
        "high; the outbox publishes to Redis. Ratios are p50 / floor p50 of the same client "
        "count; POSTs of the question pages (answers kept in the session) are listed without a "
        "target. Queries: per request, from one journey in process (`bench/query_counts.py`).",
        "",
    ]
    for clients, (rows, seconds) in results.items():
        lines += table(rows, clients, seconds, queries)
    lines.append(END)
    return "\n".join(lines) + "\n"


def write_results(section: str) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if START in text and END in text:
        text = re.sub(
            re.escape(START) + r".*?" + re.escape(END) + r"\n?", section, text, flags=re.S
        )
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/portal_web_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--port", type=int, default=8203)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", default="1,4", help="client counts, comma-separated")
    parser.add_argument("--duration", type=int, default=20, help="seconds per user class")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    if "postgres" not in args.database_url:
        raise SystemExit("The bench runs on PostgreSQL: pass --database-url postgres://...")

    var_dir = Path(tempfile.mkdtemp(prefix="portal-web-bench-"))
    env, fenv = server_env(args, var_dir), floor_env(args)
    create_database(args.database_url)
    create_database(floor_url(args))
    run(env, ROOT, "manage.py", "migrate", "--noinput", "-v0")
    run(env, ROOT, "manage.py", "seed_demo")
    run(fenv, FLOOR_DIR, "-m", "django", "migrate", "--run-syncdb", "-v0")
    queries = {
        **json.loads(run(env, ROOT, "bench/query_counts.py", "portal")),
        **json.loads(run(fenv, FLOOR_DIR, str(ROOT / "bench" / "query_counts.py"), "floor")),
    }
    results = {}
    with ExitStack() as stack:
        portal = stack.enter_context(
            gunicorn("portal.wsgi:application", args.port, args.workers, ROOT, env, PROBE)
        )
        bare = stack.enter_context(
            gunicorn("floor.wsgi:application", args.port + 1, args.workers, FLOOR_DIR, fenv, "/")
        )
        lenv = {**env, "WEB_BENCH_FLOOR_URL": bare + "/"}
        for clients in [int(c) for c in args.clients.split(",")]:
            timings: dict[str, list[float]] = {}
            for user_class in CLASSES:
                out = var_dir / f"timings-{clients}-{user_class}.json"
                timings.update(locust(user_class, clients, args.duration, portal, lenv, out))
            results[clients] = (summarise(timings), float(args.duration))
    section = report(results, args, queries)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    sys.exit(main())
