"""The shapes the demo data is written in: people, and tickets told as a story of steps.

Names stand in for records (usernames, group names, "Category > Subcategory", CI names, ticket
keys); the loader turns them into records. Step times are hours after the ticket was raised.
"""

from dataclasses import dataclass, field
from typing import Any

from servicedesk.accounts.choices import Role
from servicedesk.tickets.choices import Channel, Impact, Kind


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str = ""
    organisation: str = ""
    groups: tuple[str, ...] = ()
    vip: bool = False
    sees_organisation: bool = False
    sees_all: bool = False
    # Shown in the table of demo logins printed by load-demo and serve.
    note: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


@dataclass(frozen=True)
class Step:
    at: float  # hours after the ticket was raised
    by: str  # username of who acts


@dataclass(frozen=True)
class Update(Step):
    """An agent changes fields; values name records ("category": "Network > VPN")."""

    changes: dict[str, Any]
    message: str = ""


@dataclass(frozen=True)
class Reply(Step):
    body: str


@dataclass(frozen=True)
class Note(Step):
    """An internal note, which only agents see."""

    body: str


@dataclass(frozen=True)
class Accept(Step):
    comment: str = ""


@dataclass(frozen=True)
class Reject(Step):
    reason: str


@dataclass(frozen=True)
class Watch(Step):
    user: str


@dataclass(frozen=True)
class Link(Step):
    """``source`` is <kind> ``target``; both are keys of tickets raised before this step."""

    source: str
    kind: str
    target: str


@dataclass(frozen=True)
class TicketStory:
    key: str
    # Raised this many days before the demo's last working day, at this local time ("HH:MM").
    days_ago: int
    time: str
    requester: str
    title: str
    description: str
    kind: str = Kind.INCIDENT
    channel: str = Channel.PORTAL
    by: str = ""  # who logged it, when not the requester (an agent taking a call)
    category: str = ""  # "Category > Subcategory"
    impact: int = Impact.LOW
    urgency: int = Impact.LOW
    priority: int | None = None
    priority_override_reason: str = ""
    service: str = ""
    ci: str = ""
    group: str = ""
    assignee: str = ""
    watchers: tuple[str, ...] = ()
    steps: tuple[Step, ...] = field(default=())
