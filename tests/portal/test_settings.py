import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_check({"PORTAL_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_pass_the_deploy_checklist(tmp_path):
    result = run_check(
        {
            "PORTAL_ENV": "production",
            "SECRET_KEY": "x" * 30 + "-Zq8s7Ld0aP2mN5vB9cX1",
            "ALLOWED_HOSTS": "contact.example.gov.uk",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/portal",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "PORTAL_BASE_URL": "https://contact.example.gov.uk",
            "EMAIL_HOST": "smtp.example.gov.uk",
            "PORTAL_VAR_DIR": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
