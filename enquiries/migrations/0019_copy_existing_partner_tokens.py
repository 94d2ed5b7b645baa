from django.db import migrations


def copy_tokens(apps, schema_editor):
    """Tokens issued before PartnerToken existed keep working: one row per partner."""
    Partner = apps.get_model("enquiries", "PartnerOrganisation")
    PartnerToken = apps.get_model("enquiries", "PartnerToken")
    for partner in Partner.objects.all():
        PartnerToken.objects.get_or_create(
            token_hash=partner.token_hash,
            defaults={"partner": partner, "prefix": partner.token_prefix},
        )


class Migration(migrations.Migration):
    dependencies = [("enquiries", "0018_partner_tokens_expiry_rotation_revocation")]

    operations = [migrations.RunPython(copy_tokens, migrations.RunPython.noop)]
