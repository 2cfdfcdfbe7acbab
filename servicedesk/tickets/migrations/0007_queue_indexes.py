"""The indexes behind the desk's queues and the ticket lists (docs/deployment.md).

Partial indexes over open and over resolved tickets serve the queues; full ones the lists over
every ticket. The
single-column indexes Django gave the assignee, group and category keys are dropped: a planner
without statistics (SQLite by default) cannot tell them from the partial indexes and read every
ticket the column ever had instead. They are dropped by their names, because altering the
fields would make SQLite copy the whole table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import servicedesk.tickets.models.ticket

KEYS = ("assignee_id", "assignment_group_id", "category_id")


def _key_indexes(apps, schema_editor):
    """(table, column, name) of the index Django made for each key, by Django's naming."""
    table = apps.get_model("tickets", "Ticket")._meta.db_table
    quote = schema_editor.quote_name
    for column in KEYS:
        yield quote(table), quote(column), quote(schema_editor._create_index_name(table, [column]))


def drop_key_indexes(apps, schema_editor):
    for _, _, name in _key_indexes(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_key_indexes(apps, schema_editor):
    for table, column, name in _key_indexes(apps, schema_editor):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_apitoken_options_alter_user_managers"),
        ("tickets", "0006_ticket_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_state_priority",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_group_state",
        ),
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_assignee_state",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="assignee",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_tickets",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="assignment_group",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="accounts.supportgroup",
                    ),
                ),
                migrations.AlterField(
                    model_name="ticket",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="tickets",
                        to="tickets.category",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_key_indexes, create_key_indexes)],
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["priority", "id"], name="ticket_priority"),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["-updated_at", "-id"],
                name="ticket_open_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["-created_at", "-id"],
                name="ticket_open_created",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["priority", "id"],
                name="ticket_open_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["number"],
                name="ticket_open_number",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["assignee", "-updated_at", "-id"],
                name="ticket_open_assignee",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(
                    servicedesk.tickets.models.ticket.IsOpen(
                        (
                            "new",
                            "assigned",
                            "in_progress",
                            "awaiting_user",
                            "awaiting_vendor",
                            "awaiting_change",
                        )
                    )
                ),
                fields=["assignment_group", "-updated_at", "-id"],
                name="ticket_open_group",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "resolved")),
                fields=["-updated_at", "-id"],
                name="ticket_resolved_updated",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "resolved")),
                fields=["-created_at", "-id"],
                name="ticket_resolved_created",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "resolved")),
                fields=["priority", "id"],
                name="ticket_resolved_priority",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("state", "resolved")),
                fields=["number"],
                name="ticket_resolved_number",
            ),
        ),
    ]
