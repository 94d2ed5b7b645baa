"""The worklist's covering index on a queue's open cases also carries created_at, so the default
order (new work first, then due soon, then by due date) sorts index tuples alone. The new index
is built before the old one goes, so the worklist is never without one."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0025_demo_rules_match_resident_answers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("merged_into__isnull", True),
                    (
                        "status__in",
                        ("received", "open", "in_progress", "awaiting_resident", "reopened"),
                    ),  # noqa: E501
                ),
                fields=["department", "sla_due_at", "id"],
                include=("status", "priority", "channel", "assignee", "service", "created_at"),
                name="case_open_queue_triage_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="case", name="case_open_queue_due_idx"),
    ]
