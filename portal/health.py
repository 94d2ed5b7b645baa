"""Health of the parts the portal needs: the database and the broker."""

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return Check("database", False, type(exc).__name__)
    return Check("database", True, connection.vendor)


def check_broker() -> Check:
    from portal.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            transport = conn.transport_cls
    except Exception as exc:
        return Check("broker", False, type(exc).__name__)
    return Check("broker", True, str(transport))


def run_checks() -> list[Check]:
    return [check_database(), check_broker()]
