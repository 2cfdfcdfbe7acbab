"""Report exports and the event log over the REST API."""

import csv
import io
import xml.etree.ElementTree as ET

import openpyxl
from rest_framework.test import APIClient


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_report_csv_and_xlsx(admin_ada, march):
    params = {"from": "2026-03-01", "to": "2026-03-31", "by": "group"}
    response = api(admin_ada).get("/api/v1/reports/volume.csv", params)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0][0] == "Group"
    assert any(r[0] == '\'=HYPERLINK("http://x")' for r in rows)
    response = api(admin_ada).get("/api/v1/reports/volume.xlsx", params)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    first = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert first['=HYPERLINK("http://x")'][0].data_type == "s"


def test_report_export_errors_in_the_api_format(lead_mo, requester_ann):
    response = api(lead_mo).get("/api/v1/reports/volume.csv", {"from": "yesterday"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "from must be a date" in response.json()["error"]["message"]
    assert api(lead_mo).get("/api/v1/reports/nope.csv").status_code == 404
    assert api(lead_mo).get("/api/v1/reports/volume.pdf").status_code == 404
    assert api(requester_ann).get("/api/v1/reports/volume.csv").status_code == 403
    assert APIClient().get("/api/v1/reports/volume.csv").status_code in (401, 403)


def test_eventlog(agent_l2_kim, march, requester_ann):
    response = api(agent_l2_kim).get("/api/v1/eventlog.xes")
    assert response.status_code == 200
    root = ET.fromstring(b"".join(response.streaming_content))
    assert len(root.findall("{http://www.xes-standard.org/}trace")) == 1  # the network team's
    response = api(agent_l2_kim).get("/api/v1/eventlog.csv", {"priority": "7"})
    assert response.status_code == 400 and "priority" in response.json()["error"]["message"]
    assert api(requester_ann).get("/api/v1/eventlog.csv").status_code == 403
