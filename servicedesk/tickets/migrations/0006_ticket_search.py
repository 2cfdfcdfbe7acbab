"""Full-text search over ticket titles and descriptions (servicedesk.tickets.search.index).

SQLite: an FTS5 table with triggers; PostgreSQL: a generated tsvector column with a GIN index.
Both are filled from the tickets already there; reversing drops them.
"""

from django.db import migrations

from servicedesk.tickets.search import index


def forwards(apps, schema_editor):
    index.create(schema_editor)


def backwards(apps, schema_editor):
    index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_alter_ticket_made_sla")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
