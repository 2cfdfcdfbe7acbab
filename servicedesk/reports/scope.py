"""What a report runs over: the tickets the user may see, narrowed by the query's filters, the
date range as instants of the desk's time zone, and the drilldown parameters they imply."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import Membership, User
from servicedesk.accounts.selectors import ticket_visibility_q
from servicedesk.core import clock
from servicedesk.reports.fields import FIELDS, Field
from servicedesk.reports.registry import report_info
from servicedesk.reports.types import ReportInfo, ReportPermissionDenied, ReportQuery
from servicedesk.tickets.models import Ticket


def midnight(day: date, zone: tzinfo) -> datetime:
    """The instant (UTC) a day of ``zone`` starts: 23 or 25 hours before the next across DST."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def sees_every_agent(user: User | None) -> bool:
    """Leads and admins see every agent's figures; an agent those of their groups' members."""
    return user is None or user.is_superuser or user.role in (Role.ADMIN, Role.LEAD)


def agents_seen(user: User) -> QuerySet:
    """Ids of the agents whose figures ``user`` (an agent) may see: themselves and the members
    of their groups."""
    mine = Membership.objects.filter(user_id=user.pk).values("group_id")
    return Membership.objects.filter(group_id__in=mine).values("user_id")


@dataclass
class Scope:
    user: User | None
    query: ReportQuery
    info: ReportInfo
    zone: tzinfo
    now: datetime
    # The range as instants; None where the query leaves it open.
    start: datetime | None
    end: datetime | None
    # Visible tickets with the filters applied, no date range.
    tickets: QuerySet
    by: Field | None
    # The filters as the desk list's query parameters.
    list_params: dict[str, str]

    def created(self) -> QuerySet:
        """The tickets created in the range: the population of every report but volume and
        backlog."""
        return self.in_range(self.tickets, "created_at")

    def in_range(self, qs: QuerySet, column: str) -> QuerySet:
        if self.start is not None:
            qs = qs.filter(**{f"{column}__gte": self.start})
        if self.end is not None:
            qs = qs.filter(**{f"{column}__lt": self.end})
        return qs

    def drill(self, *, start=None, end=None, **params) -> dict[str, str]:
        """The desk list's parameters for the scope's tickets created in [start, end) (the
        query's range by default), with ``params`` added."""
        out = dict(self.list_params)
        start = start if start is not None else self.start
        end = end if end is not None else self.end
        if start is not None:
            out["created_after"] = start.astimezone(self.zone).isoformat()
        if end is not None:
            out["created_before"] = end.astimezone(self.zone).isoformat()
        out.update({k: str(v) for k, v in params.items()})
        return out

    def drill_by(self, key, **params) -> dict[str, str] | None:
        """``drill`` for one value of the ``by`` field; None where the list cannot select it."""
        if self.by is None:
            return self.drill(**params)
        if key is None:
            if self.by.none_param is None:
                return None
            return self.drill(**{self.by.none_param[0]: self.by.none_param[1]}, **params)
        return self.drill(**{self.by.list_param: key}, **params)


def scope_for(*, user: User | None, query: ReportQuery) -> Scope:
    """The scope of ``query`` for ``user`` (None: the command line, which sees everything).
    Raises ReportPermissionDenied for someone who is not an agent."""
    info = report_info(query.name)
    if user is not None and not user.is_agent:
        raise ReportPermissionDenied("Reports are for agents, leads and admins.")
    tickets = Ticket.objects.order_by()
    if user is not None:
        seen = ticket_visibility_q(user)
        if seen is not None:
            tickets = tickets.filter(seen)
    list_params = {}
    for name, text in query.filters.items():
        f = FIELDS[name]
        value = f.parse(text)
        tickets = tickets.filter(**{f.column: value})
        list_params[f.list_param] = str(value)
    per_agent = query.by == "agent" or query.name == "agents" or "agent" in query.filters
    if per_agent and not sees_every_agent(user):
        # An agent sees the figures of their groups' members (and of no one assigned).
        tickets = tickets.filter(Q(assignee_id=None) | Q(Exists(
            agents_seen(user).filter(user_id=OuterRef("assignee_id"))
        )))  # fmt: skip
    zone = timezone.get_default_timezone()
    start = midnight(query.date_from, zone) if query.date_from else None
    end = midnight(query.date_to + timedelta(days=1), zone) if query.date_to else None
    return Scope(
        user=user,
        query=query,
        info=info,
        zone=zone,
        now=clock.now(),
        start=start,
        end=end,
        tickets=tickets,
        by=FIELDS[query.by] if query.by else None,
        list_params=list_params,
    )
