"""The container image and compose stack run in production mode with no default secret."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_image_runs_with_production_settings():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert re.search(r"^ENV PORTAL_ENV=production\b", dockerfile, re.MULTILINE)
    assert "SECRET_KEY" not in dockerfile.replace("(SECRET_KEY", "")


def test_the_compose_stack_has_no_default_secret_key():
    compose = (REPO / "docker-compose.yml").read_text()
    assert "PORTAL_ENV: production" in compose
    [line] = [line for line in compose.splitlines() if line.strip().startswith("SECRET_KEY:")]
    assert "${SECRET_KEY:?" in line  # compose stops with this hint when it is not set


def test_the_production_stack_does_not_seed_demo_data():
    readme = (REPO / "README.md").read_text()
    stack = readme.split("## The production-like stack", 1)[1].split("\n## ", 1)[0]
    assert "seed_demo" not in stack.split("```")[1]  # not among the commands to run


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose v1 not installed")
def test_compose_refuses_to_start_without_a_secret_key(tmp_path):
    def config(**extra: str) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
        return subprocess.run(
            # the project directory (where compose reads .env) is empty: no developer's .env
            ["docker-compose", "-f", str(REPO / "docker-compose.yml")]
            + ["--project-directory", str(tmp_path), "config", "-q"],
            cwd=tmp_path,
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=60,
        )

    refused = config()
    assert refused.returncode != 0
    assert "set SECRET_KEY in .env" in refused.stderr
    assert config(SECRET_KEY="a-test-secret").returncode == 0
