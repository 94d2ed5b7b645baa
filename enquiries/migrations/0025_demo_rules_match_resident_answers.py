"""Demo routing rules read what residents said, not question labels.

"Pothole that sounds dangerous" listed "deep", which the pothole form's own label ("How deep is
it?") contains, so nearly every pothole was flagged. Keywords now search only the resident's
words; the depth is tested by an answer condition in a rule of its own. Only databases with the
demo rule (by name) change.
"""

from django.db import migrations

OLD_NAME = "Pothole that sounds dangerous: high priority"
DEPTH_NAME = "Pothole deeper than 10cm: high priority"
DANGER_WORDS = (
    "dangerous, injury, injured, fell, tripped, accident, burst tyre, damaged my car, "
    "cyclist came off"
)


def forwards(apps, schema_editor):
    RoutingRule = apps.get_model("enquiries", "RoutingRule")
    old = RoutingRule.objects.filter(name=OLD_NAME).first()
    if old is None:
        return
    words = [w.strip() for w in old.keywords_any.split(",") if w.strip()]
    old.keywords_any = ", ".join(w for w in words if w.lower() != "deep") or DANGER_WORDS
    old.save(update_fields=["keywords_any"])
    if RoutingRule.objects.filter(name=DEPTH_NAME).exists():
        return
    depth = RoutingRule.objects.create(
        name=DEPTH_NAME,
        order=max(old.order - 1, 0),
        enabled=old.enabled,
        answer_conditions={"depth": ["Deeper than 10cm"]},
        priority="high",
    )
    depth.services.set(old.services.all())


def backwards(apps, schema_editor):
    RoutingRule = apps.get_model("enquiries", "RoutingRule")
    RoutingRule.objects.filter(name=DEPTH_NAME).delete()
    old = RoutingRule.objects.filter(name=OLD_NAME).first()
    if old is not None and "deep" not in old.keywords_any:
        old.keywords_any = old.keywords_any.replace("dangerous, ", "dangerous, deep, ", 1)
        old.save(update_fields=["keywords_any"])


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0024_routing_rule_answer_conditions")]
    operations = [migrations.RunPython(forwards, backwards)]
