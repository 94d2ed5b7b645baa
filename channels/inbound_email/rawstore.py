"""Writing a large raw message to PostgreSQL without holding several copies of it in memory.

An ordinary INSERT through psycopg2 escapes a ``bytea`` value to hex and builds the whole
statement in memory: about four copies of the message at once (a 30 MB message cost over
200 MB). ``COPY … FROM STDIN`` lets us stream the hex in 1 MB pieces instead, so storing adds
only a few megabytes whatever the size. Same row, same constraints, same transaction.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterator
from datetime import date, datetime

from django.db import connection, models

#: Below this an ordinary INSERT is as cheap and simpler.
STREAM_FROM_BYTES = 1024 * 1024
_CHUNK = 512 * 1024


def _text(value: object) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class _Stream:
    """A file-like object COPY reads from: the other columns, then the bytes as hex."""

    def __init__(self, head: str, data: bytes) -> None:
        self._pieces = self._generate(head.encode("utf-8"), memoryview(data))

    @staticmethod
    def _generate(head: bytes, data: memoryview) -> Iterator[bytes]:
        yield head + b"\\\\x"
        for start in range(0, len(data), _CHUNK):
            yield binascii.hexlify(data[start : start + _CHUNK])
        yield b"\n"

    def read(self, size: int = -1) -> bytes:
        return next(self._pieces, b"")

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - psycopg2 uses read()
        return self.read(size)


def can_stream(size: int) -> bool:
    return connection.vendor == "postgresql" and size >= STREAM_FROM_BYTES


def insert_streaming(instance: models.Model, binary_field: str) -> None:
    """INSERT ``instance`` (unsaved, no primary key yet) with COPY, streaming one bytea field.

    The primary key comes back with a lookup by the caller's unique fields, so this sets no pk:
    the caller reloads the row. Database errors (a unique violation) surface as Django's.
    """
    meta = instance._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key and f.name != binary_field]
    data = getattr(instance, binary_field)
    head = "\t".join(
        _text(getattr(instance, f.attname))
        if isinstance(f, models.JSONField)
        else _text(f.get_db_prep_save(f.pre_save(instance, add=True), connection))
        for f in fields
    )
    columns = ", ".join(  # the binary field is concrete: a Field with a column
        connection.ops.quote_name(f.column)  # type: ignore[union-attr,arg-type]
        for f in [*fields, meta.get_field(binary_field)]
    )
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.cursor.copy_expert(sql, _Stream(head + "\t", bytes(data)), size=_CHUNK * 2)
