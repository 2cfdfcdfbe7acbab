"""Reads of triage: why a ticket got what it got, and what a rule would have matched."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from servicedesk.tickets.choices import EventKind, Impact, Kind, Priority
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.triage.choices import Source, SuggestionState
from servicedesk.triage.engine import Condition, Facts, conditions_hold
from servicedesk.triage.models import Decision, Rule, Suggestion

TEST_DEFAULT = 1000
TEST_MAX = 10_000
# The fields an explanation accounts for, in the order it lists them.
EXPLAINED = ("category", "subcategory", "kind", "impact", "urgency", "priority",
             "assignment_group", "assignee", "tags")  # fmt: skip
_LABELS = {"kind": Kind, "impact": Impact, "urgency": Impact, "priority": Priority}


@dataclass(frozen=True)
class Line:
    """One field of a ticket and where its value came from."""

    field: str
    value: str
    source: str  # a Source value
    detail: str  # the rule, the model version and confidence, the strategy's note
    at: datetime | None
    current: bool  # False when a later decision replaced it


@dataclass(frozen=True)
class Explanation:
    ticket: Ticket
    lines: tuple[Line, ...]
    suggestions: tuple[Suggestion, ...]  # the pending ones


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if name in _LABELS:
        try:
            return str(_LABELS[name](value).label)
        except ValueError:
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _detail(decision: Decision) -> str:
    if decision.source == Source.RULE:
        return f'rule "{decision.rule_name}"'
    if decision.source == Source.MODEL:
        return f"model v{decision.model_version}, {decision.note}"
    return decision.note


def ticket_explanation(*, ticket: Ticket, created: TicketEvent | None = None) -> Explanation:
    """Every field triage decides, with its source; the caller has checked the user may see
    the ticket and is an agent. ``created``: the ticket's created event, when the caller has
    it (the ticket page has the timeline loaded)."""
    decisions = list(Decision.objects.filter(ticket=ticket).order_by("id"))
    last = {d.field: d.pk for d in decisions}
    lines = [
        Line(d.field, d.value, d.source, _detail(d), d.created_at, last[d.field] == d.pk)
        for d in decisions
    ]
    if created is None:
        created = (
            TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED)
            .select_related("actor")
            .order_by("id")
            .first()
        )
    given = created.changes if created else {}
    actor = created.actor if created else None
    for name in EXPLAINED:
        if name in last or name == "priority":
            continue
        if name == "tags":
            continue
        if name in given and given[name][1] not in (None, ""):
            who = f"by {actor}" if actor else ""
            value = _shown(name, given[name][1])
            at = created.created_at if created else None
            lines.append(Line(name, value, Source.PERSON, who, at, True))
    if ticket.priority_override_reason:
        detail = f"set by hand: {ticket.priority_override_reason}"
    else:
        detail = f"matrix: impact {ticket.impact} x urgency {ticket.urgency}"
    lines.append(
        Line("priority", _shown("priority", ticket.priority), "matrix", detail, None, True)
    )
    order = {name: i for i, name in enumerate(EXPLAINED)}
    lines.sort(key=lambda line: order.get(line.field, len(order)))
    pending = Suggestion.objects.filter(ticket=ticket, state=SuggestionState.PENDING).order_by("id")
    return Explanation(ticket=ticket, lines=tuple(lines), suggestions=tuple(pending))


@dataclass(frozen=True)
class RuleTest:
    matched: int
    tested: int
    examples: tuple[str, ...]  # numbers of a few matched tickets, newest first

    @property
    def sentence(self) -> str:
        return f"This rule would have matched {self.matched:,} of the last {self.tested:,} tickets."


def rule_test(*, conditions: Iterable, last: int = TEST_DEFAULT) -> RuleTest:
    """How many of the last ``last`` tickets meet ``conditions`` (anything with field,
    operator and value: unsaved RuleCondition rows, the API's input). Conditions on the
    category and the group read what the tickets hold now."""
    compiled = tuple(Condition(c.field, c.operator, c.value) for c in conditions)
    last = max(1, min(int(last), TEST_MAX))
    tickets = Ticket.objects.select_related(
        "requester__organisation", "category", "subcategory", "affected_service",
        "assignment_group",
    ).order_by("-created_at", "-id")[:last]  # fmt: skip
    matched, tested, examples = 0, 0, []
    for ticket in tickets:
        tested += 1
        if conditions_hold(compiled, Facts(ticket_facts(ticket))):
            matched += 1
            if len(examples) < 5:
                examples.append(ticket.number)
    return RuleTest(matched=matched, tested=tested, examples=tuple(examples))


def ticket_facts(ticket: Ticket) -> dict:
    return {
        "title": ticket.title, "description": ticket.description, "channel": ticket.channel,
        "kind": ticket.kind, "requester": ticket.requester, "category": ticket.category,
        "subcategory": ticket.subcategory, "affected_service": ticket.affected_service,
        "assignment_group": ticket.assignment_group,
    }  # fmt: skip


def rule_list():
    """Every rule in the order they are tried, with its conditions."""
    return Rule.objects.select_related(
        "set_category__parent", "set_group", "set_agent"
    ).prefetch_related("conditions")
