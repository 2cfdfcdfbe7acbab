"""Dates at the ends of the calendar and ranges of centuries: a 400 or exit 2, never a 500."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"to": "9999-12-31"}, "to must be a day from 1900-01-01 to 2999-12-31"),
        ({"from": "0001-01-01"}, "from must be a day from 1900-01-01 to 2999-12-31"),
        ({"from": "1900-01-01", "to": "2999-12-31", "interval": "day"}, "more than 10000 days"),
    ],
)
@pytest.mark.parametrize("path", ["volume/", "backlog/", "volume.csv", "backlog.xlsx"])
def test_report_ranges_out_of_bounds_are_a_400(lead_mo, params, says, path):
    response = api(lead_mo).get(f"/api/v1/reports/{path}", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and says in error["message"]


def test_thirty_years_by_week_is_still_a_report(lead_mo):
    params = {"from": "1990-01-01", "to": "2019-12-31", "interval": "week"}  # from a Monday
    response = api(lead_mo).get("/api/v1/reports/volume/", params)
    assert response.status_code == 200
    weeks = (date(2019, 12, 31) - date(1990, 1, 1)).days // 7 + 1
    assert len(response.json()["rows"]) == weeks == 1566


@pytest.mark.parametrize("params", [{"to": "9999-12-31"}, {"from": "0001-01-01"}])
def test_eventlog_dates_out_of_bounds_are_a_400(agent_l1_lee, params):
    response = api(agent_l1_lee).get("/api/v1/eventlog.csv", params)
    assert response.status_code == 400
    assert "must be a day from 1900-01-01" in response.json()["error"]["message"]


def test_report_command_year_9999_exits_2():
    with pytest.raises(CommandError, match="to must be a day from") as caught:
        call_command("report", "volume", "--to", "9999-12-31")
    assert caught.value.returncode == 2
