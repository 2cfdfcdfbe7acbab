"""The desk's reports section: pages, drilldowns to the ticket list, exports, the event log."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from servicedesk.reports.views import default_range

SVG = "{http://www.w3.org/2000/svg}"


def _svg(html: str) -> ET.Element:
    start = html.index("<svg")
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])


def test_index_lists_every_report(signed_in, lead_mo):
    page = signed_in(lead_mo).get("/desk/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("volume", "backlog", "sla", "agents", "groups", "channels"):
        assert f'href="/desk/reports/{name}/"' in html
    assert 'href="/desk/reports/"' in html and ">Reports</a>" in html  # the desk's navigation


def test_volume_page_chart_table_and_drilldown(signed_in, lead_mo, march):
    client = signed_in(lead_mo)
    page = client.get("/desk/reports/volume/", {"from": "2026-03-01", "to": "2026-03-14",
                                                "interval": "week"})  # fmt: skip
    assert page.status_code == 200
    html = page.content.decode()
    svg = _svg(html)
    assert svg.get("data-chart") == "line"
    assert svg.find(f"{SVG}title").text == "Volume"
    created = svg.find(f"{SVG}g[@data-series='Created']")
    # Weeks from Monday 23 Feb (holding 1 March): none, 3 (2 March), then the service desk's
    # 2 of 9 March: Mo leads the service desk and sees neither the network team's nor the other.
    values = [c.get("data-value") for c in created.iter(f"{SVG}circle")]
    assert values == ["0", "3", "2"]
    # Each point links to the desk list of the tickets it counts.
    links = [a.get("href") for a in created.iter(f"{SVG}a")]
    query = parse_qs(urlparse(links[1]).query)
    assert query["queue"] == ["all"]
    assert query["created_after"][0].startswith("2026-03-02T00:00:00")
    assert query["created_before"][0].startswith("2026-03-09T00:00:00")
    listed = client.get(links[1])
    assert listed.status_code == 200
    rows = listed.content.decode().count('class="desk-number"')
    assert rows == 3
    assert "From a report:" in listed.content.decode()  # the carried range is shown and kept
    # The table behind the chart.
    assert '<th scope="col" class="num">Created</th>' in html
    assert html.count("data-drilldown") == len(values)


def test_breakdown_draws_bars(signed_in, admin_ada, march, service_desk):
    page = signed_in(admin_ada).get("/desk/reports/volume/", {"from": "2026-03-01",
                                                              "to": "2026-03-31", "by": "group"})  # fmt: skip
    svg = _svg(page.content.decode())
    assert svg.get("data-chart") == "bar"
    first = svg.find(f"{SVG}a")
    assert parse_qs(urlparse(first.get("href")).query)["group"] == [str(service_desk.pk)]
    bars = [r.get("data-value") for r in svg.iter(f"{SVG}rect") if r.get("data-value")]
    assert bars[:3] == ["5", "2", "0"]  # service desk: created 5, resolved 2, closed 0


def test_empty_range_gives_zeros_not_an_error(signed_in, lead_mo, march):
    page = signed_in(lead_mo).get("/desk/reports/sla/", {"from": "2025-01-01", "to": "2025-01-31"})
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "01/03/2026"}, "from must be a date"),
        ({"by": "colour"}, "Unknown field"),
        ({"priority": "9"}, "Unknown priority"),
        ({"interval": "fortnight"}, "interval must be"),
    ],
)
def test_bad_parameters_are_a_400_with_the_message(signed_in, lead_mo, params, message):
    page = signed_in(lead_mo).get("/desk/reports/volume/", params)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_unknown_report_is_a_404(signed_in, lead_mo):
    assert signed_in(lead_mo).get("/desk/reports/nope/").status_code == 404
    assert signed_in(lead_mo).get("/desk/reports/nope.csv").status_code == 404
    assert signed_in(lead_mo).get("/desk/reports/volume.pdf").status_code == 404


def test_end_users_are_sent_to_the_portal(signed_in, requester_ann):
    for url in ("/desk/reports/", "/desk/reports/volume/", "/desk/reports/volume.csv",
                "/desk/reports/eventlog.csv"):  # fmt: skip
        response = signed_in(requester_ann).get(url)
        assert response.status_code == 302 and response.url == "/portal/"


def test_page_query_count(signed_in, lead_mo, march, django_assert_num_queries):
    client = signed_in(lead_mo)
    params = {"from": "2026-03-01", "to": "2026-03-31", "interval": "week"}
    client.get("/desk/reports/volume/", params)  # warm caches (content types, ...)
    # session + user, the filters' options (groups, agents, categories, organisations) and
    # the engine's queries: the count does not grow with the tickets or the periods.
    with django_assert_num_queries(9):
        client.get("/desk/reports/volume/", params)
    with django_assert_num_queries(9):
        client.get("/desk/reports/volume/", {**params, "interval": "day"})


def test_default_range_is_the_last_twelve_months():
    from datetime import date

    assert default_range(date(2026, 3, 20)) == (date(2025, 4, 1), date(2026, 3, 20))
    assert default_range(date(2026, 12, 5)) == (date(2026, 1, 1), date(2026, 12, 5))


def test_csv_export(signed_in, admin_ada, march):
    response = signed_in(admin_ada).get(
        "/desk/reports/volume.csv", {"from": "2026-03-01", "to": "2026-03-31", "by": "group"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="volume_2026-03-01_2026-03-31.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0][:4] == ["Group", "Group (value)", "Created", "Resolved"]
    by_group = {r[0]: r for r in rows[1:]}
    assert by_group["Service Desk"][2:4] == ["5", "2"]
    assert by_group['\'=HYPERLINK("http://x")'][2] == "1"


def test_xlsx_export_keeps_formula_text_as_text(signed_in, admin_ada, march):
    response = signed_in(admin_ada).get(
        "/desk/reports/volume.xlsx", {"from": "2026-03-01", "to": "2026-03-31", "by": "group"}
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    evil = cells['=HYPERLINK("http://x")']
    assert evil[0].data_type == "s"  # a string, never a formula
    assert evil[2].value == 1 and evil[2].data_type == "n"
    assert cells["Service Desk"][2].value == 5
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["From"] == "2026-03-01" and about["By"] == "group"


def test_export_bad_parameter_is_a_400(signed_in, lead_mo):
    response = signed_in(lead_mo).get("/desk/reports/volume.xlsx", {"to": "tomorrow"})
    assert response.status_code == 400
    assert b"to must be a date" in response.content


def test_eventlog_download(signed_in, agent_l1_lee, march):
    response = signed_in(agent_l1_lee).get("/desk/reports/eventlog.xes", {"channel": "email"})
    assert response.status_code == 200 and response.streaming
    root = ET.fromstring(b"".join(response.streaming_content))
    traces = root.findall("{http://www.xes-standard.org/}trace")
    assert len(traces) == 2  # the two mailed tickets, in the agent's group
    response = signed_in(agent_l1_lee).get("/desk/reports/eventlog.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    # Lee sees the service desk's five tickets, not the network team's or the other group's.
    assert len({r["case"] for r in rows}) == 5
    bad = signed_in(agent_l1_lee).get("/desk/reports/eventlog.csv", {"from": "March"})
    assert bad.status_code == 400


def test_the_report_page_links_the_event_log_of_its_tickets(signed_in, admin_ada, march):
    client = signed_in(admin_ada)
    page = client.get("/desk/reports/volume/", {"from": "2026-03-09", "to": "2026-03-10",
                                                "by": "group", "channel": "email"})  # fmt: skip
    html = page.content.decode()
    href = re.search(r'href="([^"]+)" data-eventlog="csv"', html).group(1)
    href = href.replace("&amp;", "&")
    assert "by=" not in href and "channel=email" in href
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(href).streaming_content).decode())))
    assert len({r["case"] for r in rows}) == 2  # the two mailed tickets of 9 March


def test_the_desk_list_takes_a_resolved_range(signed_in, admin_ada, march):
    client = signed_in(admin_ada)
    listed = client.get("/desk/tickets/", {"queue": "all",
                                           "resolved_after": "2026-03-03T00:00:00+00:00",
                                           "resolved_before": "2026-03-04T00:00:00+00:00"})  # fmt: skip
    assert listed.status_code == 200
    assert listed.content.decode().count('class="desk-number"') == 2
    api = client.get("/api/v1/tickets/", {"resolved_after": "2026-03-04T00:00:00+00:00"})
    assert api.status_code == 200 and api.json()["results"] == []
