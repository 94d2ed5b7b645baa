"""The case timeline and the access log are append-only in the database itself (PostgreSQL).

A trigger refuses UPDATE and DELETE on both tables, whoever asks (the admin, a shell, a bug).
Two things stay possible:
- a link to a person or case that is deleted may be cleared (the foreign keys are SET NULL), so
  deleting an account or a resident under the retention policy keeps working;
- an operator's command (demo seeding, a future retention job) may rewrite or delete rows inside
  ``enquiries.maintenance.history_rewrites_allowed()``, which sets ``portal.maintenance = on``.
SQLite (the embedded demo) has no such guard; the models and admin refuse changes there too.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION portal_append_only() RETURNS trigger AS $$
DECLARE
    old_row jsonb := to_jsonb(OLD);
    new_row jsonb;
    col text;
BEGIN
    IF current_setting('portal.maintenance', true) = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        new_row := to_jsonb(NEW);
        -- TG_ARGV: the links that may be cleared (set to NULL) and nothing else
        FOREACH col IN ARRAY TG_ARGV LOOP
            IF (new_row -> col) IS DISTINCT FROM (old_row -> col)
                    AND (new_row -> col) <> 'null'::jsonb THEN
                RAISE EXCEPTION '% is append-only: % may only be cleared', TG_TABLE_NAME, col;
            END IF;
            old_row := old_row - col;
            new_row := new_row - col;
        END LOOP;
        IF old_row = new_row THEN RETURN NEW; END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = {
    "enquiries_caseevent": ["actor_id"],
    "enquiries_accesslog": ["resident_id", "case_id"],
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, None)  # None: the "%" in RAISE are not parameters
    for table, clearable in TRIGGERS.items():
        args = ", ".join(f"'{name}'" for name in clearable)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION portal_append_only({args})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS portal_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0009_possible_matches_and_resident_changes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
