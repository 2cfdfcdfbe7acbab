"""A report's result as the page, the exports and the mail show it."""

from datetime import UTC, date, datetime

from servicedesk.reports.presentation import (
    chart_data,
    chart_kind,
    drill_url,
    export_table,
    table_rows,
    text_table,
)
from servicedesk.reports.types import Column, ReportQuery, ReportResult


def result(name, columns, rows, drilldown, chart="bar") -> ReportResult:
    return ReportResult(
        name=name,
        title=name.title(),
        description="",
        columns=columns,
        rows=rows,
        chart=chart,
        drilldown=drilldown,
        query=ReportQuery(name=name, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)),
        time_zone="Europe/Berlin",
        notes=["a note"],
    )


TIMES = [
    Column("tickets", "Tickets", "count"),
    Column("median_hours", "Median", "hours"),
    Column("mean_hours", "Mean", "hours"),
    Column("p90_hours", "90th percentile", "hours"),
]


def test_one_row_without_labels_charts_its_measures_as_bars():
    r = result("resolution-time", TIMES, [{"tickets": 4, "median_hours": 2.5,
                                           "mean_hours": 3.0, "p90_hours": 7.25}], [{}])  # fmt: skip
    data = chart_data(r)
    assert list(data.categories) == ["Median", "Mean", "90th percentile"]
    assert list(data.series[0].values) == [2.5, 3.0, 7.25]
    assert chart_kind(r) == "bar"
    assert data.links == ["/desk/tickets/?queue=all"] * 3


def test_periods_chart_as_a_line_and_breakdowns_as_bars():
    periods = [Column("period", "Period", "date"), Column("created", "Created", "count")]
    assert chart_kind(result("volume", periods, [], [], chart="line")) == "line"
    by = [Column("channel", "Channel", "text"), Column("channel_key", "Channel (value)", "key"),
          Column("created", "Created", "count")]  # fmt: skip
    r = result("volume", by, [{"channel": "Email", "channel_key": "email", "created": 3}],
               [{"channel": "email"}], chart="line")  # fmt: skip
    assert chart_kind(r) == "bar"  # a breakdown, though the report is a line over time
    assert [c.text for c in table_rows(r)[0].cells] == ["Email", "3"]  # no raw key column
    assert table_rows(r)[0].link == "/desk/tickets/?queue=all&channel=email"


def test_a_row_without_a_list_has_no_link():
    assert drill_url(None) == ""


def test_export_table_and_mail_text():
    by = [Column("priority", "Priority", "text"), Column("priority_key", "Priority (value)", "key"),
          Column("adherence", "Adherence", "percent")]  # fmt: skip
    r = result("sla", by, [{"priority": "1 - Critical", "priority_key": 1, "adherence": 62.5},
                           {"priority": "2 - High", "priority_key": 2, "adherence": None}],
               [None, None])  # fmt: skip
    table = export_table(r, generated_at=datetime(2026, 4, 1, 6, 0, tzinfo=UTC))
    assert [h for _, h in table.columns] == ["Priority", "Priority (value)", "Adherence (%)"]
    about = dict(table.about)
    assert about["From"] == "2026-03-01" and about["To"] == "2026-03-31"
    assert about["Time zone"] == "Europe/Berlin" and about["Note"] == "a note"
    assert text_table(r).splitlines() == [
        "Priority      Adherence",
        "------------  ---------",
        "1 - Critical      62.5%",
        "2 - High              –",
    ]
