"""Typo-tolerant resident name search and case summary search: pg_trgm GIN indexes.

PostgreSQL only: on SQLite (the embedded demo) the extension and indexes are skipped and the
staff search falls back to word stems ranked in Python.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("resident_name_trgm_idx", "enquiries_resident", "full_name"),
    ("case_summary_trgm_idx", "enquiries_case", "summary"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0004_staff_worklist_and_lookup_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
