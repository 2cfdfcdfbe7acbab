"""Play the demo ticket stories through the real ticket services, each step at its own time.

Services read the time from ``servicedesk.core.clock``; travelling the clock to each step's
moment back-dates tickets, comments and events while keeping the one write path. The SLA sweep
runs as the worker would have between the steps: at each moment a warning or breach falls due.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

import time_machine
from django.db.models import Min

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.demo.data.story import (
    Accept,
    Link,
    Note,
    Reject,
    Reply,
    Step,
    TicketStory,
    Update,
    Watch,
)
from servicedesk.sla.models import Clock
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category, ConfigurationItem, Ticket
from servicedesk.tickets.services import (
    comment_add,
    link_add,
    ticket_accept_resolution,
    ticket_create,
    ticket_reject_resolution,
    ticket_update,
    watcher_add,
)

# The demo's "today" ends at this local time; stories are written to finish by then.
DAY_ENDS = time(17, 0)


@dataclass
class Names:
    """Turns the names used in the stories into records."""

    users: dict[str, User]
    groups: dict[str, SupportGroup]
    categories: dict[str, Category]  # "Network" and "Network > VPN"
    items: dict[str, ConfigurationItem]
    tickets: dict[str, Ticket] = field(default_factory=dict)

    def user(self, name: str) -> User | None:
        return self.users[name] if name else None

    def category_pair(self, path: str) -> tuple[Category | None, Category | None]:
        if not path:
            return None, None
        parent = path.split(" > ")[0]
        return self.categories[parent], (self.categories[path] if " > " in path else None)

    def changes(self, changes: dict[str, Any]) -> dict[str, Any]:
        resolved: dict[str, Any] = {}
        for name, value in changes.items():
            if name in ("assignee", "requester"):
                resolved[name] = self.user(value)
            elif name == "assignment_group":
                resolved[name] = self.groups[value]
            elif name == "category":
                resolved["category"], resolved["subcategory"] = self.category_pair(value)
            elif name in ("affected_service", "configuration_item"):
                resolved[name] = self.items[value]
            else:
                resolved[name] = value
        return resolved


def last_working_day_end(now: datetime) -> datetime:
    """The end of the latest working day that has already ended: the demo's "today"."""
    end = now.replace(hour=DAY_ENDS.hour, minute=DAY_ENDS.minute, second=0, microsecond=0)
    if end > now:
        end -= timedelta(days=1)
    while end.weekday() >= 5:
        end -= timedelta(days=1)
    return end


def raised_at(story: TicketStory, today_end: datetime) -> datetime:
    """``days_ago`` counts working days back from the demo's "today"."""
    day = today_end
    for _ in range(story.days_ago):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    hour, minute = (int(part) for part in story.time.split(":"))
    return day.replace(hour=hour, minute=minute)


def tell(story: TicketStory, *, today_end: datetime, names: Names) -> Ticket:
    """Raise the story's ticket and play its steps; return the ticket as it ends up."""
    start = raised_at(story, today_end)
    category, subcategory = names.category_pair(story.category)
    with time_machine.travel(start, tick=False):
        ticket = ticket_create(
            by=names.users[story.by or story.requester],
            requester=names.users[story.requester],
            title=story.title,
            description=story.description,
            kind=story.kind,
            channel=story.channel,
            impact=story.impact,
            urgency=story.urgency,
            priority=story.priority,
            priority_override_reason=story.priority_override_reason,
            category=category,
            subcategory=subcategory,
            affected_service=names.items.get(story.service),
            configuration_item=names.items.get(story.ci),
            assignment_group=names.groups.get(story.group),
            assignee=names.user(story.assignee),
            watchers=[names.users[w] for w in story.watchers],
        )
    names.tickets[story.key] = ticket
    for step in story.steps:
        moment = start + timedelta(hours=step.at)
        sweep_until(moment)
        with time_machine.travel(moment, tick=False):
            _play(step, ticket=Ticket.objects.get(pk=ticket.pk), names=names)
    return Ticket.objects.get(pk=ticket.pk)


def sweep_until(moment: datetime) -> None:
    """Run the SLA sweep at each instant before ``moment`` at which a clock's warning or breach
    fell due, so that the timeline records each one when it happened.

    Only running clocks have a next check, and a clock's next check lies in its current run,
    so a sweep at that instant sees the clock as it was then, whichever story is being told.
    Strictly before ``moment``: a step at the very instant a target runs out meets it.
    """
    for _ in range(10_000):
        first = Clock.objects.filter(next_check_at__lt=moment).aggregate(at=Min("next_check_at"))
        if first["at"] is None:
            return
        with time_machine.travel(first["at"], tick=False):
            sla_sweep(now=first["at"])
    raise RuntimeError("the demo's SLA sweep does not come to an end")


def _play(step: Step, *, ticket: Ticket, names: Names) -> None:
    by = names.users[step.by]
    # Requesters act in the portal, agents in the desk.
    channel = Channel.DESK if by.is_agent else Channel.PORTAL
    match step:
        case Update(changes=changes, message=message):
            ticket_update(ticket=ticket, by=by, changes=names.changes(changes), message=message)
        case Reply(body=body):
            comment_add(ticket=ticket, by=by, body=body, channel=channel)
        case Note(body=body):
            comment_add(ticket=ticket, by=by, body=body, is_public=False, channel=channel)
        case Accept(comment=comment):
            ticket_accept_resolution(ticket=ticket, by=by, comment=comment, channel=channel)
        case Reject(reason=reason):
            ticket_reject_resolution(ticket=ticket, by=by, reason=reason, channel=channel)
        case Watch(user=user):
            watcher_add(ticket=ticket, user=names.users[user], by=by, channel=channel)
        case Link(source=source, kind=kind, target=target):
            link_add(
                source=names.tickets[source],
                target=names.tickets[target],
                kind=kind,
                by=by,
                channel=channel,
            )
        case _:
            raise TypeError(f"unknown demo step {step!r}")
