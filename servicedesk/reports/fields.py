"""The fields a report can be cut by (``by``) and filtered on (``--filter k=v``): each is one
column of the ticket, with how its values are labelled, parsed and linked to the desk's ticket
list."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from servicedesk.accounts.models import Organisation, SupportGroup, User
from servicedesk.reports.types import ReportError
from servicedesk.tickets.choices import Channel, Kind, Priority
from servicedesk.tickets.models import Category

NONE_LABEL = "(none)"


def _user_label(user: User) -> str:
    return user.display_name or user.get_full_name() or user.username


@dataclass(frozen=True)
class Field:
    """One ticket column reports group and filter by.

    ``list_param`` is the desk ticket list's query parameter for the same column (the drilldown
    links), and ``none_param`` the list's parameter that selects the tickets without a value
    (only "unassigned" exists)."""

    name: str
    label: str
    column: str
    list_param: str
    choices: tuple[tuple[object, str], ...] | None = None
    model: type | None = None
    # How a model row is found from what a user typed besides its id (a name, a user name).
    lookups: tuple[str, ...] = ()
    label_of: Callable | None = None
    none_param: tuple[str, str] | None = None

    def labels(self, keys) -> dict:
        """Labels for the keys that came out of a query: one query for a model field."""
        if self.choices is not None:
            return dict(self.choices)
        wanted = [k for k in keys if k is not None]
        if not wanted:
            return {}
        rows = self.model.objects.filter(pk__in=wanted)
        return {row.pk: (self.label_of(row) if self.label_of else str(row)) for row in rows}

    def parse(self, value: str) -> object:
        """The stored value a filter's text stands for; ReportError if there is none."""
        text = value.strip()
        if self.choices is not None:
            for key, label in self.choices:
                if text.lower() in (str(key).lower(), label.lower()):
                    return key
            allowed = ", ".join(str(k) for k, _ in self.choices)
            raise ReportError(f"Unknown {self.name} {value!r}: use one of {allowed}.")
        if text.isascii() and text.isdigit() and len(text) < 19:
            found = self.model.objects.filter(pk=int(text)).values_list("pk", flat=True).first()
            if found is not None:
                return found
        if text:
            match = Q()
            for lookup in self.lookups:
                match |= Q(**{f"{lookup}__iexact": text})
            found = list(self.model.objects.filter(match).values_list("pk", flat=True)[:2])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ReportError(f"More than one {self.name} is called {value!r}: use its id.")
        raise ReportError(f"Unknown {self.name} {value!r}: give its id or its name.")


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("kind", "Kind", "kind", "kind", choices=tuple(Kind.choices)),
        Field("priority", "Priority", "priority", "priority", choices=tuple(Priority.choices)),
        Field(
            "category",
            "Category",
            "category_id",
            "category",
            model=Category,
            lookups=("name",),
        ),
        Field(
            "group",
            "Group",
            "assignment_group_id",
            "group",
            model=SupportGroup,
            lookups=("name",),
        ),
        Field(
            "agent",
            "Agent",
            "assignee_id",
            "assignee",
            model=User,
            lookups=("username", "email"),
            label_of=_user_label,
            none_param=("unassigned", "true"),
        ),
        Field("channel", "Channel", "channel", "channel", choices=tuple(Channel.choices)),
        Field(
            "organisation",
            "Organisation",
            "organisation_id",
            "organisation",
            model=Organisation,
            lookups=("name",),
        ),
    )
}


def field_named(name: str) -> Field:
    try:
        return FIELDS[name]
    except KeyError:
        raise ReportError(f"Unknown field {name!r}: use one of {', '.join(FIELDS)}.") from None
