"""Trusted jobs that may rewrite the append-only tables (case timeline, access log).

On PostgreSQL a trigger (migration ``timeline_and_access_log_append_only``) refuses UPDATE and
DELETE on those tables unless the connection has said ``portal.maintenance = on``. Only commands
run by an operator use this: loading the demo (which back-dates its invented history) and, later,
retention deletes. Never a web request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def _set(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('portal.maintenance', %s, false)", [value])


@contextmanager
def history_rewrites_allowed() -> Iterator[None]:
    """For the duration of the block, this connection may rewrite or delete timeline rows."""
    _set("on")
    try:
        yield
    finally:
        _set("off")
