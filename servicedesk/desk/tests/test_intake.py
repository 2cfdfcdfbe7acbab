from servicedesk.tickets.choices import Channel, Kind, State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket


def test_caller_found_by_phone_whatever_the_punctuation(
    as_user, agent_l1_lee, requester_ann, requester_bob, service_desk, network_team
):
    requester_ann.phone = "+44 20 7946 0001"
    requester_ann.save()
    seen = make_ticket(
        requester=requester_ann, title="Keyboard sticky", assignment_group=service_desk
    )
    hidden = make_ticket(
        requester=requester_ann, title="Core switch down", assignment_group=network_team
    )

    response = as_user(agent_l1_lee).get("/desk/call/", {"caller": "020 7946-0001"})
    assert response.status_code == 200
    assert [u.username for u in response.context["callers"]] == ["ann"]
    body = response.content.decode()
    assert "Ann Requester" in body and "Acme" in body
    # Only the caller's tickets that the agent may see.
    assert seen.number in body
    assert hidden.number not in body and "Core switch down" not in body


def test_caller_found_by_name_or_email(as_user, agent_l1_lee, requester_ann, requester_bob):
    client = as_user(agent_l1_lee)
    assert [u.username for u in client.get("/desk/call/?caller=requester").context["callers"]] == [
        "ann",
        "bob",
    ]
    assert [
        u.username for u in client.get("/desk/call/?caller=BOB@EXAMPLE").context["callers"]
    ] == ["bob"]
    short = client.get("/desk/call/?caller=a")
    assert short.context["callers"] == []
    assert "Type at least 2 characters." in short.content.decode()


def test_logging_a_call_creates_a_phone_ticket_reported_by_the_agent(
    as_user, agent_l1_lee, requester_ann, service_desk
):
    client = as_user(agent_l1_lee)
    picked = client.get(f"/desk/call/?caller=ann&requester={requester_ann.pk}")
    assert picked.context["caller"] == requester_ann
    assert f'name="requester" value="{requester_ann.pk}"' in picked.content.decode()

    response = client.post("/desk/call/?caller=ann", {
        "requester": requester_ann.pk, "title": "Cannot log in to payroll",
        "description": "Says the account is locked.", "kind": Kind.INCIDENT,
        "impact": 2, "urgency": 1,
    })  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == f"/desk/tickets/{ticket.number}/"
    assert ticket.channel == Channel.PHONE
    assert ticket.requester == requester_ann
    assert ticket.reported_by == agent_l1_lee
    assert (ticket.impact, ticket.urgency, ticket.priority) == (2, 1, 2)
    assert ticket.assignment_group == service_desk
    assert ticket.events.get().actor == agent_l1_lee


def test_call_form_errors_keep_the_caller_and_the_input(as_user, agent_l1_lee, requester_ann):
    response = as_user(agent_l1_lee).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "", "description": "Typed text stays",
        "kind": Kind.INCIDENT, "impact": 3, "urgency": 3,
    })  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert "Typed text stays" in body
    assert response.context["caller"] == requester_ann
    assert not Ticket.objects.exists()


def test_new_ticket_any_kind_and_channel(as_user, agent_l1_lee, requester_bob, service_desk):
    response = as_user(agent_l1_lee).post("/desk/tickets/new/", {
        "requester": requester_bob.pk, "title": "New starter laptop", "kind": Kind.REQUEST,
        "channel": Channel.EMAIL, "impact": 3, "urgency": 2, "assignment_group": service_desk.pk,
    })  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.url == f"/desk/tickets/{ticket.number}/"
    assert ticket.number.startswith("REQ")
    assert (ticket.channel, ticket.requester, ticket.reported_by) == (
        Channel.EMAIL,
        requester_bob,
        agent_l1_lee,
    )
    assert ticket.state == State.NEW


def test_ticket_routed_outside_the_agents_groups(
    as_user, agent_l2_kim, requester_ann, service_desk
):
    client = as_user(agent_l2_kim)
    response = client.post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Desk phone dead", "kind": Kind.INCIDENT,
        "impact": 3, "urgency": 3,
    }, follow=True)  # fmt: skip
    ticket = Ticket.objects.get()
    assert ticket.assignment_group == service_desk
    assert response.redirect_chain[-1][0] == "/desk/"
    assert (
        f"{ticket.number} went to Service Desk, outside your groups." in response.content.decode()
    )


def test_the_number_of_a_ticket_out_of_reach_is_not_a_link(
    as_user, agent_l2_kim, requester_ann, service_desk
):
    response = as_user(agent_l2_kim).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Desk phone dead", "kind": Kind.INCIDENT,
        "impact": 3, "urgency": 3,
    }, follow=True)  # fmt: skip
    number = Ticket.objects.get().number
    body = response.content.decode()
    assert f"{number} went to Service Desk" in body
    assert f'href="/desk/tickets/{number}/"' not in body


def test_a_call_routed_elsewhere_by_someone_who_sees_it_opens_the_ticket(
    as_user, admin_ada, requester_ann, service_desk
):
    response = as_user(admin_ada).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Desk phone dead", "kind": Kind.INCIDENT,
        "impact": 3, "urgency": 3,
    }, follow=True)  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.redirect_chain == [(f"/desk/tickets/{ticket.number}/", 302)]
    body = response.content.decode()
    assert f"{ticket.number} created for Ann Requester." in body
    assert (
        f'<a href="/desk/tickets/{ticket.number}/">{ticket.number}</a> went to Service Desk, '
        "outside your groups." in body
    )


def test_a_call_kept_in_the_agents_group_says_only_that_it_was_created(
    as_user, agent_l1_lee, requester_ann, service_desk
):
    response = as_user(agent_l1_lee).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Desk phone dead", "kind": Kind.INCIDENT,
        "impact": 3, "urgency": 3,
    }, follow=True)  # fmt: skip
    number = Ticket.objects.get().number
    assert response.redirect_chain == [(f"/desk/tickets/{number}/", 302)]
    body = response.content.decode()
    assert f"{number} created for Ann Requester." in body
    assert "outside your groups" not in body
