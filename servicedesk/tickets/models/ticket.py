import re
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from servicedesk.accounts.models import Organisation, SupportGroup
from servicedesk.tickets.choices import (
    OPEN_STATE_LIST,
    OPEN_STATES,
    Channel,
    Impact,
    Kind,
    LinkKind,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models.taxonomy import Category, ConfigurationItem

USER = settings.AUTH_USER_MODEL


def new_access_token() -> str:
    """192 random bits: the key of the requester's status page, which needs no sign-in."""
    return secrets.token_urlsafe(24)


class IsOpen(models.Func):
    """True for a ticket in one of ``states`` (the open ones): ``state IN ('new', ...)`` with
    the states written into the SQL as literals.

    Every query over open tickets and the partial indexes that serve them share this one
    spelling: SQLite uses a partial index only when the query's condition is written as the
    index's is, and never for an IN list of bound parameters. The indexes name their states
    (``IsOpen(OPEN_STATE_LIST)``), so a change to the open states shows in makemigrations.
    """

    output_field = models.BooleanField()

    def __init__(self, states: tuple[str, ...] = OPEN_STATE_LIST):
        if not all(re.fullmatch(r"[a-z_]+", state) for state in states):
            raise ValueError(f"Not state values: {states!r}")
        self.states = tuple(states)
        super().__init__(models.F("state"))

    def as_sql(self, compiler, connection, **extra_context):
        listed = ", ".join(f"'{state}'" for state in self.states)
        extra_context["template"] = f"%(expressions)s IN ({listed})"
        return super().as_sql(compiler, connection, **extra_context)


_OPEN = Q(IsOpen(OPEN_STATE_LIST))
_RESOLVED = Q(state=State.RESOLVED)


class Ticket(models.Model):
    """An incident, service request, problem or change. Written only through the services."""

    number = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INCIDENT)
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.NEW)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PORTAL)

    requester = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="requested_tickets")
    reported_by = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_tickets",
        help_text="Who logged the ticket for the requester (an agent taking a call).",
    )
    # The requester's organisation, kept on the ticket so visibility is one indexed column.
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )

    # No index: filtering by category tests each row of a list's walk (an index on it would
    # win over the open-ticket indexes below in a planner without statistics).
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    subcategory = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="sub_tickets"
    )
    affected_service = models.ForeignKey(
        ConfigurationItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    configuration_item = models.ForeignKey(
        ConfigurationItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.LOW)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.LOW)
    priority_override_reason = models.CharField(
        max_length=500, blank=True, help_text="Set when the priority differs from the matrix."
    )

    # No index of their own: the open-ticket indexes below begin with these columns.
    assignment_group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    assignee = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        db_index=False,
    )
    watchers = models.ManyToManyField(USER, through="Watch", related_name="watched_tickets")

    custom_fields = models.JSONField(default=dict, blank=True)
    reassignment_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_code = models.CharField(max_length=32, choices=ResolutionCode.choices, blank=True)
    resolution_notes = models.TextField(blank=True)

    # Facts carried over from another system (the ServiceNow import).
    external_ref = models.CharField(max_length=64, blank=True)
    made_sla = models.BooleanField(
        "made SLA (source)",
        null=True,
        blank=True,
        help_text="The SLA outcome the source system recorded.",
    )
    knowledge = models.BooleanField(default=False, help_text="A knowledge article was used.")
    problem_ref = models.CharField(max_length=64, blank=True)
    change_ref = models.CharField(max_length=64, blank=True)

    # Opens the status page without signing in; renewed when the requester changes, so links in
    # mails sent to a former requester stop working.
    access_token = models.CharField(
        max_length=64, unique=True, default=new_access_token, editable=False
    )

    # Bumped on every save; a save that read an older version is refused (edit conflict).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Each list sort has an index to walk, so a page reads about a page of entries: the
        # queues over open and resolved tickets (a small share of the table) walk partial
        # indexes, the lists over all tickets full ones. docs/deployment.md says which serves
        # which list, and why no index leads with a column the lists filter by.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated"),
            models.Index(fields=["priority", "id"], name="ticket_priority"),
            # All tickets of one priority, newest first: the created index walked ~5,500 rows to
            # find fifty of priority 1 (under 1% of a desk's tickets) at a million tickets.
            models.Index(fields=["priority", "-created_at", "-id"], name="ticket_priority_created"),
            models.Index(
                fields=["-updated_at", "-id"], name="ticket_open_updated", condition=_OPEN
            ),
            models.Index(
                fields=["-created_at", "-id"], name="ticket_open_created", condition=_OPEN
            ),
            models.Index(fields=["priority", "id"], name="ticket_open_priority", condition=_OPEN),
            models.Index(fields=["number"], name="ticket_open_number", condition=_OPEN),
            models.Index(
                fields=["assignee", "-updated_at", "-id"],
                name="ticket_open_assignee",
                condition=_OPEN,
            ),
            models.Index(
                fields=["assignment_group", "-updated_at", "-id"],
                name="ticket_open_group",
                condition=_OPEN,
            ),
            models.Index(
                fields=["-updated_at", "-id"], name="ticket_resolved_updated", condition=_RESOLVED
            ),
            models.Index(
                fields=["-created_at", "-id"], name="ticket_resolved_created", condition=_RESOLVED
            ),
            models.Index(
                fields=["priority", "id"], name="ticket_resolved_priority", condition=_RESOLVED
            ),
            models.Index(fields=["number"], name="ticket_resolved_number", condition=_RESOLVED),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            models.Index(fields=["organisation", "-created_at"], name="ticket_org"),
            models.Index(fields=["external_ref"], name="ticket_external_ref"),
            models.Index(fields=["-resolved_at"], name="ticket_resolved_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(impact__in=[1, 2, 3]), name="ticket_impact_range"),
            models.CheckConstraint(condition=Q(urgency__in=[1, 2, 3]), name="ticket_urgency_range"),
            models.CheckConstraint(
                condition=Q(priority__in=[1, 2, 3, 4]), name="ticket_priority_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Watch(models.Model):
    """A user who follows a ticket (and so may see it)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE)
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="watches")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="watch_unique")]
        indexes = [models.Index(fields=["user", "ticket"], name="watch_user")]

    def __str__(self) -> str:
        return f"{self.user} watches {self.ticket}"


class TicketLink(models.Model):
    """A directed relation: ``source`` is <kind> ``target`` (child of, duplicate of, ...)."""

    source = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="link_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="link_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"
