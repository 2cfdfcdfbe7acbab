"""The agents' dashboard as the API shows it (docs/metrics.md defines each figure)."""

from rest_framework import serializers

from servicedesk.api.serializers.common import Ref, choices_of, enum_field
from servicedesk.tickets.choices import Priority, State


class StateCount(serializers.Serializer):
    state = enum_field("TicketState", choices_of(State))
    count = serializers.IntegerField()


class PriorityCount(serializers.Serializer):
    priority = enum_field("Priority", choices_of(Priority))
    count = serializers.IntegerField()


class MineFigures(serializers.Serializer):
    open = serializers.IntegerField(help_text="Open tickets assigned to you.")
    by_state = StateCount(many=True, help_text="Every open state, in workflow order.")


class WaitingFigures(serializers.Serializer):
    user = serializers.IntegerField(help_text="Awaiting user.")
    vendor = serializers.IntegerField(help_text="Awaiting vendor.")
    change = serializers.IntegerField(help_text="Awaiting change.")


class TeamFigures(serializers.Serializer):
    open = serializers.IntegerField()
    by_state = StateCount(many=True)
    by_priority = PriorityCount(many=True)
    unassigned = serializers.IntegerField(help_text="Open and assigned to nobody.")
    waiting = WaitingFigures()
    reopened = serializers.IntegerField(help_text="Open, and reopened at least once.")


class SlaFigures(serializers.Serializer):
    breaching_soon = serializers.IntegerField(
        help_text="Open tickets you may see with an SLA clock due within `soon_hours`, or "
        "overdue: the desk's Breaching soon queue."
    )
    mine_breaching_soon = serializers.IntegerField(
        help_text="Of those, the ones assigned to you: Breaching soon with assignee = you."
    )
    breached = serializers.IntegerField(
        help_text="Open tickets you may see with a breached SLA clock: the Breached queue."
    )
    soon_hours = serializers.IntegerField(help_text="SERVICEDESK_SLA_SOON_HOURS.")


class DayFigures(serializers.Serializer):
    date = serializers.DateField(help_text="A day of the desk's time zone.")
    start = serializers.DateTimeField(help_text="Its first instant (midnight there).")
    end = serializers.DateTimeField(help_text="The next day's first instant.")
    created = serializers.IntegerField()
    resolved = serializers.IntegerField()


class GroupFigures(serializers.Serializer):
    group = Ref(allow_null=True, help_text="null: open tickets that reached no group.")
    open = serializers.IntegerField()
    oldest_created_at = serializers.DateTimeField()
    oldest_age_seconds = serializers.IntegerField()


class OldestTicket(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField()
    state = enum_field("TicketState", choices_of(State))
    priority = enum_field("Priority", choices_of(Priority))
    assignment_group = Ref(allow_null=True)
    assignee = Ref(allow_null=True)
    created_at = serializers.DateTimeField()
    age_seconds = serializers.IntegerField()


class DashboardOutput(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    time_zone = serializers.CharField(help_text="The zone whose days `days` counts.")
    scope = serializers.ChoiceField(
        choices=["groups", "all"],
        help_text="What `team` and `oldest` cover: your groups' open tickets, or every open "
        "ticket for those who may see all.",
    )
    mine = MineFigures()
    team = TeamFigures()
    sla = SlaFigures()
    days = DayFigures(many=True, help_text="The last 14 days, oldest first, today last.")
    groups = GroupFigures(
        many=True,
        allow_null=True,
        help_text="Open work per group, busiest first; null unless you lead or see all.",
    )
    oldest = OldestTicket(many=True, help_text="The ten oldest open tickets, oldest first.")
