"""The reports' public reads: what reports there are, the parsing of a query, and running one
for a user. The desk's pages, the REST API and ``servicedesk report`` all come through here.

    from servicedesk.reports.selectors import report_list, report_query_parse, report_run
"""

from servicedesk.accounts.models import User
from servicedesk.reports.metrics import IMPLEMENTATIONS
from servicedesk.reports.query import parse_filter, report_query_parse
from servicedesk.reports.registry import REPORTS, report_info
from servicedesk.reports.scope import scope_for, sees_every_agent
from servicedesk.reports.types import (
    Column,
    ReportError,
    ReportInfo,
    ReportPermissionDenied,
    ReportQuery,
    ReportResult,
)

__all__ = [
    "Column",
    "ReportError",
    "ReportInfo",
    "ReportPermissionDenied",
    "ReportQuery",
    "ReportResult",
    "parse_filter",
    "report_info",
    "report_list",
    "report_query_parse",
    "report_run",
    "sees_every_agent",
]


def report_list() -> list[ReportInfo]:
    """Every report, in the order the docs and the desk show them."""
    return list(REPORTS.values())


def report_run(*, user: User | None, query: ReportQuery) -> ReportResult:
    """Compute ``query`` over the tickets ``user`` may see (None: every ticket, for the
    command line). Raises ``ReportError`` for a bad query and ``ReportPermissionDenied`` for
    someone who is not an agent. docs/metrics.md defines every figure."""
    report_info(query.name)
    return IMPLEMENTATIONS[query.name](scope_for(user=user, query=query))
