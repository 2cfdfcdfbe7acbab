from django.db import migrations

# The matrix every (impact, urgency, priority) triple of the real ServiceNow log follows.
MATRIX = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 4,
}  # fmt: skip


def forwards(apps, schema_editor):
    cell = apps.get_model("tickets", "PriorityMatrixCell")
    for (impact, urgency), priority in MATRIX.items():
        cell.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
