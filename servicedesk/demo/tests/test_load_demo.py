"""``servicedesk load-demo``: a desk with tickets in every state, logins that work, and no harm done
to a database that already has data."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from servicedesk.accounts.choices import Role, Tier
from servicedesk.accounts.models import Organisation, SupportGroup, User
from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.core import clock
from servicedesk.demo.data.directory import PASSWORDS, PEOPLE
from servicedesk.demo.selectors import demo_logins
from servicedesk.sla.models import BusinessCalendar, Clock, CloseTimer, SLAAction, SLATarget
from servicedesk.sla.selectors import ticket_clocks, tickets_breached
from servicedesk.sla.services import JUST_AFTER
from servicedesk.tickets.choices import OPEN_STATES, EventKind, Kind, LinkKind, State
from servicedesk.tickets.models import (
    Category,
    Comment,
    ConfigurationItem,
    Ticket,
    TicketEvent,
    TicketLink,
    Watch,
)
from servicedesk.tickets.selectors import open_tickets, visible_tickets
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def load(*args: str) -> str:
    out = StringIO()
    call_command("load-demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "tickets": Ticket.objects.count(),
        "users": User.objects.count(),
        "events": TicketEvent.objects.count(),
        "comments": Comment.objects.count(),
        "categories": Category.objects.count(),
    }


def test_demo_has_tickets_of_every_kind_in_every_state():
    output = load()

    assert "Demo data loaded: 36 tickets, 17 accounts." in output
    states = dict(Ticket.objects.values_list("state").annotate(n=Count("id")))
    assert set(states) == set(State.values)
    kinds = dict(Ticket.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds[Kind.PROBLEM] == 1 and kinds[Kind.CHANGE] == 1
    assert kinds[Kind.INCIDENT] > kinds[Kind.REQUEST] > 1

    reopened = Ticket.objects.get(title__startswith="External monitors flicker")
    assert (reopened.state, reopened.reopen_count) == (State.IN_PROGRESS, 1)
    assert reopened.events.filter(kind=EventKind.RESOLUTION_REJECTED).count() == 1
    assert set(TicketLink.objects.values_list("kind", flat=True)) >= {
        LinkKind.CHILD_OF,
        LinkKind.DUPLICATE_OF,
    }
    assert Watch.objects.count() >= 3
    assert Comment.objects.filter(is_public=True).count() > 20
    assert Comment.objects.filter(is_public=False).count() > 10
    escalated = Ticket.objects.get(title__startswith="Month-end report")
    assert escalated.assignment_group.tier == Tier.L3
    assert escalated.reassignment_count == 1
    vip = Ticket.objects.get(title__startswith="Laptop does not boot")
    assert (vip.priority, vip.priority_override_reason) == (
        2,
        "VIP: presents to the board tomorrow at 09:00.",
    )

    # Spread over the last weeks, all in the past, and written as the services write.
    oldest = Ticket.objects.order_by("created_at").first().created_at
    assert clock.now() - oldest > timedelta(days=21)
    assert TicketEvent.objects.filter(created_at__gt=clock.now()).count() == 0
    assert Ticket.objects.filter(events__kind=EventKind.CREATED).distinct().count() == 36


def test_demo_directory_has_organisations_groups_at_each_tier_and_a_category_tree():
    load()

    assert Organisation.objects.count() == 3
    assert Organisation.objects.exclude(email_domain="").count() == 1
    assert User.objects.filter(role=Role.END_USER).count() == 8
    assert User.objects.filter(role=Role.END_USER, is_vip=True).count() == 1
    assert User.objects.filter(can_see_organisation_tickets=True).count() == 1
    assert not User.objects.filter(role=Role.END_USER, phone="").exists()
    tiers = dict(SupportGroup.objects.values_list("name", "tier"))
    assert tiers == {
        "Service Desk": Tier.L1,
        "Network Team": Tier.L2,
        "Workplace Support": Tier.L2,
        "Database Engineering": Tier.L3,
    }
    assert SupportGroup.objects.get(name="Service Desk").lead.username == "mo"
    admin = User.objects.get(role=Role.ADMIN)
    assert admin.is_superuser and admin.is_staff
    vpn = Category.objects.get(name="VPN")
    assert (vpn.parent.name, vpn.parent.default_group.name) == ("Network", "Network Team")
    assert Category.objects.filter(parent=None, default_group=None).count() == 0
    assert ConfigurationItem.objects.count() >= 6

    # Ann may see her organisation's tickets; an L1 agent sees only the service desk's.
    ann, lee = User.objects.get(username="ann"), User.objects.get(username="lee")
    assert visible_tickets(ann).filter(requester__username="tom").exists()
    groups = set(visible_tickets(lee).values_list("assignment_group__name", flat=True))
    assert groups == {"Service Desk"}


def test_demo_logins_work_and_are_printed(client):
    output = load()

    for login in demo_logins():
        assert f"{login.username}  " in output and login.password in output
        assert client.login(username=login.username, password=login.password), login.username
        client.logout()
    # The accounts not in the table share their role's password.
    for person in PEOPLE:
        assert client.login(username=person.username, password=PASSWORDS[person.role])
        client.logout()
    assert {login.role for login in demo_logins()} == {role.label for role in Role}


def test_a_second_run_with_if_empty_changes_nothing():
    load("--if-empty")
    before = counts()

    output = load("--if-empty")

    assert counts() == before
    assert output.strip() == "The database already has tickets or accounts: no demo data added."


def test_if_empty_leaves_a_database_with_accounts_alone():
    UserFactory(username="real-user")

    load("--if-empty")

    assert Ticket.objects.count() == 0
    assert list(User.objects.values_list("username", flat=True)) == ["real-user"]


def test_if_empty_still_loads_next_to_a_lone_superuser():
    User.objects.create_superuser("root", "root@example.org", "a-long-secret-1")

    load("--if-empty")

    assert Ticket.objects.count() == 36


def test_refuses_a_database_with_tickets_unless_forced(requester_ann):
    make_ticket(requester=requester_ann)

    with pytest.raises(CommandError, match="already has tickets or accounts"):
        load()
    assert Ticket.objects.count() == 1

    load("--force")
    assert Ticket.objects.count() == 37


def test_force_keeps_the_password_of_an_account_that_already_existed():
    UserFactory(username="lee", password="my-own-password-1")

    load("--force")

    lee = User.objects.get(username="lee")
    assert lee.check_password("my-own-password-1")
    assert lee.role == Role.AGENT


def test_the_l1_group_is_the_configured_default_group(settings):
    settings.SERVICEDESK_DEFAULT_GROUP = "Helpdesk"

    load()

    helpdesk = SupportGroup.objects.get(name="Helpdesk")
    assert helpdesk.tier == Tier.L1
    assert not SupportGroup.objects.filter(name="Service Desk").exists()
    assert set(helpdesk.members.values_list("username", flat=True)) == {"mo", "lee", "sam"}
    assert Ticket.objects.filter(assignment_group=helpdesk).count() > 5


def test_demo_tickets_run_under_sla_policies_some_breached_some_running(settings, time_machine):
    settings.TIME_ZONE = "Europe/London"
    # Wednesday 4 March 2026, 18:30 in London: the demo's "today" ended at 17:00.
    time_machine.move_to(datetime(2026, 3, 4, 18, 30, tzinfo=UTC), tick=False)
    load()

    calendar = BusinessCalendar.objects.get()
    assert (calendar.name, calendar.timezone, calendar.is_default) == (
        "Service desk hours", "Europe/London", True,
    )  # fmt: skip
    assert (calendar.country, calendar.subdivision) == ("GB", "ENG")
    assert calendar.hours["mon"] == [["08:00", "18:00"]] and "sat" not in calendar.hours
    targets = {
        (t.policy.name, t.metric, t.priority): t.duration
        for t in SLATarget.objects.select_related("policy")
    }
    urgent, standard = "Critical and high incidents and requests", "Standard incidents and requests"
    hours = timedelta(hours=1)
    assert targets == {
        (urgent, "response", 1): hours / 4, (urgent, "response", 2): hours,
        (urgent, "resolution", 1): 4 * hours, (urgent, "resolution", 2): 8 * hours,
        (standard, "response", 3): 4 * hours, (standard, "response", 4): 8 * hours,
        (standard, "resolution", 3): 24 * hours, (standard, "resolution", 4): 40 * hours,
    }  # fmt: skip
    actions = set(SLAAction.objects.values_list("policy__name", "threshold", "metric", "action"))
    assert (urgent, 100, "response", "escalate_tier") in actions
    assert {(standard, 75, "", "notify_assignee"), (standard, 90, "", "notify_lead")} <= actions

    def levels(title: str) -> dict[str, str]:
        ticket = Ticket.objects.get(title__startswith=title)
        return {c.metric: c.level for c in ticket_clocks(ticket=ticket, now=clock.now())}

    # Problems and changes run under no policy.
    assert not Clock.objects.filter(ticket__kind__in=[Kind.PROBLEM, Kind.CHANGE]).exists()
    assert levels("Laptop does not boot") == {"response": "met", "resolution": "breached"}
    assert levels("Month-end report") == {"response": "met", "resolution": "paused"}
    assert levels("Second monitor") == {"response": "ok", "resolution": "ok"}
    assert levels("Access to the Finance shared drive")["resolution"] == "warning"
    assert levels("New keyboard and mouse") == {"response": "breached", "resolution": "met"}
    assert levels("Adobe Acrobat")["resolution"] == "cancelled"

    # The sweep ran as the worker would have: each breach on the timeline when it happened.
    laptop = Ticket.objects.get(title__startswith="Laptop does not boot")
    breach = laptop.events.get(kind=EventKind.SLA_BREACHED)
    # The target ran out at 16:50; the breach is checked just after (a stop at 16:50 is met).
    assert breach.created_at == datetime(2026, 3, 2, 16, 50, tzinfo=UTC) + JUST_AFTER
    assert breach.message == "Resolution target of 8h breached."
    # Nothing escalated: every urgent ticket was answered in time.
    assert not TicketEvent.objects.filter(message__contains="escalated to").exists()

    mo = User.objects.get(username="mo")  # sees every ticket
    breached = tickets_breached(open_tickets(mo))
    assert breached.count() == 9
    assert Ticket.objects.filter(state__in=OPEN_STATES).count() == 20


def test_resolved_demo_tickets_wait_for_their_requesters_verdict(time_machine):
    time_machine.move_to(datetime(2026, 3, 4, 18, 30, tzinfo=UTC), tick=False)
    load()
    timers = CloseTimer.objects.select_related("ticket")
    assert {t.ticket.state for t in timers} == {State.RESOLVED}
    assert timers.count() == Ticket.objects.filter(state=State.RESOLVED).count() == 4
    # Two weeks from each resolution: none closes on the worker's first sweep.
    assert all(t.close_at > datetime(2026, 3, 4, 18, 30, tzinfo=UTC) for t in timers)
    assert {t.quiet_period for t in timers} == {timedelta(days=14)}
