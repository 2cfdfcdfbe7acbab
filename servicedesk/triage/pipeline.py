"""The triage of a new ticket, written out in order: rules, model, group, agent.

``ticket_create`` (tickets) runs it as an intake step in the creating transaction, before the
record is written (docs/decisions/0006): the ticket is written once with what triage decided,
and then each decision is recorded as a TicketEvent naming the rule, the model version and its
confidence, or the strategy, with a Decision row the explanations read.

What a person chose at creation wins for that field; impact and urgency a person gave can only
be raised by a rule. A rule wins a field it sets unless it says "continue" (tags, impact and
urgency are never won: every matching rule adds tags or raises); a rule that says "stop" ends
the run. The model's predictions that clear their thresholds are seen by the rules
(a rule on "category is Network" routes what the model filed there) but a rule that sets the
same field wins; other predictions are kept as suggestions.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from servicedesk.accounts.models import SupportGroup
from servicedesk.core import clock
from servicedesk.tickets.choices import Channel, EventKind, Impact, Kind
from servicedesk.tickets.models import Category, Ticket
from servicedesk.tickets.observers import Draft
from servicedesk.tickets.services import ticket_system_note
from servicedesk.tickets.services.intake import default_group
from servicedesk.triage.assignment import agent_may_take, pick_agent
from servicedesk.triage.choices import FIELD_LABELS, Source
from servicedesk.triage.engine import Facts
from servicedesk.triage.models import Decision, Rule, Suggestion
from servicedesk.triage.predictions import Prediction, ticket_predictions
from servicedesk.triage.ruleset import active_rules

# Historical records keep the values they arrive with.
UNTRIAGED_CHANNELS = frozenset({Channel.IMPORT})
_suspended: ContextVar[bool] = ContextVar("triage_suspended", default=False)


@contextmanager
def suspended() -> Iterator[None]:
    """Tickets raised inside keep what they are given: a replay of history (the demo's
    stories) records what people did then, not what today's rules would do."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


MODEL_FIELDS = ("category", "kind", "assignment_group")
# Fields every matching rule adds to instead of the first winning them: tags are merged, and
# impact and urgency take the highest any matching rule gives.
MERGED = frozenset({"tags", "impact", "urgency"})


def shown(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name in ("impact", "urgency"):
        return str(Impact(value).label)
    if name == "kind":
        return str(Kind(value).label)
    if name == "tags":
        return ", ".join(value)
    return str(value)


@dataclass
class Entry:
    """One line of the timeline triage writes, and the decisions it explains."""

    message: str
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class Run:
    draft: Draft
    facts: Facts
    entries: list[Entry] = field(default_factory=list)
    won: dict[str, str] = field(default_factory=dict)  # field -> the rule that holds it
    by_rule: set[str] = field(default_factory=set)
    suggestions: list[tuple[Prediction, str]] = field(default_factory=list)
    wanted: tuple[Rule, Any] | None = None  # the agent a rule named, and that rule
    agent_entry: Entry | None = None
    quiet: list[Decision] = field(default_factory=list)  # decisions without an event

    @property
    def v(self) -> dict[str, Any]:
        return self.draft.values

    def decision(self, name: str, source: str, **extra) -> Decision:
        value = self.v["custom_fields"].get("tags") if name == "tags" else self.v[name]
        return Decision(field=name, value=shown(name, value)[:300], source=source, **extra)


def ticket_triage(draft: Draft) -> Callable[[Ticket], None] | None:
    """The intake step: decide the draft's fields; give back what records the decisions."""
    if draft.values["channel"] in UNTRIAGED_CHANNELS or _suspended.get():
        return None
    run = Run(draft=draft, facts=Facts(draft.values))
    predictions = _predictions(run)
    _provisional(run, predictions)
    _rules(run)
    _model(run, predictions)
    _group(run)
    _agent(run)
    return lambda ticket: _record(run, ticket)


AHEAD = "triage_predictions"


def triage_ahead(values: dict[str, Any]) -> tuple[str, list[Prediction]] | None:
    """Before the creating transaction: the model's predictions, which read only the text.

    On SQLite the transaction holds the one write lock; a prediction (a few ms of CPU, and
    the model's loading on a process's first ticket) made inside it would keep every other
    writer waiting (docs/decisions/0008). What the predictions name is still checked in it.
    """
    if values.get("channel") in UNTRIAGED_CHANNELS or _suspended.get():
        return None
    title, description = values.get("title") or "", values.get("description") or ""
    if not title.strip() and not description.strip():
        return AHEAD, []
    return AHEAD, ticket_predictions(title=title, description=description)


def triage_preview(draft: Draft) -> Run:
    """Classification only: what the rules and the model would file ``draft`` under, and why.

    Nothing is written and no group or agent is picked (round-robin keeps state): the chatbot
    asks this while a user still talks, to say what it understood before it raises the ticket.
    ``run.v`` holds the values, ``run.entries`` the explanations.
    """
    run = Run(draft=draft, facts=Facts(draft.values))
    predictions = _predictions(run)
    _provisional(run, predictions)
    _rules(run)
    _model(run, predictions)
    return run


def _predictions(run: Run) -> list[tuple[Prediction, Any]]:
    v = run.v
    if not (v["title"] or "").strip() and not (v["description"] or "").strip():
        return []
    found = []
    made = run.draft.ahead.get(AHEAD)
    if made is None:  # a draft that did not come through ticket_create's way in
        made = ticket_predictions(title=v["title"], description=v["description"] or "")
    for prediction in made:
        value = _resolve(prediction)
        if prediction.field in MODEL_FIELDS and value is not None:
            found.append((prediction, value))
    return found


def _resolve(prediction: Prediction) -> Any:
    """The record or value a prediction names; None when it names nothing usable now."""
    if prediction.field == "kind":
        return prediction.value if prediction.value in Kind.values else None
    model = Category if prediction.field == "category" else SupportGroup
    if not prediction.value.isdigit():
        return None
    return model.objects.filter(pk=int(prediction.value), is_active=True).first()


def _set(run: Run, name: str, value: Any) -> None:
    v = run.v
    if name == "category":
        category = value.parent if value.parent_id else value
        v["category"] = category
        if value.parent_id:
            v["subcategory"] = value
        elif "subcategory" not in run.draft.chosen:
            subcategory = v["subcategory"]
            if subcategory is not None and subcategory.parent_id != category.pk:
                v["subcategory"] = None
    elif name == "tags":
        tags = v["custom_fields"].get("tags") or []
        v["custom_fields"] = {**v["custom_fields"], "tags": sorted({*tags, *value})}
    else:
        v[name] = value


def _provisional(run: Run, predictions: list[tuple[Prediction, Any]]) -> None:
    # Classification the model is sure of is what the rules read; a rule may still replace it.
    for prediction, value in predictions:
        name = prediction.field
        if name != "assignment_group" and prediction.applies and name not in run.draft.chosen:
            _set(run, name, value)


def _actions(rule: Rule) -> list[tuple[str, Any]]:
    actions: list[tuple[str, Any]] = []
    if rule.set_category_id:
        actions.append(("category", rule.set_category))
    if rule.set_kind:
        actions.append(("kind", rule.set_kind))
    if rule.set_impact:
        actions.append(("impact", rule.set_impact))
    if rule.set_urgency:
        actions.append(("urgency", rule.set_urgency))
    if rule.set_group_id:
        actions.append(("assignment_group", rule.set_group))
    if rule.set_agent_id:
        actions.append(("assignee", rule.set_agent))
    if rule.tags:
        actions.append(("tags", rule.tags))
    return actions


def _rules(run: Run) -> None:
    chosen = run.draft.chosen
    for compiled in active_rules():
        if not compiled.matches(run.facts):
            continue
        rule = compiled.rule
        did, kept = [], []
        for name, value in _actions(rule):
            label = FIELD_LABELS[name]
            if name in ("impact", "urgency"):
                if value >= run.v[name]:  # 1 is high: a rule only raises
                    kept.append(f"{label} already {shown(name, run.v[name])}")
                    continue
            elif name in chosen:
                kept.append(f"{label} chosen at creation")
                continue
            if name in run.won and name not in MERGED:
                kept.append(f'{label} set by "{run.won[name]}"')
                continue
            if name == "assignee":
                run.by_rule.add(name)
                run.wanted = (rule, value)
                did.append(name)
                continue
            _set(run, name, value)
            run.by_rule.add(name)
            did.append(name)
            if not rule.continues:
                run.won[name] = rule.name
        entry = Entry(message="")
        for name in did:
            if name != "assignee":
                entry.decisions.extend(
                    run.decision(n, Source.RULE, rule=rule, rule_name=rule.name)
                    for n in _with_subcategory(run, name, rule.set_category)
                )
        parts = [
            f"{FIELD_LABELS[n]}: {shown(n, _wanted(run) if n == 'assignee' else _value(run, n))}"
            for n in did
        ]
        text = f"set {'; '.join(parts)}" if parts else "matched but set nothing"
        if kept:
            text += f" (kept: {'; '.join(kept)})"
        entry.message = f'Triage rule "{rule.name}" {text}.' + (" Stop." if rule.stop else "")
        run.entries.append(entry)
        if "assignee" in did:
            run.agent_entry = entry
        if rule.stop:
            break


def _with_subcategory(run: Run, name: str, value: Any) -> list[str]:
    # Setting a subcategory sets its parent as the category: both are that decision's.
    if name == "category" and value.parent_id and "subcategory" not in run.draft.chosen:
        return ["category", "subcategory"]
    return [name]


def _value(run: Run, name: str) -> Any:
    return run.v["custom_fields"].get("tags") if name == "tags" else run.v[name]


def _wanted(run: Run) -> Any:
    return run.wanted[1] if run.wanted else None


def _model(run: Run, predictions: list[tuple[Prediction, Any]]) -> None:
    chosen = run.draft.chosen
    for prediction, value in predictions:
        name = prediction.field
        if name in chosen:
            continue
        current = run.v[name]
        if name == "category" and run.v["subcategory"] is not None:
            current = run.v["subcategory"] if value.parent_id else current
        if prediction.applies and name not in run.by_rule:
            _set(run, name, value)
            note = f"confidence {prediction.confidence:.2f}, threshold {prediction.threshold:.2f}"
            decisions = [
                run.decision(
                    n, Source.MODEL, model_version=prediction.model_version,
                    confidence=prediction.confidence, note=note,
                )
                for n in _with_subcategory(run, name, value)
            ]  # fmt: skip
            run.entries.append(
                Entry(
                    f"Triage model v{prediction.model_version} set {FIELD_LABELS[name]}: "
                    f"{shown(name, value)} ({note}).",
                    decisions,
                )
            )
        elif value != current:
            run.suggestions.append((prediction, shown(name, value)))


def _group(run: Run) -> None:
    v = run.v
    if v["assignment_group"] is not None:
        return
    category = v["category"]
    if category is not None and category.default_group and category.default_group.is_active:
        v["assignment_group"] = category.default_group
        message = f"No rule set the group: {category}'s default group, {category.default_group}."
        source = Source.CATEGORY
    else:
        fallback = default_group()
        if fallback is None:
            return
        v["assignment_group"] = fallback
        message = f"No rule set the group: the service desk, {fallback}."
        source = Source.FALLBACK
    # The routing ticket_create would do anyway: explained, but no timeline entry of its own.
    run.quiet.append(run.decision("assignment_group", source, note=message[:300]))


def _agent(run: Run) -> None:
    v = run.v
    wanted, agent_entry = run.wanted, run.agent_entry
    group = v["assignment_group"]
    if "assignee" in run.draft.chosen or v["assignee"] is not None or group is None:
        return
    now = clock.now()
    if wanted is not None and agent_entry is not None:
        rule, agent = wanted
        why = agent_may_take(agent, group, now)
        if not why:
            v["assignee"] = agent
            agent_entry.decisions.append(
                run.decision("assignee", Source.RULE, rule=rule, rule_name=rule.name)
            )
            return
        agent_entry.message += f" {agent} not taken: {why}."
    skills = {t.lower() for t in v["custom_fields"].get("tags") or []}
    skills |= {c.name.lower() for c in (v["category"], v["subcategory"]) if c}
    pick = pick_agent(group=group, skills=skills, now=now)
    if pick is None:
        return
    if pick.agent is None:
        run.entries.append(
            Entry(pick.note, [run.decision("assignee", Source.NO_AGENT, note=pick.note[:300])])
        )
        return
    v["assignee"] = pick.agent
    run.entries.append(
        Entry(pick.note, [run.decision("assignee", Source.STRATEGY, note=pick.note[:300])])
    )


def _record(run: Run, ticket: Ticket) -> None:
    now = clock.now()
    # What a person chose is in the created event; the explanations read it there.
    decisions = list(run.quiet)
    for entry in run.entries:
        event = ticket_system_note(ticket=ticket, kind=EventKind.UPDATED, message=entry.message)
        for decision in entry.decisions:
            decision.event = event
            decisions.append(decision)
    for decision in decisions:
        decision.ticket = ticket
        decision.created_at = now
    Decision.objects.bulk_create(decisions)
    Suggestion.objects.bulk_create(
        Suggestion(
            ticket=ticket,
            field=p.field,
            value=p.value,
            label=label[:300],
            confidence=p.confidence,
            threshold=p.threshold,
            model_version=p.model_version,
            created_at=now,
        )  # fmt: skip
        for p, label in run.suggestions
    )
