import pytest


@pytest.mark.parametrize("url", ["/desk/", "/desk/tickets/?queue=open", "/desk/call/"])
def test_anonymous_goes_to_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_end_user_is_sent_to_the_portal(as_user, requester_ann, sd_ticket):
    client = as_user(requester_ann)
    for url in ("/desk/", f"/desk/tickets/{sd_ticket.number}/", "/desk/call/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == "/portal/"
    response = client.post(f"/desk/tickets/{sd_ticket.number}/edit/", {"state": "closed"})
    assert response.url == "/portal/"


def test_agents_leads_and_admins_get_the_desk(as_user, agent_l1_lee, lead_mo, admin_ada):
    for user in (agent_l1_lee, lead_mo, admin_ada):
        response = as_user(user).get("/desk/")
        assert response.status_code == 200
        assert b"Assigned to me" in response.content
