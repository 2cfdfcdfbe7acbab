"""The one filter set for ticket lists, shared by the desk and the REST API."""

from datetime import UTC

import django_filters as df
from django import forms
from django.db.models import ExpressionWrapper, F, IntegerField, Q

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.tickets.choices import Channel, Impact, Kind, Priority, State
from servicedesk.tickets.models import Category, IsOpen, Ticket
from servicedesk.tickets.search import search_tickets

ORDERING = {
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "priority": ("priority", "id"),
    "number": ("number",),
    "state": ("state", "id"),
}


class _IsoInstantField(df.fields.IsoDateTimeField):
    """An ISO 8601 instant that also exists in UTC (far-off offsets at year 1 or 9999 do not)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value.astimezone(UTC)
            except OverflowError:
                raise forms.ValidationError(
                    "Enter a date and time between years 1 and 9999."
                ) from None
        return value


class InstantFilter(df.IsoDateTimeFilter):
    field_class = _IsoInstantField


def _choices(choices) -> df.MultipleChoiceFilter:
    # Every filter is on a column of the ticket itself, so no row can come twice: without
    # distinct=False (django-filter's default is True) the list would be a SELECT DISTINCT,
    # which reads every matching ticket before the first page instead of walking an index.
    return df.MultipleChoiceFilter(choices=choices, distinct=False)


class TicketFilter(df.FilterSet):
    kind = _choices(Kind.choices)
    state = _choices(State.choices)
    priority = df.MultipleChoiceFilter(
        choices=Priority.choices, distinct=False, method="filter_priority"
    )
    impact = _choices(Impact.choices)
    urgency = _choices(Impact.choices)
    channel = _choices(Channel.choices)
    group = df.ModelChoiceFilter(field_name="assignment_group", queryset=SupportGroup.objects.all())
    assignee = df.ModelChoiceFilter(queryset=User.objects.all())
    # Plain ids: a list filtered by someone you may not see is empty, not an error that would
    # tell whether that person or organisation exists.
    requester = df.NumberFilter(field_name="requester_id", min_value=1, max_value=2**63 - 1)
    organisation = df.NumberFilter(field_name="organisation_id", min_value=1, max_value=2**63 - 1)
    category = df.ModelChoiceFilter(queryset=Category.objects.filter(parent=None))
    unassigned = df.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    is_open = df.BooleanFilter(method="filter_open", label="Open")
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")
    created_before = InstantFilter(field_name="created_at", lookup_expr="lt")
    # The reports' drilldowns: the tickets a period's "resolved" figure counts.
    resolved_after = InstantFilter(field_name="resolved_at", lookup_expr="gte")
    resolved_before = InstantFilter(field_name="resolved_at", lookup_expr="lt")
    q = df.CharFilter(method="filter_text", label="Text")

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return queryset.filter(IsOpen()) if value else queryset.exclude(IsOpen())

    def filter_priority(self, queryset, name, value):
        # Tested on each row the list's index walk reads, never looked up in the priority
        # index: one priority holds nine tickets in ten, and a planner without statistics
        # (SQLite) would read all of them, in every state, before an open queue's first page.
        if not value:
            return queryset
        row_priority = ExpressionWrapper(F("priority") + 0, output_field=IntegerField())
        return queryset.alias(row_priority=row_priority).filter(
            row_priority__in=[int(v) for v in value]
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = value.upper()
        if len(number) > 3 and number[:3] in {"INC", "REQ", "PRB", "CHG"} and number[3:].isdigit():
            return queryset.filter(Q(number=number) | Q(external_ref=number))
        return search_tickets(queryset, value)
