"""The one filter set for ticket lists, shared by the desk and the REST API."""

import django_filters as df
from django.db.models import Q

from servicedesk.accounts.models import Organisation, SupportGroup, User
from servicedesk.tickets.choices import OPEN_STATES, Channel, Impact, Kind, Priority, State
from servicedesk.tickets.models import Category, Ticket

ORDERING = {
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "priority": ("priority", "id"),
    "number": ("number",),
    "state": ("state", "id"),
}


class TicketFilter(df.FilterSet):
    kind = df.MultipleChoiceFilter(choices=Kind.choices)
    state = df.MultipleChoiceFilter(choices=State.choices)
    priority = df.MultipleChoiceFilter(choices=Priority.choices)
    impact = df.MultipleChoiceFilter(choices=Impact.choices)
    urgency = df.MultipleChoiceFilter(choices=Impact.choices)
    channel = df.MultipleChoiceFilter(choices=Channel.choices)
    group = df.ModelChoiceFilter(field_name="assignment_group", queryset=SupportGroup.objects.all())
    assignee = df.ModelChoiceFilter(queryset=User.objects.all())
    requester = df.ModelChoiceFilter(queryset=User.objects.all())
    organisation = df.ModelChoiceFilter(queryset=Organisation.objects.all())
    category = df.ModelChoiceFilter(queryset=Category.objects.filter(parent=None))
    unassigned = df.BooleanFilter(field_name="assignee", lookup_expr="isnull")
    is_open = df.BooleanFilter(method="filter_open", label="Open")
    created_after = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    q = df.CharFilter(method="filter_text", label="Text")

    class Meta:
        model = Ticket
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return (
            queryset.filter(state__in=OPEN_STATES)
            if value
            else queryset.exclude(state__in=OPEN_STATES)
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = value.upper()
        if len(number) > 3 and number[:3] in {"INC", "REQ", "PRB", "CHG"} and number[3:].isdigit():
            return queryset.filter(Q(number=number) | Q(external_ref=number))
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
