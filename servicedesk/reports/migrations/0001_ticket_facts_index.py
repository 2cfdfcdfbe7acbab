"""One index on the ticket columns the reports read, so that a report scans this narrow index
instead of the ticket rows (title and description make them wide): on SQLite at a million
tickets a scan of the table costs about three times a scan of this index. Created here, in the
reports' own migration, as plain SQL: the ticket model does not need to know about it, and a
desk without the reports app would not carry it. docs/metrics.md says which reports use it."""

from django.db import migrations

COLUMNS = (
    "created_at, resolved_at, closed_at, first_response_at, updated_at, state, kind, priority, "
    "channel, category_id, assignment_group_id, assignee_id, organisation_id, reopen_count, "
    "reassignment_count, made_sla"
)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_sla_event_kinds")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX reports_ticket_facts ON tickets_ticket ({COLUMNS})",
            "DROP INDEX reports_ticket_facts",
        ),
    ]
