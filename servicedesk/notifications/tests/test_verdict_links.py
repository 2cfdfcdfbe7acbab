"""The accept and reject links of the "resolved" mail, followed without signing in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from servicedesk.core.models import OutboxMessage
from servicedesk.notifications.tokens import verdict_token
from servicedesk.tickets.choices import Channel, EventKind, State
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.tickets.services import ticket_reopen, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://127\.0\.0\.1:8000(/portal/resolution/[^/\s]+/(?:accept|reject)/)")


@pytest.fixture
def resolved(requester_ann, agent_l1_lee, service_desk):
    ticket = make_ticket(requester=requester_ann, title="Wi-Fi drops every hour")
    return ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )


def links(ticket) -> dict[str, str]:
    mail = OutboxMessage.objects.filter(key__startswith=f"notify:resolved:{ticket.pk}:").last()
    found = LINK.findall(mail.body)
    return {path.rsplit("/", 2)[1]: path for path in found}


def test_following_accept_only_asks_then_the_post_closes(client, resolved):
    url = links(resolved)["accept"]
    page = client.get(url)
    assert page.status_code == 200
    assert b"Yes, it is solved" in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED  # a GET changes nothing

    done = client.post(url)
    assert done.status_code == 200
    assert b"Thank you for confirming" in done.content
    ticket = Ticket.objects.get(pk=resolved.pk)
    assert ticket.state == State.CLOSED
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.actor_id, event.channel) == (
        EventKind.RESOLUTION_ACCEPTED,
        resolved.requester_id,
        Channel.EMAIL,
    )


def test_a_used_link_gets_a_clear_page_not_a_second_action(client, resolved):
    url = links(resolved)["accept"]
    client.post(url)
    again = client.post(url)
    assert again.status_code == 410
    assert b"This link has been used" in again.content
    assert b"is closed now" in again.content
    assert TicketEvent.objects.filter(kind=EventKind.RESOLUTION_ACCEPTED).count() == 1
    # The reject link of the same mail is spent too.
    assert client.get(links(resolved)["reject"]).status_code == 410


def test_reject_needs_a_reason_and_reopens(client, resolved):
    url = links(resolved)["reject"]
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    assert b"Please tell us what is still wrong." in empty.content
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED

    done = client.post(url, {"reason": "It dropped again at 10:00"})
    assert done.status_code == 200
    ticket = Ticket.objects.get(pk=resolved.pk)
    assert ticket.state in (State.ASSIGNED, State.IN_PROGRESS)
    assert ticket.reopen_count == 1
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.RESOLUTION_REJECTED).get()
    assert event.message == "It dropped again at 10:00"


def test_a_forged_or_altered_token_is_refused(client, resolved):
    url = links(resolved)["accept"]
    token = url.split("/")[3]
    altered = reverse(
        "portal:verdict_accept", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")]
    )
    for bad in (altered, reverse("portal:verdict_accept", args=["not-a-token"])):
        response = client.post(bad)
        assert response.status_code == 400
        assert b"This link is not valid" in response.content
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED


def test_an_expired_link_is_refused(client, settings, resolved):
    settings.SERVICEDESK_VERDICT_LINK_DAYS = 3
    url = links(resolved)["accept"]
    with time_machine.travel(timedelta(days=3, minutes=1)):
        response = client.post(url)
    assert response.status_code == 410
    assert b"This link has expired" in response.content
    assert b"work for 3 days" in response.content
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED


def test_a_link_of_an_earlier_resolution_does_not_act_on_a_later_one(
    client, resolved, agent_l1_lee
):
    old = links(resolved)["accept"]
    ticket_reopen(ticket=resolved, by=agent_l1_lee, reason="Came back")
    with time_machine.travel(timedelta(minutes=5)):
        again = ticket_update(
            ticket=resolved, by=agent_l1_lee,
            changes={"state": State.RESOLVED, "resolution_code": "solved"},
        )  # fmt: skip
        assert client.post(old).status_code == 410
        assert client.post(links(again)["accept"]).status_code == 200


def test_a_link_mailed_to_an_earlier_requester_stops_working(
    client, resolved, agent_l1_lee, requester_bob
):
    token = verdict_token(resolved)
    Ticket.objects.filter(pk=resolved.pk).update(access_token="changed-with-the-requester")
    response = client.post(reverse("portal:verdict_accept", args=[token]))
    assert response.status_code == 404
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED


def test_a_ticket_that_is_gone_is_a_clear_page(client, resolved):
    token = verdict_token(resolved)
    # A token for a ticket id that does not exist (signed, so only the desk could make it).
    resolved.pk = 999_999
    ghost = verdict_token(resolved)
    assert client.get(reverse("portal:verdict_accept", args=[ghost])).status_code == 404
    assert client.get(reverse("portal:verdict_reject", args=[token])).status_code == 200
