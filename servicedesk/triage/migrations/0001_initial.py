# The triage app's first migration: its tables come in the migrations that follow.

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    # The first tickets migration holds every model triage refers to: a test that takes the
    # tickets app back to an earlier migration keeps the triage tables its writes need.
    dependencies = [("tickets", "0001_initial")]

    operations = []
