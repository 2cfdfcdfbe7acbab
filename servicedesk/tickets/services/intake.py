"""Raising a ticket, whatever the channel: one function, written out in order."""

import copy
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.core import clock, config
from servicedesk.tickets.choices import Channel, EventKind, Impact, Kind, State
from servicedesk.tickets.models import Category, ConfigurationItem, Ticket, Watch
from servicedesk.tickets.observers import Draft, intake_ahead, intake_run
from servicedesk.tickets.services._common import display, event_append, matrix_priority, next_number
from servicedesk.tickets.services.conversation import attachment_check, attachment_store
from servicedesk.tickets.services.validation import Problems, check_custom_fields, check_fields


def default_group() -> SupportGroup | None:
    """The service desk group that takes what no rule routes elsewhere."""
    # Every create asks; kept per process until a group is saved (core.config). A copy: the
    # caller may hang it on a ticket.
    name = settings.SERVICEDESK_DEFAULT_GROUP
    group = config.kept(f"tickets.default_group:{name}", lambda: _default_group(name))
    return copy.copy(group) if group is not None else None


def _default_group(name: str) -> SupportGroup | None:
    # Names are unique: get() spares the ordering that first() would add.
    try:
        return SupportGroup.objects.get(name=name, is_active=True)
    except SupportGroup.DoesNotExist:
        return None


def ticket_create(
    *,
    by: User,
    requester: User,
    title: str,
    description: str = "",
    kind: str | None = None,
    channel: str = Channel.PORTAL,
    impact: int | None = None,
    urgency: int | None = None,
    priority: int | None = None,
    priority_override_reason: str = "",
    category: Category | None = None,
    subcategory: Category | None = None,
    affected_service: ConfigurationItem | None = None,
    configuration_item: ConfigurationItem | None = None,
    assignment_group: SupportGroup | None = None,
    assignee: User | None = None,
    custom_fields: dict[str, Any] | None = None,
    watchers: Iterable[User] = (),
    attachments: Iterable[UploadedFile] = (),
) -> Ticket:
    """Raise a ticket: check, classify, prioritise, assign, record. Nothing is stored on error.

    Impact, urgency and kind left out (None) default to low, low and incident; triage's intake
    step (tickets.observers) may set them and what else a person did not choose, and may only
    raise an impact or urgency a person gave.

    Only the record is written in the transaction: on SQLite it holds the one write lock, so
    the checks and look-ups before it do not keep other writers waiting.
    """
    attachments = list(attachments)
    kind_given, kind = kind, kind or Kind.INCIDENT
    impact_given, impact = impact, Impact.LOW if impact is None else impact
    urgency_given, urgency = urgency, Impact.LOW if urgency is None else urgency
    values: dict[str, Any] = {
        "title": title, "description": description, "kind": kind, "channel": channel,
        "impact": impact, "urgency": urgency, "priority": priority,
        "priority_override_reason": priority_override_reason, "category": category, "subcategory": subcategory,
        "requester": requester, "assignment_group": assignment_group, "assignee": assignee,
    }  # fmt: skip
    problems = Problems()
    check_fields(problems, values)
    if custom_fields:
        check_custom_fields(problems, custom_fields, kind=kind)
    for upload in attachments:
        attachment_check(problems, upload)
    problems.raise_if_any()
    custom_fields = {k: v for k, v in (custom_fields or {}).items() if v is not None}

    # Prioritise: the matrix decides unless a reason is given for another priority.
    computed = matrix_priority(impact, urgency)
    overridden = priority is not None and priority != computed
    if overridden and not priority_override_reason.strip():
        problems.add(
            "priority_override_reason", "A priority other than the matrix's needs a reason."
        )
        problems.raise_if_any()

    # An agent named without a group takes the first of the category's group, the service desk
    # and their own groups that they belong to.
    if assignment_group is None and assignee is not None:
        routed = [g for g in (category.default_group if category else None, default_group()) if g]
        routed += list(assignee.support_groups.all())
        routed = [g for g in routed if g.members.filter(pk=assignee.pk).exists()]
        assignment_group = next((g for g in routed if g.is_active), None)
        if assignment_group is None:
            problems.add("assignee", f"{assignee} is not a member of any active group.")
            problems.raise_if_any()

    # What a person chose here wins over triage's rules and model (docs/decisions/0006).
    given = {
        "kind": kind_given, "category": category, "subcategory": subcategory,
        "assignment_group": assignment_group, "assignee": assignee, "impact": impact_given,
        "urgency": urgency_given,
    }  # fmt: skip
    chosen = frozenset(name for name, value in given.items() if value is not None)

    # The model's predictions read only the text: made before the lock (docs/decisions/0008).
    ahead = intake_ahead(title=title, description=description or "", channel=channel)
    with transaction.atomic():
        now = clock.now()  # in the transaction: numbers and creation times go up together
        draft = Draft(
            values={
                "kind": kind, "title": title.strip(), "description": description,
                "channel": channel, "requester": requester, "impact": impact,
                "urgency": urgency, "category": category,
                "subcategory": subcategory, "affected_service": affected_service,
                "configuration_item": configuration_item, "assignment_group": assignment_group,
                "assignee": assignee, "custom_fields": custom_fields,
            },
            chosen=chosen,
            by=by,
            ahead=ahead,
        )  # fmt: skip
        after = intake_run(draft)  # triage: classify, prioritise, assign
        v = draft.values
        if not overridden:
            if (v["impact"], v["urgency"]) != (impact, urgency):  # a rule raised them
                computed = matrix_priority(v["impact"], v["urgency"])
            priority, priority_override_reason = computed, ""
        # Route what nothing routed: the category's group, else the service desk.
        if v["assignment_group"] is None:
            category_group = v["category"].default_group if v["category"] else None
            routed = [g for g in (category_group, default_group()) if g and g.is_active]
            v["assignment_group"] = next(iter(routed), None)

        state = State.ASSIGNED if v["assignee"] else State.NEW
        recorded = {
            "kind": v["kind"], "state": state, "channel": channel, "title": v["title"],
            "requester": requester, "impact": v["impact"], "urgency": v["urgency"],
            "priority": priority, "category": v["category"], "subcategory": v["subcategory"],
            "assignment_group": v["assignment_group"], "assignee": v["assignee"],
            "affected_service": affected_service, "configuration_item": configuration_item,
        }  # fmt: skip
        changes = {k: [None, display(val)] for k, val in recorded.items() if val not in (None, "")}
        ticket = Ticket.objects.create(
            number=next_number(v["kind"]),
            description=description,
            reported_by=by if by.pk != requester.pk else None,
            organisation_id=requester.organisation_id,
            priority_override_reason=priority_override_reason.strip(),
            custom_fields=v["custom_fields"],
            created_at=now,
            updated_at=now,
            **recorded,
        )
        for watcher in watchers:
            Watch.objects.get_or_create(ticket=ticket, user=watcher)
        event_append(
            ticket=ticket,
            kind=EventKind.CREATED,
            actor=by,
            channel=channel,
            changes=changes,
            message=priority_override_reason.strip(),
        )
        for record in after:
            record(ticket)
        for upload in attachments:
            attachment_store(ticket=ticket, by=by, upload=upload, channel=channel)
    return ticket
