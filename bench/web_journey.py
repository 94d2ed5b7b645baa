"""Load test of the resident web journey: journeys per second and latency per step, against
gunicorn on PostgreSQL, with the floor (a bare ModelForm view) measured in the same run.

    .venv/bin/python bench/web_journey.py --duration 60 --users 4 \
        --database-url postgres://postgres@127.0.0.1:5432/portal_web_bench

It migrates and seeds that database (seed_demo), starts gunicorn (--workers 2) on 127.0.0.1 with
the portal's settings plus the floor view (bench/floor_in_portal/), runs Locust headless for a
fixed time (bench/web_locustfile.py), stops the server, and writes its section of
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
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
RESULTS = ROOT / "bench" / "RESULTS.md"
START, END = "<!-- web_journey:start -->", "<!-- web_journey:end -->"
CREATE = "POST check (creates the case)"


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
        "LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "false",
    }


def manage(env, *command: str) -> None:
    subprocess.run([str(VENV_BIN / "python"), "manage.py", *command], cwd=ROOT, env=env, check=True)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - 127.0.0.1 only
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer at {url}")


def summarise(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    rows = {}
    for name, values in timings.items():
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
        rows[name] = {"n": len(values), "p50": statistics.median(values), "p95": p95}
    return rows


def report(rows, args, seconds: float) -> str:
    bare_get = rows["bare GET"]["p50"]
    bare_post = rows["bare POST"]["p50"]
    journeys = rows.get(CREATE, {"n": 0})["n"]
    lines = [
        START,
        "## Resident web journey (`bench/web_journey.py`)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: gunicorn `--workers {args.workers}` on "
        f"PostgreSQL and Redis, 127.0.0.1, Locust headless, {args.users} users "
        f"(3 residents : 1 baseline), {seconds:.0f} s. DEBUG off; per-IP rate limits counted "
        "but set high; one PNG uploaded per journey; the outbox publishes to Redis.",
        "",
        f"**{journeys / seconds:.1f} journeys/s** ({journeys} enquiries filed, every page, CSRF "
        "tokens and redirects). Floor in the same run: bare GET "
        f"p50 {bare_get:.1f} ms, bare POST p50 {bare_post:.1f} ms (ModelForm, one row).",
        "",
        "| Step | n | p50 ms | p95 ms | ratio (p50 / floor) | target | met |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    failures = []
    for name, row in sorted(rows.items(), key=lambda item: order(item[0])):
        if name.startswith("bare "):
            continue
        floor, label = (
            (bare_post, "≤ 2× bare POST") if name == CREATE else (bare_get, "≤ 2× bare GET")
        )
        ratio = row["p50"] / floor
        met = ratio <= 2.0
        if not met:
            failures.append(name)
        lines.append(
            f"| {name} | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | {ratio:.2f} | "
            f"{label} | {'yes' if met else '**no**'} |"
        )
    for name in ("bare GET", "bare POST"):
        row = rows[name]
        lines.append(
            f"| {name} (floor) | {row['n']} | {row['p50']:.1f} | {row['p95']:.1f} | 1.00 | | |"
        )
    lines += [
        "",
        "All targets met." if not failures else f"Targets missed: {', '.join(failures)}.",
        END,
    ]
    return "\n".join(lines) + "\n"


STEP_ORDER = [
    "home",
    "search",
    "service",
    "start",
    "where",
    "nearby",
    "q-*",
    "describe",
    "files",
    "contact",
    "check",
    "sent",
    "track",
]


def order(name: str) -> tuple[int, str]:
    step = name.split(" ", 1)[-1].split(" ", 1)[0]
    return (STEP_ORDER.index(step) if step in STEP_ORDER else 99, name)


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
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    args = parser.parse_args()
    if "postgres" not in args.database_url:
        raise SystemExit("The bench runs on PostgreSQL: pass --database-url postgres://...")

    var_dir = Path(tempfile.mkdtemp(prefix="portal-web-bench-"))
    env = server_env(args, var_dir)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo")
    host = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "portal.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{args.port}",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    timings_path = var_dir / "timings.json"
    try:
        wait_until_up(host + "/bench/baseline/")
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "web_locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.duration}s",
                "--host",
                host,
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=ROOT,
            env={**env, "WEB_BENCH_TIMINGS": str(timings_path)},
            check=False,
        )
        seconds = min(time.monotonic() - started, float(args.duration))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rows = summarise(json.loads(timings_path.read_text(encoding="utf-8")))
    section = report(rows, args, seconds)
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    sys.exit(main())
