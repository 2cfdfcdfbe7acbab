"""Store a parsed ServiceNow event log: one ticket per incident, one event per update.

This writes in bulk and does not go through ``ticket_create`` / ``ticket_update``. It replays
history: it records what happened in the source, with the source's times, people, states and
priorities, instead of enforcing today's transitions, priority matrix, assignment rules and
clocks. People, groups and categories go in with ``bulk_create``, tickets and events with
multi-row INSERTs (``imports.bulk``). Each update becomes one TicketEvent (kind ``imported``,
channel ``import``), so timelines and reports read imported tickets like any other.

The import runs in batches of 2,000 incidents, each in one transaction together with the
people, groups, categories, CIs and number-sequence bump it needs: a batch that fails leaves
nothing behind, the batches before it stay whole, and running the import again carries on.
Batches rather than one transaction for the whole log keep SQLite's write lock short enough
for the desk's own writes to wait for it. The values were all checked by the parser, so a
failure here is the database's (disk full, connection lost), reported as ``ImportStopped``.

Who the log names becomes a user once, by a username derived from the name (an existing user
with that username is reused): callers as end users, everyone else as agents, with unusable
passwords. Groups become L2 support groups, and each assignee joins the groups they were
assigned tickets in. Safe to run twice: an incident already imported from this source (found
by ``external_ref`` and ``custom_fields["source"]``) is skipped. Incidents the parser left out
(a row of theirs unreadable) are not written at all, so a later run with the corrected file
imports them; their numbers are still kept free like those of the incidents written.
"""

import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import DatabaseError, transaction
from django.db.models import F

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.models import Membership, SupportGroup, User
from servicedesk.core import config
from servicedesk.tickets.choices import (
    NUMBER_DIGITS,
    NUMBER_PREFIX,
    Channel,
    EventKind,
    Kind,
    State,
)
from servicedesk.tickets.imports.bulk import insert_rows, statistics_refresh
from servicedesk.tickets.imports.servicenow import (
    CUSTOM_FIELD_LABELS,
    SOURCE,
    Incident,
    ParsedLog,
    Step,
    channel_for,
    custom_fields,
    incident_serial,
    priority_override_reason,
    replay,
    resolution_code_for,
    title_for,
    username_for,
)
from servicedesk.tickets.models import (
    Category,
    ConfigurationItem,
    CustomField,
    NumberSequence,
    Ticket,
    TicketEvent,
)

BATCH = 2000  # incidents per transaction, and per progress report
# The log's groups are the resolver teams that incidents are routed to, not the first-line desk.
GROUP_TIER = Tier.L2
_QUERY_CHUNK = 500  # names per IN (...) query: well under SQLite's variable limit


@dataclass(slots=True)
class ImportSummary:
    incidents_created: int = 0
    incidents_skipped: int = 0  # already imported from this source
    incidents_renumbered: int = 0  # their number was taken by a ticket from elsewhere
    events_created: int = 0
    users_created: int = 0
    groups_created: int = 0
    memberships_created: int = 0
    categories_created: int = 0
    subcategories_created: int = 0
    configuration_items_created: int = 0
    rows_skipped: int = 0  # unreadable
    incidents_left_out: int = 0  # a row of theirs unreadable: none of their rows written
    rows_left_out: int = 0  # readable rows of those incidents
    seconds: float = 0.0


class ImportStopped(Exception):
    """A batch failed in the database; it was rolled back, the batches before it are kept."""

    def __init__(self, *, done: int, total: int, cause: DatabaseError) -> None:
        reason = " ".join(str(cause).split()) or type(cause).__name__
        super().__init__(
            f"the database refused the import ({reason}); {done} of {total} incidents were "
            "imported before that batch, nothing of it was written; run the import again to "
            "carry on"
        )
        self.done = done


@dataclass(slots=True)
class _Refs:
    """Ids of what the log names, by the name as written."""

    users: dict[str, int] = field(default_factory=dict)
    groups: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    subcategories: dict[tuple[str, str], int] = field(default_factory=dict)
    cis: dict[str, int] = field(default_factory=dict)


def servicenow_import(
    *,
    log: ParsedLog,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> ImportSummary:
    """Write what ``parse_log`` read; ``progress(done, total)`` is called after each batch."""
    started = time.monotonic()
    summary = ImportSummary(
        rows_skipped=len(log.problems),
        incidents_left_out=len(log.left_out),
        rows_left_out=log.left_out_rows,
    )
    whole = {incident.number for incident in log.incidents}
    # Left-out numbers are reserved too: a later run imports them under their own number.
    source_numbers = whole | set(log.left_out)
    highest = max((incident_serial(number) or 0 for number in source_numbers), default=0)
    accounts = _accounts(log.incidents)
    done = _already_imported(whole)
    pending = [incident for incident in log.incidents if incident.number not in done]
    summary.incidents_skipped = len(log.incidents) - len(pending)
    for start in range(0, len(pending), batch):
        chunk = pending[start : start + batch]
        # Counted apart and added only once the batch is committed: a failed one counts nothing.
        counts = ImportSummary()
        try:
            with transaction.atomic():
                _define_custom_fields()
                refs = _references(chunk, accounts, counts)
                numbers = _plan_numbers(chunk, source_numbers, highest)
                counts.events_created = _write(chunk, refs, numbers)
        except DatabaseError as exc:
            raise ImportStopped(
                done=summary.incidents_created, total=len(pending), cause=exc
            ) from exc
        counts.incidents_created = len(chunk)
        counts.incidents_renumbered = len(numbers)
        _add(summary, counts)
        if progress is not None:
            progress(summary.incidents_created, len(pending))
    if pending:
        statistics_refresh()
    summary.seconds = time.monotonic() - started
    return summary


def _define_custom_fields() -> None:
    """Label the kept source values, once; definitions an admin already made are left alone."""
    for key, (label, kind) in CUSTOM_FIELD_LABELS.items():
        CustomField.objects.get_or_create(key=key, defaults={"label": label, "type": kind})


_COUNTED = (
    "incidents_created",
    "incidents_renumbered",
    "events_created",
    "users_created",
    "groups_created",
    "memberships_created",
    "categories_created",
    "subcategories_created",
    "configuration_items_created",
)


def _add(summary: ImportSummary, counts: ImportSummary) -> None:
    for name in _COUNTED:
        setattr(summary, name, getattr(summary, name) + getattr(counts, name))


def _chunks(items: Sequence, size: int = _QUERY_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _updates(incidents: Iterable[Incident]):
    for incident in incidents:
        yield from incident.updates


# ---- people, groups, categories, CIs ---------------------------------------------------------


def _references(
    incidents: list[Incident], accounts: dict[str, tuple[str, str]], summary: ImportSummary
) -> _Refs:
    refs = _Refs()
    refs.users = _ensure_users(incidents, accounts, summary)
    refs.groups = _ensure_groups(incidents, summary)
    refs.categories, refs.subcategories = _ensure_categories(incidents, summary)
    refs.cis = _ensure_cis(incidents, summary)
    _ensure_memberships(incidents, refs, summary)
    return refs


def _roles(incidents: list[Incident]) -> dict[str, str]:
    """Callers are end users; whoever else the log names works tickets, so is an agent."""
    roles: dict[str, str] = {}
    for update in _updates(incidents):
        for name in (update.opened_by, update.updated_by, update.assignee, update.resolved_by):
            if name:
                roles[name] = Role.AGENT
        roles.setdefault(update.requester, Role.END_USER)
    return roles


def _accounts(incidents: list[Incident]) -> dict[str, tuple[str, str]]:
    """username -> (name as first written, role), over the whole log: someone who calls in
    one batch and works tickets in another is an agent from the start."""
    # Two spellings can give one username ("Opened by  8", "Opened by 8"): one account.
    accounts: dict[str, tuple[str, str]] = {}
    for name, role in _roles(incidents).items():
        username = username_for(name)
        shown, known = accounts.get(username, (name, role))
        accounts[username] = (shown, Role.AGENT if Role.AGENT in (role, known) else role)
    return accounts


def _ensure_users(
    incidents: list[Incident], accounts: dict[str, tuple[str, str]], summary: ImportSummary
) -> dict[str, int]:
    names = _roles(incidents)
    wanted = sorted({username_for(name) for name in names})
    ids: dict[str, int] = {}
    for chunk in _chunks(wanted):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "id"))
    new = [
        User(
            username=username,
            display_name=accounts[username][0],
            role=accounts[username][1],
            password=_unusable_password(),
        )
        for username in wanted
        if username not in ids
    ]
    User.objects.bulk_create(new, batch_size=500)
    ids.update((user.username, user.pk) for user in new)
    summary.users_created = len(new)
    return {name: ids[username_for(name)] for name in names}


def _unusable_password() -> str:
    # What make_password(None) stores, made with one call instead of one per character: these
    # accounts sign in once an admin sets a password or a reset is done.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _ensure_named(model, names: set[str], summary_field: str, summary: ImportSummary, **defaults):
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(names)):
        ids.update(model.objects.filter(name__in=chunk).values_list("name", "id"))
    new = [model(name=name, **defaults) for name in sorted(names - ids.keys())]
    model.objects.bulk_create(new, batch_size=500)
    ids.update((obj.name, obj.pk) for obj in new)
    setattr(summary, summary_field, len(new))
    return ids


def _ensure_groups(incidents: list[Incident], summary: ImportSummary) -> dict[str, int]:
    names = {update.group for update in _updates(incidents) if update.group}
    return _ensure_named(SupportGroup, names, "groups_created", summary, tier=GROUP_TIER)


def _ensure_cis(incidents: list[Incident], summary: ImportSummary) -> dict[str, int]:
    names = {update.ci for update in _updates(incidents) if update.ci}
    return _ensure_named(ConfigurationItem, names, "configuration_items_created", summary)


def _ensure_categories(
    incidents: list[Incident], summary: ImportSummary
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Categories once by name; a subcategory once under each category it appears with."""
    roots = {update.category for update in _updates(incidents) if update.category}
    pairs = {
        (update.category, update.subcategory)
        for update in _updates(incidents)
        if update.category and update.subcategory
    }
    root_ids: dict[str, int] = {}
    for chunk in _chunks(sorted(roots)):
        root_ids.update(
            Category.objects.filter(parent=None, name__in=chunk).values_list("name", "id")
        )
    new_roots = [Category(name=name) for name in sorted(roots - root_ids.keys())]
    Category.objects.bulk_create(new_roots, batch_size=500)
    root_ids.update((category.name, category.pk) for category in new_roots)

    names_by_id = {pk: name for name, pk in root_ids.items()}
    sub_ids: dict[tuple[str, str], int] = {}
    for chunk in _chunks(list(names_by_id)):
        for parent_id, name, pk in Category.objects.filter(parent_id__in=chunk).values_list(
            "parent_id", "name", "id"
        ):
            sub_ids[(names_by_id[parent_id], name)] = pk
    missing = sorted(pairs - sub_ids.keys())
    new_subs = [Category(name=sub, parent_id=root_ids[root]) for root, sub in missing]
    Category.objects.bulk_create(new_subs, batch_size=500)
    config.changed()  # categories made in bulk send no signal: running processes re-read
    sub_ids.update(((root, sub), c.pk) for (root, sub), c in zip(missing, new_subs, strict=True))
    summary.categories_created = len(new_roots)
    summary.subcategories_created = len(new_subs)
    return root_ids, sub_ids


def _ensure_memberships(incidents: list[Incident], refs: _Refs, summary: ImportSummary) -> None:
    """Each assignee joins the groups they were assigned tickets in, so they see those tickets."""
    pairs = {
        (refs.groups[update.group], refs.users[update.assignee])
        for update in _updates(incidents)
        if update.group and update.assignee
    }
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(sorted({group for group, _ in pairs})):
        existing.update(
            Membership.objects.filter(group_id__in=chunk).values_list("group_id", "user_id")
        )
    new = [Membership(group_id=g, user_id=u) for g, u in sorted(pairs - existing)]
    Membership.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    summary.memberships_created = len(new)


# ---- numbers ---------------------------------------------------------------------------------


def _already_imported(numbers: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(sorted(numbers)):
        found.update(
            Ticket.objects.filter(external_ref__in=chunk, custom_fields__source=SOURCE).values_list(
                "external_ref", flat=True
            )
        )
    return found


def _plan_numbers(chunk: list[Incident], source_numbers: set[str], highest: int) -> dict[str, str]:
    """Bump the incident sequence past the log's numbers; new numbers for those already taken.

    The bump (to the highest serial of the whole log, at most ten digits) comes first so that
    neither a fresh number given here nor one that ticket_create gives while the import runs
    can collide with a number still to be imported. It is part of the batch's transaction.
    """
    NumberSequence.objects.get_or_create(kind=Kind.INCIDENT)
    NumberSequence.objects.filter(kind=Kind.INCIDENT, last__lt=highest).update(last=highest)
    taken: set[str] = set()
    for part in _chunks([incident.number for incident in chunk]):
        taken.update(Ticket.objects.filter(number__in=part).values_list("number", flat=True))
    return {
        incident.number: _fresh_number(source_numbers)
        for incident in chunk
        if incident.number in taken
    }


def _fresh_number(source_numbers: set[str]) -> str:
    while True:
        NumberSequence.objects.filter(kind=Kind.INCIDENT).update(last=F("last") + 1)
        last = NumberSequence.objects.values_list("last", flat=True).get(kind=Kind.INCIDENT)
        number = f"{NUMBER_PREFIX[Kind.INCIDENT]}{last:0{NUMBER_DIGITS}d}"
        if number not in source_numbers and not Ticket.objects.filter(number=number).exists():
            return number


# ---- tickets and events ----------------------------------------------------------------------


def _write(chunk: list[Incident], refs: _Refs, numbers: dict[str, str]) -> int:
    histories = [replay(incident) for incident in chunk]
    tickets = [
        _ticket(incident, steps[-1], refs, numbers.get(incident.number))
        for incident, steps in zip(chunk, histories, strict=True)
    ]
    insert_rows(Ticket, tickets)
    ids: dict[str, int] = {}
    for part in _chunks([ticket["number"] for ticket in tickets]):
        ids.update(Ticket.objects.filter(number__in=part).values_list("number", "id"))
    events = [
        {
            "ticket_id": ids[ticket["number"]],
            "kind": EventKind.IMPORTED,
            "actor_id": refs.users.get(step.update.updated_by),
            "channel": Channel.IMPORT,
            "created_at": step.update.updated_at,
            "changes": step.changes,
            "message": step.message,
        }
        for ticket, steps in zip(tickets, histories, strict=True)
        for step in steps
    ]
    insert_rows(TicketEvent, events)
    return len(events)


def _ticket(incident: Incident, last: Step, refs: _Refs, number: str | None) -> dict[str, Any]:
    """The ticket as the incident's last update left it (by attname; the rest is defaults)."""
    u = last.update
    users = refs.users
    # The log fills resolved_at, closed_at and resolved_by on open rows as well; a ticket
    # carries them only once resolved (closed_at once closed), as the services keep them.
    resolved = last.state in (State.RESOLVED, State.CLOSED)
    closed = last.state == State.CLOSED
    return {
        "number": number or incident.number,
        "external_ref": incident.number,
        "kind": Kind.INCIDENT,
        "title": title_for(u),
        "state": last.state,
        "channel": channel_for(u.contact_type),
        "requester_id": users[u.requester],
        "reported_by_id": users.get(u.opened_by),
        "category_id": refs.categories.get(u.category),
        "subcategory_id": refs.subcategories.get((u.category, u.subcategory)),
        "configuration_item_id": refs.cis.get(u.ci),
        "impact": u.impact,
        "urgency": u.urgency,
        "priority": u.priority,
        "priority_override_reason": priority_override_reason(u),
        "assignment_group_id": refs.groups.get(u.group),
        "assignee_id": users.get(u.assignee),
        "custom_fields": custom_fields(u),
        "reassignment_count": u.reassignment_count,
        "reopen_count": u.reopen_count,
        "created_at": u.opened_at,
        "updated_at": u.updated_at,
        "resolved_at": u.resolved_at if resolved else None,
        "closed_at": u.closed_at if closed else None,
        "resolved_by_id": users.get(u.resolved_by) if resolved else None,
        "resolution_code": resolution_code_for(u.closed_code),
        "made_sla": u.made_sla,
        "knowledge": bool(u.knowledge),
        "problem_ref": u.problem or "",
        "change_ref": u.rfc or "",
    }
