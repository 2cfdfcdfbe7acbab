"""A computed report as plain data (JSON) and as CSV rows: shared by the command line and the
REST API, so both print the same figures under the same keys."""

from servicedesk.reports.exports import csv_safe
from servicedesk.reports.types import ReportInfo, ReportResult


def info_as_dict(info: ReportInfo) -> dict:
    return {
        "name": info.name,
        "title": info.title,
        "description": info.description,
        "by": list(info.by),
        "periodic": info.periodic,
        "chart": info.chart,
    }


def result_as_dict(result: ReportResult) -> dict:
    query = result.query
    return {
        "report": result.name,
        "title": result.title,
        "description": result.description,
        "time_zone": result.time_zone,
        "query": None
        if query is None
        else {
            "from": query.date_from.isoformat() if query.date_from else None,
            "to": query.date_to.isoformat() if query.date_to else None,
            "by": query.by,
            "interval": query.interval,
            "filters": dict(query.filters),
        },
        "chart": result.chart,
        "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in result.columns],
        "rows": result.rows,
        "drilldown": result.drilldown,
        "notes": result.notes,
    }


def result_as_csv_rows(result: ReportResult) -> list[list]:
    """A header of column keys, then one line per row; a text cell a spreadsheet would run as a
    formula (a group called "=HYPERLINK(...)") keeps a leading apostrophe (exports.csv_safe)."""
    keys = [c.key for c in result.columns]
    return [
        keys,
        *[
            [csv_safe("" if row.get(k) is None else row.get(k)) for k in keys]
            for row in result.rows
        ],
    ]
