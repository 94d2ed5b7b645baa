"""Demo routing rules read what residents said, not question labels or options.

"Pothole that sounds dangerous" listed "deep", which the pothole form's own label ("How deep is
it?") contains, so nearly every pothole was flagged. Keywords now search only the resident's
words, so what the forms' labels and options did is said explicitly:
- the pothole depth is an answer condition in a rule of its own;
- hazardous fly-tipping picked as an option ("Drums, chemicals or possible asbestos") too;
- the child-concern form's labels kept the adult safeguarding rule off it ("child" in a label
  was an excluded word): a rule before it sends that form's safeguarding words to Children's
  Services.
Only databases with the demo rules (by name) change.
"""

from django.db import migrations

OLD_NAME = "Pothole that sounds dangerous: high priority"
DEPTH_NAME = "Pothole deeper than 10cm: high priority"
FLY_NAME = "Fly-tipping that may be hazardous: high priority"
FLY_OPTION_NAME = "Fly-tipping of drums, chemicals or asbestos: high priority"
ADULT_NAME = "Safeguarding words about an adult: Adult Social Care, urgent"
CHILD_CONCERN_NAME = "Safeguarding words on a child concern: Children's Services, urgent"
DANGER_WORDS = (
    "dangerous, injury, injured, fell, tripped, accident, burst tyre, damaged my car, "
    "cyclist came off"
)


def forwards(apps, schema_editor):
    RoutingRule = apps.get_model("enquiries", "RoutingRule")
    Service = apps.get_model("enquiries", "Service")
    fly = RoutingRule.objects.filter(name=FLY_NAME).first()
    if fly is not None and not RoutingRule.objects.filter(name=FLY_OPTION_NAME).exists():
        option = RoutingRule.objects.create(
            name=FLY_OPTION_NAME,
            order=max(fly.order - 1, 0),
            enabled=fly.enabled,
            answer_conditions={"waste_type": ["Drums, chemicals or possible asbestos"]},
            priority="high",
        )
        option.services.set(fly.services.all())
    adult = RoutingRule.objects.filter(name=ADULT_NAME).first()
    child_form = Service.objects.filter(slug="report-a-concern-about-a-child").first()
    if adult and child_form and not RoutingRule.objects.filter(name=CHILD_CONCERN_NAME).exists():
        rule = RoutingRule.objects.create(
            name=CHILD_CONCERN_NAME,
            order=max(adult.order - 5, 0),
            enabled=adult.enabled,
            keywords_any=adult.keywords_any,
            department=child_form.department,
            priority="urgent",
        )
        rule.services.set([child_form])
    _pothole(RoutingRule)


def _pothole(RoutingRule):
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
    RoutingRule.objects.filter(name__in=[DEPTH_NAME, FLY_OPTION_NAME, CHILD_CONCERN_NAME]).delete()
    old = RoutingRule.objects.filter(name=OLD_NAME).first()
    if old is not None and "deep" not in old.keywords_any:
        old.keywords_any = old.keywords_any.replace("dangerous, ", "dangerous, deep, ", 1)
        old.save(update_fields=["keywords_any"])


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0024_routing_rule_answer_conditions")]
    operations = [migrations.RunPython(forwards, backwards)]
