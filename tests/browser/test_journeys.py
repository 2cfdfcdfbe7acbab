"""Journeys through the portal and the desk in a real browser, as end users and agents do them.

Each person works in a browser context of their own, so their sessions never mix. Data that a
journey does not itself create through the pages is made with the real services beforehand.
"""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket
from tests.browser.conftest import screenshot, sign_in

# The live server reads what the tests write, so the data must be committed, not rolled back.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMBER = re.compile(r"INC\d{7}")
# A real PNG header and binary bytes, so a download that re-encodes or truncates is caught.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def test_end_user_raises_an_incident_with_a_file_and_downloads_it(page: Page, requester_ann):
    sign_in(page, "ann")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hello Ann Requester, how can we help?"
    )

    page.get_by_role("link", name="Report a problem", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a problem")
    page.get_by_label("In a few words, what is it about?").fill("Printer on floor 3 jams")
    page.get_by_label("Tell us more").fill("Every print job stops with a paper jam in tray 2.")
    page.get_by_label("A few people or my team").check()
    page.get_by_label("Now: I cannot work").check()
    page.get_by_label("Attach files").set_input_files(
        {"name": "printer-jam.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="Send").click()

    expect(page).to_have_url(re.compile(r"/portal/tickets/INC\d{7}/$"))
    number = NUMBER.search(page.url).group()
    expect(page.get_by_role("status")).to_have_text(
        f"Thank you. We have your ticket {number} and will be in touch."
    )
    expect(page.locator(".portal-ticket-head")).to_contain_text(f"Incident {number}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Printer on floor 3 jams")
    state = page.locator(".portal-state")
    expect(state).to_contain_text("Received")
    expect(state).to_contain_text("We have your ticket and will pick it up soon.")
    expect(page.locator(".portal-facts dt:text-is('Raised for') + dd")).to_have_text(
        "Ann Requester"
    )
    expect(page.locator(".portal-conversation")).to_contain_text("You raised this ticket.")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="printer-jam.png").click()
    download = download_info.value
    assert download.suggested_filename == "printer-jam.png"
    assert Path(download.path()).read_bytes() == PNG

    ticket = Ticket.objects.get(number=number)
    assert (ticket.requester, ticket.channel) == (requester_ann, "portal")
    assert (ticket.impact, ticket.urgency) == (2, 1)  # the answers picked on the form


def _desk_ticket(page: Page, number: str) -> None:
    page.goto(f"/desk/tickets/{number}/")
    expect(page.locator(".desk-ticket-head h1")).to_contain_text(number)


def _fact(page: Page, term: str):
    """The value beside a term in the desk ticket's details list."""
    return page.locator(f"dl.desk-fields dt:text-is('{term}') + dd")


def _resolve(page: Page, *, code: str, notes: str) -> None:
    form = page.locator("#update")
    form.locator("[name=state]").select_option(label="Resolved")
    form.locator("[name=resolution_code]").select_option(label=code)
    form.locator("[name=resolution_notes]").fill(notes)
    form.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("updated.")


def test_agent_takes_a_ticket_replies_and_notes_and_the_user_sees_only_the_reply(
    open_page, requester_ann, agent_l1_lee
):
    ticket = make_ticket(
        requester=requester_ann,
        title="Printer on floor 3 jams",
        description="Every print job stops with a paper jam in tray 2.",
    )
    number = ticket.number
    lee = open_page()
    sign_in(lee, "lee")

    queues = lee.get_by_role("navigation", name="Queues")
    unassigned = queues.get_by_role("link", name=re.compile(r"^Unassigned"))
    expect(unassigned).to_have_text(re.compile(r"Unassigned\s*1$"))
    unassigned.click()
    expect(lee).to_have_url(re.compile(r"/desk/tickets/\?queue=unassigned$"))
    expect(lee.get_by_role("heading", level=1)).to_have_text("Unassigned")
    row = lee.locator("table.desk-table tbody tr", has_text=number)
    expect(row).to_contain_text("Printer on floor 3 jams")
    expect(row).to_contain_text("Service Desk")
    expect(row).to_contain_text("unassigned")
    row.get_by_role("link", name=number).click()

    expect(lee).to_have_url(re.compile(rf"/desk/tickets/{number}/$"))
    expect(lee.locator(".desk-head-badges")).to_contain_text("New")
    lee.locator("#update [name=assignee]").select_option(label="Lee Agent")
    lee.locator("#update [name=state]").select_option(label="In progress")
    lee.get_by_role("button", name="Save changes").click()
    expect(lee.get_by_role("status")).to_have_text(f"{number} updated.")
    expect(lee.locator(".desk-head-badges")).to_contain_text("In progress")
    expect(_fact(lee, "Assignee")).to_have_text("Lee Agent")

    reply = lee.locator("#reply")
    reply.get_by_label("Public reply").check()
    reply.get_by_label("Text").fill("Please take the jammed sheet out of tray 2 and try again.")
    reply.get_by_role("button", name="Send").click()
    expect(lee.get_by_role("status")).to_have_text(f"Reply sent on {number}.")
    reply.get_by_label("Internal note").check()
    reply.get_by_label("Text").fill("Fuser unit is worn; order a spare from the supplier.")
    reply.get_by_role("button", name="Send").click()
    expect(lee.get_by_role("status")).to_have_text(f"Internal note added on {number}.")

    public = lee.locator("#timeline li.desk-comment.public")
    internal = lee.locator("#timeline li.desk-comment.internal")
    expect(public).to_have_count(1)
    expect(public).to_contain_text("Please take the jammed sheet out of tray 2")
    expect(public.locator(".desk-tag")).to_have_text("Public reply")
    expect(internal).to_have_count(1)
    expect(internal).to_contain_text("Fuser unit is worn")
    expect(internal.locator(".desk-tag")).to_have_text("Internal note")
    screenshot(lee, "desk-ticket")

    ann = open_page()
    sign_in(ann, "ann")
    ann.get_by_role("link", name=re.compile("Printer on floor 3 jams")).click()
    expect(ann).to_have_url(re.compile(rf"/portal/tickets/{number}/$"))
    expect(ann.locator(".portal-state")).to_contain_text("Being worked on")
    message = ann.locator(".portal-message-support")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Lee Agent")
    expect(message).to_contain_text("Support team")
    expect(message).to_contain_text("Please take the jammed sheet out of tray 2 and try again.")
    expect(ann.locator("main")).not_to_contain_text("Fuser unit")
    assert "Fuser unit" not in ann.content()
    screenshot(ann, "portal-ticket")


def test_user_rejects_then_accepts_the_resolution(open_page, requester_ann, agent_l1_lee):
    ticket = make_ticket(requester=requester_ann, title="Printer on floor 3 jams")
    ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"assignee": agent_l1_lee, "state": State.IN_PROGRESS},
    )
    number = ticket.number
    lee, ann = open_page(), open_page()
    sign_in(lee, "lee")
    sign_in(ann, "ann")

    _desk_ticket(lee, number)
    _resolve(lee, code="Solved (permanently)", notes="Cleared the jam and cleaned the rollers.")
    expect(lee.locator(".desk-head-badges")).to_contain_text("Resolved")

    ann.goto(f"/portal/tickets/{number}/")
    verdict = ann.get_by_role("region", name="Is your problem solved?")
    expect(verdict).to_contain_text("Cleared the jam and cleaned the rollers.")
    expect(ann.locator(".portal-state")).to_contain_text("Solved: please confirm")
    verdict.get_by_label("What is still not working?").fill("It jams again on double-sided jobs.")
    verdict.get_by_role("button", name="No, it is not solved: reopen it").click()
    expect(ann.get_by_role("status")).to_have_text(
        "Thank you. We have reopened the ticket and will look again."
    )
    expect(ann.locator(".portal-state")).to_contain_text("Being worked on")
    expect(ann.locator(".portal-conversation")).to_contain_text(
        "You said it is not solved yet: It jams again on double-sided jobs."
    )
    expect(ann.get_by_role("heading", name="Is your problem solved?")).to_have_count(0)

    lee.reload()
    expect(lee.locator(".desk-head-badges")).to_contain_text("In progress")
    expect(_fact(lee, "Reopens")).to_have_text("1")
    expect(lee.locator("#timeline")).to_contain_text("It jams again on double-sided jobs.")
    _resolve(lee, code="Solved (permanently)", notes="Replaced the fuser unit.")
    expect(lee.locator(".desk-head-badges")).to_contain_text("Resolved")

    ann.reload()
    verdict = ann.get_by_role("region", name="Is your problem solved?")
    expect(verdict).to_contain_text("Replaced the fuser unit.")
    verdict.get_by_role("button", name="Yes, it works: close the ticket").click()
    expect(ann.get_by_role("status")).to_have_text(
        "Thank you for confirming. The ticket is now closed."
    )
    expect(ann.locator(".portal-state")).to_contain_text("Closed")
    closed = ann.locator(".portal-closed")
    expect(closed.get_by_role("heading")).to_have_text("This ticket is closed")
    expect(closed).to_contain_text("It takes no more replies.")
    expect(ann.get_by_role("button", name="Send reply")).to_have_count(0)

    lee.reload()
    expect(lee.locator(".desk-head-badges")).to_contain_text("Closed")
    expect(_fact(lee, "Reopens")).to_have_text("1")


def test_second_agent_saving_a_stale_ticket_sees_the_conflict(
    open_page, requester_ann, agent_l1_lee, lead_mo
):
    number = make_ticket(requester=requester_ann, title="Printer on floor 3 jams").number
    lee, mo = open_page(), open_page()
    sign_in(lee, "lee")
    sign_in(mo, "mo")
    _desk_ticket(lee, number)
    _desk_ticket(mo, number)

    lee.locator("#update [name=urgency]").select_option(label="1 - High")
    lee.get_by_role("button", name="Save changes").click()
    expect(lee.get_by_role("status")).to_have_text(f"{number} updated.")
    expect(_fact(lee, "Impact / urgency")).to_have_text("3 - Low / 1 - High")

    mo.locator("#update [name=urgency]").select_option(label="2 - Medium")
    mo.get_by_role("button", name="Save changes").click()
    conflict = mo.locator(".desk-conflict")
    expect(conflict).to_contain_text(
        f"{number} was changed by someone else while you were editing."
    )
    expect(conflict).to_contain_text("Nothing was saved.")
    # Mo's choice is kept in the form to apply again; the ticket holds Lee's.
    expect(mo.locator("#update [name=urgency]")).to_have_value("2")
    expect(_fact(mo, "Impact / urgency")).to_have_text("3 - Low / 1 - High")

    conflict.get_by_role("link", name="reload the ticket").click()
    expect(mo.locator(".desk-conflict")).to_have_count(0)
    expect(mo.locator("#update [name=urgency]")).to_have_value("1")
    lee.reload()
    expect(_fact(lee, "Impact / urgency")).to_have_text("3 - Low / 1 - High")
    assert Ticket.objects.get(number=number).urgency == 1


def test_agent_logs_a_call_for_a_caller_found_by_phone(page: Page, requester_ann, agent_l1_lee):
    requester_ann.phone = "+44 20 7946 0123"
    requester_ann.save(update_fields=["phone"])
    sign_in(page, "lee")

    page.get_by_role("navigation").get_by_role("link", name="Log a call").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a call")
    # Typed the way the caller says it, national form with spaces.
    page.get_by_label("Name, email or phone").fill("020 7946 0123")
    page.get_by_role("button", name="Find").click()
    callers = page.locator("table.desk-callers tbody tr")
    expect(callers).to_have_count(1)
    expect(callers).to_contain_text("+44 20 7946 0123")
    page.get_by_role("link", name="Pick Ann Requester").click()

    expect(page.locator(".desk-caller")).to_contain_text("Ann Requester")
    expect(page.locator(".desk-caller")).to_contain_text("Acme")
    page.get_by_label("Title").fill("Cannot log in to the VPN")
    page.get_by_label("Description").fill("Ann calls: the VPN client says her token expired.")
    page.get_by_role("button", name="Log the call").click()

    expect(page).to_have_url(re.compile(r"/desk/tickets/INC\d{7}/$"))
    number = NUMBER.search(page.url).group()
    expect(page.get_by_role("status")).to_have_text(f"{number} created for Ann Requester.")
    expect(page.locator(".desk-ticket-head h1")).to_contain_text("Cannot log in to the VPN")
    expect(_fact(page, "Requester")).to_contain_text("Ann Requester")
    expect(_fact(page, "Reported by")).to_have_text("Lee Agent")
    expect(_fact(page, "Channel")).to_have_text("Phone")


def test_end_user_cannot_reach_another_organisations_ticket(
    page: Page, requester_ann, requester_bob
):
    own = make_ticket(requester=requester_ann, title="Acme laptop fan is loud")
    other = make_ticket(
        requester=requester_bob,
        title="Globex VPN drops",
        attachments=[SimpleUploadedFile("vpn-log.txt", b"error 809: tunnel closed\n")],
    )
    attachment = other.attachments.get()
    sign_in(page, "ann")

    response = page.goto(f"/portal/tickets/{other.number}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("main")).to_contain_text("There is nothing here that you can see.")
    expect(page.locator("main")).not_to_contain_text("Globex")
    response = page.goto(f"/attachments/{attachment.pk}/")
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("tunnel closed")

    page.goto("/portal/tickets/")
    cards = page.locator(".portal-tickets li")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text(own.number)
    expect(page.locator("main")).not_to_contain_text("Globex VPN drops")
    expect(page.locator("main")).not_to_contain_text(other.number)

    for text in ("VPN", other.number):
        search = page.get_by_role("search")
        search.get_by_label("Search your tickets").fill(text)
        search.get_by_role("button", name="Search").click()
        expect(page.locator(".portal-empty")).to_contain_text(f"No ticket matches “{text}”.")
        expect(page.locator(".portal-tickets")).to_have_count(0)
    page.get_by_label("Search your tickets").fill("laptop")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".portal-tickets li")).to_contain_text(own.number)


def test_desk_filter_by_state_works_by_keyboard_without_javascript(
    open_page, requester_ann, agent_l1_lee
):
    waiting = make_ticket(requester=requester_ann, title="New monitor flickers")
    working = make_ticket(requester=requester_ann, title="Printer on floor 3 jams")
    ticket_update(
        ticket=working,
        by=agent_l1_lee,
        changes={"assignee": agent_l1_lee, "state": State.IN_PROGRESS},
    )
    page = open_page(java_script_enabled=False)
    sign_in(page, "lee")
    page.goto("/desk/tickets/?queue=open")
    rows = page.locator("table.desk-table tbody tr")
    expect(rows).to_have_count(2)
    # With scripts on, "/" would jump to the search box: proof that this page runs none.
    page.locator("body").press("/")
    expect(page.get_by_role("banner").get_by_role("searchbox")).not_to_be_focused()

    filters = page.locator("form.desk-filters")
    summary = filters.locator("summary", has_text="State")
    summary.focus()
    summary.press("Enter")
    in_progress = filters.get_by_label("In progress")
    expect(in_progress).to_be_visible()
    in_progress.focus()
    in_progress.press("Space")
    expect(in_progress).to_be_checked()
    filters.get_by_role("button", name="Filter").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]state=in_progress(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(working.number)
    expect(page.locator("table.desk-table")).not_to_contain_text(waiting.number)
    expect(filters.locator("summary", has_text="State")).to_contain_text("(1)")
    expect(filters.get_by_label("In progress")).to_be_checked()
