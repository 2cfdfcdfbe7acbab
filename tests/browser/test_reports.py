"""A lead works with the reports in a real browser: range, chart drilldown, XLSX download."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from servicedesk.tickets.choices import Channel
from servicedesk.tickets.tests.factories import make_ticket
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_opens_a_report_follows_a_bar_and_downloads_the_xlsx(
    page: Page, lead_mo, requester_ann, service_desk
):
    for title, channel in (
        ("Printer jams", Channel.PORTAL),
        ("VPN drops", Channel.PORTAL),
        ("Mail bounces", Channel.EMAIL),
    ):
        make_ticket(requester=requester_ann, title=title, channel=channel,
                    assignment_group=service_desk)  # fmt: skip
    today = timezone.localdate()
    sign_in(page, "mo")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name="Volume", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Volume")

    # Change the range to the last week and cut by channel: bars, one per channel.
    page.get_by_label("From", exact=True).fill((today - timedelta(days=6)).isoformat())
    page.get_by_label("To", exact=True).fill(today.isoformat())
    page.get_by_label("By", exact=True).select_option("channel")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"by=channel"))
    chart = page.locator("svg.report-chart")
    expect(chart).to_have_attribute("data-chart", "bar")
    expect(page.get_by_role("img", name="Volume")).to_be_visible()
    portal_row = page.locator(".report-table tbody tr", has_text="Portal")
    expect(portal_row.locator("td").nth(1)).to_have_text("2")
    screenshot(page, "report-volume-by-channel")

    # The Portal bar (the first: busiest first) opens the desk's list of the tickets it counts.
    chart.locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/desk/tickets/\?.*channel=portal"))
    rows = page.locator(".desk-number")
    expect(rows).to_have_count(2)
    expect(page.locator("main")).to_contain_text("Printer jams")
    expect(page.locator("main")).not_to_contain_text("Mail bounces")
    page.go_back()

    with page.expect_download() as download_info:
        page.locator("[data-export=xlsx]").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        "volume_"
    ) and download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as saved:
        book = openpyxl.load_workbook(io.BytesIO(saved.read()))
    cells = {row[0].value: row for row in book.worksheets[0].iter_rows(min_row=2)}
    assert cells["Portal"][2].value == 2 and cells["Email"][2].value == 1
