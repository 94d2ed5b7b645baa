"""Run the embedded demo: web server, Celery worker and beat, stopped together by one Ctrl-C.

`make run` used a shell `trap 'kill 0'` that re-triggered itself: Ctrl-C printed "Segmentation
fault", thousands of "Warm shutdown" lines, and left the worker running. Here each process runs in
its own session, so the terminal's Ctrl-C reaches only this supervisor, which then asks each one to
stop (SIGTERM: Celery's warm shutdown, Django's clean exit), waits, and kills what is left.

Links in emails and texts use PORTAL_BASE_URL; when it is not set, it is derived from --host and
--port so that `make run PORT=8101` sends links to port 8101.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 20.0  # seconds each process gets for a clean stop before it is killed


def base_url(host: str, port: int, environ: Mapping[str, str]) -> str:
    """The public address links should use: PORTAL_BASE_URL wins, else the address we serve on."""
    explicit = environ.get("PORTAL_BASE_URL", "").strip()
    if explicit:
        return explicit.rstrip("/")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - a bind-all address is not a link
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _commands(python: str, host: str, port: int) -> dict[str, list[str]]:
    celery = [python, "-m", "celery", "-A", "portal"]
    return {
        "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "--pool=prefork"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
        "web": [python, "manage.py", "runserver", f"{host}:{port}"],
    }


class Demo:
    def __init__(self, host: str, port: int, log_dir: Path) -> None:
        self.host, self.port, self.log_dir = host, port, log_dir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = False

    def start(self) -> None:
        env = dict(os.environ)
        env["PORTAL_BASE_URL"] = base_url(self.host, self.port, os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name, argv in _commands(sys.executable, self.host, self.port).items():
            # the server's requests show in the terminal, as runserver's do; the others log to files
            log = None if name == "web" else self.log_dir / f"{name}.log"
            out = open(log, "ab") if log else None  # noqa: SIM115 - lives as long as the child
            self.procs[name] = subprocess.Popen(  # noqa: S603 - our own fixed commands
                argv,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT if out else None,
                start_new_session=True,  # the terminal's Ctrl-C reaches the supervisor only
            )
            print(f"started {name} (pid {self.procs[name].pid})", flush=True)
        print(
            f"Portal on http://{self.host}:{self.port}/ (links use {env['PORTAL_BASE_URL']}); "
            f"worker and beat logs in {self.log_dir}/. Press Ctrl-C to stop all three.",
            flush=True,
        )

    def wait(self) -> int:
        """Block until Ctrl-C/SIGTERM (exit 0) or until one process dies on its own (exit 1)."""
        while not self.stopping:
            died = next((n for n, p in self.procs.items() if p.poll() is not None), None)
            if died is not None and not self.stopping:
                where = "" if died == "web" else f" See {self.log_dir}/{died}.log"
                print(
                    f"The {died} process stopped unexpectedly "
                    f"(exit {self.procs[died].returncode}); stopping the rest.{where}",
                    file=sys.stderr,
                    flush=True,
                )
                self.stop()
                return 1
            time.sleep(0.2)
        return 0

    def stop(self, *_: object) -> None:
        if self.stopping:
            return  # a second Ctrl-C while stopping must not start a second shutdown
        self.stopping = True
        print("Stopping the web server, worker and beat…", flush=True)
        for proc in self.procs.values():
            if proc.poll() is None:
                # the main process only: Celery's own shutdown stops its pool children
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in {STOP_TIMEOUT:.0f}s: killing it", flush=True)
            # whatever is left in its session (pool children, the autoreloader's server) goes too
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        print("Stopped.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "log")
    args = parser.parse_args(argv)
    demo = Demo(args.host, args.port, args.log_dir)
    signal.signal(signal.SIGINT, demo.stop)
    signal.signal(signal.SIGTERM, demo.stop)
    signal.signal(signal.SIGHUP, demo.stop)
    demo.start()
    code = demo.wait()
    if demo.stopping:
        demo.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
