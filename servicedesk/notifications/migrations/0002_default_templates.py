"""Seed one editable template per kind with the shipped defaults (notifications/defaults.py)."""

from django.db import migrations

from servicedesk.notifications.defaults import DEFAULT_TEMPLATES


def seed(apps, schema_editor):
    NotificationTemplate = apps.get_model("notifications", "NotificationTemplate")
    for kind, (subject, body) in DEFAULT_TEMPLATES.items():
        NotificationTemplate.objects.get_or_create(
            kind=str(kind), defaults={"subject": subject, "body": body}
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_templates")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
