"""A computed report as the surfaces show it: its chart, its table, its drilldown links and its
export table. Pure functions of a ``ReportResult``: the page, the exports and the scheduled
mail all read the same figures the same way.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse

from servicedesk.reports.charts import ChartData, Series, format_value, render_chart
from servicedesk.reports.exports import Table
from servicedesk.reports.types import Column, ReportResult

MEASURE_UNITS = ("count", "hours", "percent", "number")
LABEL_UNITS = ("text", "date")
# The measures each report charts (the table shows them all). A report missing here charts its
# numeric columns of the first one's unit.
CHARTED: dict[str, tuple[str, ...]] = {
    "volume": ("created", "resolved", "closed"),
    "backlog": ("open",),
    "resolution-time": ("median_hours", "mean_hours", "p90_hours"),
    "first-response": ("median_hours", "mean_hours", "p90_hours"),
    "sla": ("adherence",),
    "reopens": ("reopen_rate",),
    "reassignments": ("r0", "r1", "r2", "r3", "r4", "r5"),
    "first-contact-resolution": ("rate",),
    "channels": ("tickets",),
    "agents": ("assigned", "resolved"),
    "groups": ("assigned", "resolved"),
}
ALL_TICKETS = "All tickets"


def drill_url(params: dict | None) -> str:
    """The desk list of the tickets a row counts ("" where no list selects them): in the "All
    tickets" queue, so that closed tickets are listed too."""
    if params is None:
        return ""
    return f"{reverse('desk:tickets')}?{urlencode({'queue': 'all', **params})}"


def shown_columns(result: ReportResult) -> list[Column]:
    """The table's columns: everything but the raw keys the labels stand for."""
    return [c for c in result.columns if c.unit != "key"]


def row_label(result: ReportResult, row: dict) -> str:
    labels = [str(row[c.key]) for c in result.columns if c.unit in LABEL_UNITS and row.get(c.key)]
    return " · ".join(labels) or ALL_TICKETS


def _charted(result: ReportResult) -> list[Column]:
    measures = [c for c in result.columns if c.unit in MEASURE_UNITS]
    wanted = CHARTED.get(result.name)
    if wanted:
        chosen = [c for c in measures if c.key in wanted]
        if chosen:
            return chosen
    if not measures:
        return []
    return [c for c in measures if c.unit == measures[0].unit][:3]


def chart_kind(result: ReportResult) -> str:
    """A line over time when the rows are periods, bars for a breakdown, none if asked."""
    if result.chart == "none":
        return "none"
    first = next((c for c in result.columns if c.unit in LABEL_UNITS), None)
    return "line" if first is not None and first.unit == "date" else "bar"


def chart_data(result: ReportResult) -> ChartData:
    """What the chart draws. A report of one row without labels (the whole range, not cut by
    a field) draws its measures as the bars: "median, mean, 90th percentile" side by side."""
    charted = _charted(result)
    links = [drill_url(d) for d in result.drilldown]
    rows = result.rows
    labelled = any(c.unit in LABEL_UNITS for c in result.columns)
    description = result.description
    if len(rows) == 1 and not labelled and len(charted) > 1:
        unit = charted[0].unit
        same = [c for c in charted if c.unit == unit]
        return ChartData(
            title=result.title,
            description=description,
            categories=[c.label for c in same],
            series=[Series(ALL_TICKETS, unit, [rows[0].get(c.key) for c in same])],
            links=links * len(same),
        )
    return ChartData(
        title=result.title,
        description=description,
        categories=[row_label(result, row) for row in rows],
        series=[Series(c.label, c.unit, [row.get(c.key) for row in rows]) for c in charted],
        links=links,
    )


def chart_svg(result: ReportResult, *, ident: str = "report-chart") -> str:
    return render_chart(chart_kind(result), chart_data(result), ident=ident)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    link: str


def table_rows(result: ReportResult) -> list[Row]:
    """The table as the page prints it: formatted values, each row with its ticket list."""
    columns = shown_columns(result)
    out = []
    for row, drill in zip(result.rows, result.drilldown, strict=False):
        cells = [
            Cell(format_value(row.get(c.key), c.unit), True)
            if c.unit in MEASURE_UNITS
            else Cell("" if row.get(c.key) is None else str(row.get(c.key)), False)
            for c in columns
        ]
        out.append(Row(cells, drill_url(drill)))
    return out


def _header(column: Column) -> str:
    if column.unit == "hours":
        return f"{column.label} (hours)"
    if column.unit == "percent":
        return f"{column.label} (%)"
    return column.label


def _range_text(result: ReportResult) -> tuple[str, str]:
    query = result.query
    if query is None:
        return "", ""
    return (
        query.date_from.isoformat() if query.date_from else "(first ticket)",
        query.date_to.isoformat() if query.date_to else "(today)",
    )


def export_table(result: ReportResult, *, generated_at: datetime) -> Table:
    """The export's table: every column, raw keys too (ids for a spreadsheet's look-ups),
    numbers unformatted; the report, range, filters and notes on the side."""
    date_from, date_to = _range_text(result)
    query = result.query
    about = [
        ("Report", f"{result.title} ({result.name})"),
        ("Description", result.description),
        ("From", date_from),
        ("To", date_to),
        ("Time zone", result.time_zone),
    ]
    if query is not None:
        if query.by:
            about.append(("By", query.by))
        if any(c.unit == "date" for c in result.columns):
            about.append(("Interval", query.interval))
        about.extend((f"Filter: {k}", v) for k, v in sorted(query.filters.items()))
    about.extend(("Note", note) for note in result.notes)
    about.append(("Generated", generated_at.isoformat(timespec="seconds")))
    return Table(
        title=result.title,
        columns=[(c.key, _header(c)) for c in result.columns],
        rows=result.rows,
        about=about,
    )


def text_table(result: ReportResult, *, width: int = 24) -> str:
    """The table as aligned plain text, for a mail body."""
    columns = shown_columns(result)
    lines: Sequence[list[str]] = [[c.label for c in columns]] + [
        [
            format_value(row.get(c.key), c.unit)
            if c.unit in MEASURE_UNITS
            else str(row.get(c.key) or "")
            for c in columns
        ]
        for row in result.rows
    ]
    sizes = [min(width, max(len(line[i]) for line in lines)) for i in range(len(columns))]

    def fmt(line: list[str]) -> str:
        cells = []
        for i, (text, column) in enumerate(zip(line, columns, strict=True)):
            text = text if len(text) <= sizes[i] else text[: sizes[i] - 1] + "…"
            numeric = column.unit in MEASURE_UNITS
            cells.append(text.rjust(sizes[i]) if numeric else text.ljust(sizes[i]))
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * s for s in sizes)
    body = [fmt(lines[0]), rule, *(fmt(line) for line in lines[1:])]
    if not result.rows:
        body.append("(no tickets in this range)")
    return "\n".join(body)
