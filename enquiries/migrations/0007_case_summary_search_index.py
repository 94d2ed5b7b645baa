"""Worklist search (``summary__icontains``) compares UPPER(summary): index that expression.

PostgreSQL only, like 0005; SQLite skips it.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_summary_trgm_idx")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_summary_upper_trgm_idx "
        "ON enquiries_case USING gin ((UPPER(summary)) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS case_summary_upper_trgm_idx")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS case_summary_trgm_idx "
        "ON enquiries_case USING gin (summary gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0006_staff_covering_queue_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
