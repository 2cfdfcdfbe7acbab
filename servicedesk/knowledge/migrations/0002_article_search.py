"""Full-text search over articles (servicedesk.knowledge.index).

SQLite: an FTS5 table with triggers and a vocabulary table; PostgreSQL: a generated,
weighted tsvector column with a GIN index. Reversing drops them.
"""

from django.db import migrations

from servicedesk.knowledge import index


def forwards(apps, schema_editor):
    index.create(schema_editor)


def backwards(apps, schema_editor):
    index.drop(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
