from django.db import migrations


def create_default_mailbox(apps, schema_editor):
    Mailbox = apps.get_model("channels_inbound_email", "Mailbox")
    Mailbox.objects.get_or_create(
        slug="contact",
        defaults={"name": "Customer contact", "address": "contact@northmoor.example"},
    )


class Migration(migrations.Migration):
    dependencies = [("channels_inbound_email", "0001_mailbox_and_inbound_message")]

    operations = [migrations.RunPython(create_default_mailbox, migrations.RunPython.noop)]
