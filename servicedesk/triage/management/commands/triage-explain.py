"""``servicedesk triage-explain NUMBER``: why a ticket has its category, kind, priority, group
and agent, and what the model suggests that nobody has accepted yet.

Exit status 2 with one line on stderr for a ticket that does not exist.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servicedesk.core.commands import one_line_usage_errors
from servicedesk.tickets.models import Ticket
from servicedesk.triage.choices import FIELD_LABELS, Source
from servicedesk.triage.selectors import ticket_explanation


class Command(BaseCommand):
    help = (
        "Print each triaged field of ticket NUMBER with where its value came from (a rule, "
        "the model's version and confidence, the group's strategy, the person who chose it), "
        "then the pending suggestions. --json prints one JSON object instead."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("number", help="e.g. INC0000042")
        parser.add_argument("--json", action="store_true", dest="as_json", help="one JSON object")

    def handle(self, *args, number: str, as_json: bool, **options):
        ticket = Ticket.objects.filter(number=number.strip().upper()).first()
        if ticket is None:
            raise CommandError(f"No ticket {number}.", returncode=2)
        explanation = ticket_explanation(ticket=ticket)
        if as_json:
            self.stdout.write(_json(explanation))
            return
        self.stdout.write(f"{ticket.number} {ticket.title}")
        for line in explanation.lines:
            label = FIELD_LABELS.get(line.field, line.field)
            source = Source(line.source).label if line.source in Source.values else line.source
            replaced = "" if line.current else "  (replaced later)"
            detail = f" - {line.detail}" if line.detail else ""
            self.stdout.write(f"  {label:<12} {line.value:<28} {source}{detail}{replaced}")
        if explanation.suggestions:
            self.stdout.write("Suggestions (pending):")
        for s in explanation.suggestions:
            self.stdout.write(
                f"  #{s.pk} {FIELD_LABELS.get(s.field, s.field)}: {s.label} (model "
                f"v{s.model_version}, confidence {s.confidence:.2f} < threshold {s.threshold:.2f})"
            )


def _json(explanation) -> str:
    def when(moment):
        return timezone.localtime(moment).isoformat() if moment else None

    return json.dumps(
        {
            "ticket": explanation.ticket.number,
            "decisions": [
                {
                    "field": line.field,
                    "value": line.value,
                    "source": line.source,
                    "detail": line.detail,
                    "at": when(line.at),
                    "current": line.current,
                }
                for line in explanation.lines
            ],
            "suggestions": [
                {
                    "id": s.pk,
                    "field": s.field,
                    "value": s.value,
                    "label": s.label,
                    "confidence": s.confidence,
                    "threshold": s.threshold,
                    "model_version": s.model_version,
                }
                for s in explanation.suggestions
            ],
        }  # fmt: skip
    )
