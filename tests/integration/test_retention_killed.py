"""The retention job killed halfway (SIGKILL, a real process): every case is done or untouched,
and the next run finishes the rest without doing anything twice."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from enquiries.choices import Status
from enquiries.models import Case, Resident
from tests.conftest import wait_for
from tests.enquiries.privacy_data import close_long_ago
from tests.factories import CaseFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="a second process needs the shared PostgreSQL test database",
    ),
]
ROOT = Path(__file__).resolve().parents[2]


def command_env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "PORTAL_ENV": "test", "DATABASE_URL": url}


def test_retention_killed_halfway_leaves_whole_cases_and_the_next_run_finishes(tmp_path):
    cases = CaseFactory.create_batch(6, status=Status.CLOSED)
    close_long_ago(cases)
    done = Case.objects.filter(personal_data_removed_at__isnull=False)
    log = tmp_path / "retention.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "apply_retention", "--pause", "1"],
        cwd=ROOT,
        env=command_env(),
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: done.exists(), timeout=60, interval=0.05)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    finished = done.count()
    assert 1 <= finished < len(cases), "killed halfway"
    for case in Case.objects.select_related("resident"):
        removed = case.personal_data_removed_at is not None
        assert removed == (case.description == "") == (case.resident.anonymised_at is not None)

    rerun = subprocess.run(
        [sys.executable, "manage.py", "apply_retention"],
        cwd=ROOT,
        env=command_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert rerun.returncode == 0, rerun.stderr
    assert f"from {len(cases) - finished} cases" in rerun.stdout
    assert not Case.objects.filter(personal_data_removed_at__isnull=True).exists()
    assert not Resident.objects.filter(anonymised_at__isnull=True).exists()
