"""`make run` as a newcomer runs it: the README's steps, links to the chosen port, one clean Ctrl-C.

The supervisor (scripts/run_demo.py) runs here exactly as `make run` starts it, on a fresh SQLite
database and file broker of its own, with real worker, beat and web processes. The README's partner
API example is run with curl against it, the acknowledgement is read from the demo outbox, and the
terminal's Ctrl-C (SIGINT to the whole foreground process group) must stop everything cleanly.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.run_demo import base_url

ROOT = Path(__file__).resolve().parents[2]


def test_links_follow_the_port_unless_a_base_url_is_set():
    assert base_url("127.0.0.1", 8101, {}) == "http://127.0.0.1:8101"
    assert base_url("0.0.0.0", 8101, {}) == "http://127.0.0.1:8101"  # noqa: S104
    assert base_url("::1", 9000, {}) == "http://[::1]:9000"
    explicit = {"PORTAL_BASE_URL": "https://contact.example.gov.uk/"}
    assert base_url("127.0.0.1", 8101, explicit) == "https://contact.example.gov.uk"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def _partner_api_block() -> tuple[str, str]:
    """The README's partner API shell example: the token command, then the rest as one script."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.S)
    [block] = [b for b in blocks if "partner_token" in b]
    first, rest = block.split("\n", 1)
    assert "partner_token" in first
    return first, rest


def _processes_with(marker: str) -> list[int]:
    """PIDs whose environment carries our private VAR_DIR: anything the demo left running."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_readme_demo_serves_sends_links_to_its_port_and_stops_on_one_ctrl_c(tmp_path):
    var_dir = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "CELERY_BROKER_URL",
            "PORTAL_BASE_URL",
            "EMAIL_MODE",
            "SMS_MODE",
            "NOTIFY_API_KEY",
            "DJANGO_SETTINGS_MODULE",
        }
    }
    env.update(PORTAL_ENV="development", PORTAL_VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}"
        return done.stdout

    manage("migrate", "--noinput")
    manage("seed_demo", "--cases", "20")
    manage("generate_cases", "--count", "300")
    manage("seed_demo", "--cases", "20")  # the README: safe to run twice, also after generate_cases

    token_line, api_calls = _partner_api_block()
    issued = subprocess.run(
        ["bash", "-c", token_line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert issued.returncode == 0, issued.stderr
    env["TOKEN"] = re.search(r"Token \(shown once, store it safely\): (\S+)", issued.stdout)[1]

    port = _free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "scripts/run_demo.py",
            "--port",
            str(port),
            "--log-dir",
            str(var_dir / "log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # our stand-in for the terminal's foreground process group
    )
    try:
        _wait(lambda: _answers(f"http://127.0.0.1:{port}/"), 120, "the portal to answer")

        # every curl of the example must succeed (HTTP 2xx) against the demo on its own port
        script = 'set -euo pipefail\ncurl() { command curl --fail-with-body -sS "$@"; echo; }\n'
        script += api_calls.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        run = subprocess.run(
            ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, f"README example failed:\n{run.stdout[-2000:]}\n{run.stderr}"

        outbox = var_dir / "outbox"

        def acknowledgement() -> str | None:
            for path in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
                text = path.read_text(errors="replace")
                if "t@example.com" in text and "/track/" in text:
                    return text
            return None

        sent = _wait(acknowledgement, 120, "the worker to send the acknowledgement")
        assert f"http://127.0.0.1:{port}/track/" in sent
        assert "127.0.0.1:8000" not in sent
    finally:
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        output, _ = demo.communicate(timeout=90)

    assert demo.returncode == 0, output
    assert "Segmentation fault" not in output
    assert "Stopped." in output
    worker_log = (var_dir / "log" / "worker.log").read_text()
    assert worker_log.count("Warm shutdown") <= 1
    assert "Segmentation fault" not in worker_log
    marker = f"PORTAL_VAR_DIR={var_dir}"
    _wait(lambda: not _processes_with(marker), 30, "every demo process to exit")


def test_make_run_starts_the_supervisor_on_its_host_and_port():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nrun: demo\n", 1)[1].split("\n\n", 1)[0]
    assert "scripts/run_demo.py --host $(HOST) --port $(PORT)" in recipe
    assert "trap" not in recipe  # the old `trap 'kill 0'` re-triggered itself on Ctrl-C
