"""Raising a ticket, whatever the channel: one function, written out in order."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.core import clock
from servicedesk.tickets.choices import Channel, EventKind, Impact, Kind, State
from servicedesk.tickets.models import Category, ConfigurationItem, Ticket, Watch
from servicedesk.tickets.services._common import display, event_append, matrix_priority, next_number
from servicedesk.tickets.services.conversation import attachment_check, attachment_store
from servicedesk.tickets.services.validation import Problems, check_custom_fields, check_fields


def default_group() -> SupportGroup | None:
    """The service desk group that takes what no rule routes elsewhere."""
    # Names are unique: get() spares the ordering that first() would add.
    try:
        return SupportGroup.objects.get(name=settings.SERVICEDESK_DEFAULT_GROUP, is_active=True)
    except SupportGroup.DoesNotExist:
        return None


def ticket_create(
    *,
    by: User,
    requester: User,
    title: str,
    description: str = "",
    kind: str = Kind.INCIDENT,
    channel: str = Channel.PORTAL,
    impact: int = Impact.LOW,
    urgency: int = Impact.LOW,
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

    Only the record is written in the transaction: on SQLite it holds the one write lock, so
    the checks and look-ups before it do not keep other writers waiting.
    """
    attachments = list(attachments)
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
    if priority is not None and priority != computed:
        if not priority_override_reason.strip():
            problems.add(
                "priority_override_reason", "A priority other than the matrix's needs a reason."
            )
            problems.raise_if_any()
    else:
        priority, priority_override_reason = computed, ""

    # Assign: as asked, else the category's group, else the service desk. An agent named without
    # a group takes the first of those they belong to, else their own group.
    if assignment_group is None:
        routed = [g for g in (category.default_group if category else None, default_group()) if g]
        if assignee is not None:
            routed += list(assignee.support_groups.all())
            routed = [g for g in routed if g.members.filter(pk=assignee.pk).exists()]
        assignment_group = next((g for g in routed if g.is_active), None)
        if assignee is not None and assignment_group is None:
            problems.add("assignee", f"{assignee} is not a member of any active group.")
            problems.raise_if_any()

    state = State.ASSIGNED if assignee else State.NEW
    recorded = {
        "kind": kind, "state": state, "channel": channel, "title": title.strip(),
        "requester": requester, "impact": impact, "urgency": urgency, "priority": priority,
        "category": category, "subcategory": subcategory, "assignment_group": assignment_group,
        "assignee": assignee, "affected_service": affected_service,
        "configuration_item": configuration_item,
    }  # fmt: skip
    changes = {k: [None, display(v)] for k, v in recorded.items() if v not in (None, "")}

    with transaction.atomic():
        now = clock.now()  # in the transaction: numbers and creation times go up together
        ticket = Ticket.objects.create(
            number=next_number(kind),
            kind=kind,
            title=title.strip(),
            description=description,
            state=state,
            channel=channel,
            requester=requester,
            reported_by=by if by.pk != requester.pk else None,
            organisation_id=requester.organisation_id,
            category=category,
            subcategory=subcategory,
            affected_service=affected_service,
            configuration_item=configuration_item,
            impact=impact,
            urgency=urgency,
            priority=priority,
            priority_override_reason=priority_override_reason.strip(),
            assignment_group=assignment_group,
            assignee=assignee,
            custom_fields=custom_fields,
            created_at=now,
            updated_at=now,
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
        for upload in attachments:
            attachment_store(ticket=ticket, by=by, upload=upload, channel=channel)
    return ticket
