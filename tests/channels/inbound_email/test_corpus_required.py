"""Tests that need the shared email corpus skip without it locally, but fail in CI.

Each case runs one real corpus test in a fresh pytest process with EMAIL_CORPUS pointing at an
empty directory, so the check that guards ~130 corpus tests is exercised exactly as CI meets it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # each test starts a pytest process

CORPUS_TEST = (
    "tests/channels/inbound_email/test_corpus.py::test_every_corpus_file_has_an_expectation"
)


def _run_corpus_test(corpus: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"CI", "REQUIRE_REAL_SERVICES"}}
    environ.update(EMAIL_CORPUS=str(corpus), **env)
    return subprocess.run(  # noqa: S603 - our own interpreter running our own tests
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", CORPUS_TEST],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("required_by", [{"REQUIRE_REAL_SERVICES": "1"}, {"CI": "true"}])
def test_a_missing_corpus_fails_where_real_services_are_required(tmp_path, required_by):
    real_services = os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get(
        "REDIS_URL"
    )
    if "REQUIRE_REAL_SERVICES" in required_by and not real_services:
        pytest.skip("REQUIRE_REAL_SERVICES=1 also needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    result = _run_corpus_test(tmp_path, **required_by)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "1 failed" in output
    assert f"the shared email corpus is not at {tmp_path}" in output
    assert "set EMAIL_CORPUS" in output and "../shared/email-corpus" in output


def test_a_missing_corpus_skips_with_the_reason_elsewhere(tmp_path):
    result = _run_corpus_test(tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 skipped" in output
    assert f"the shared email corpus is not at {tmp_path}" in output


def test_a_present_corpus_runs_the_test(tmp_path):
    (tmp_path / "INDEX.md").write_text("an empty corpus\n")

    result = _run_corpus_test(tmp_path, CI="true")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "1 passed" in output
