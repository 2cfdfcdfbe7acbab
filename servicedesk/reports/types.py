"""The shapes every surface of the reports shares: the CLI, the REST API and the desk's pages
parse a ``ReportQuery`` the same way and render the same ``ReportResult``."""

from dataclasses import dataclass, field
from datetime import date

INTERVALS = ("day", "week", "month")
CHARTS = ("line", "bar", "none")


class ReportError(ValueError):
    """Bad input to a report: an unknown report, field, value or date. The message is written
    for the user (one line) and says what would be accepted."""


class ReportPermissionDenied(ReportError):
    """The user may not run reports (end users), or not this cut of them."""


@dataclass(frozen=True)
class Column:
    """One column of a report's table. ``unit`` tells how to show and chart the values:
    ``count``, ``hours``, ``percent``, ``number`` (a mean count), ``date`` (the first day of a
    period, an ISO date), ``text`` (a label) or ``key`` (the raw value a label stands for)."""

    key: str
    label: str
    unit: str


@dataclass(frozen=True)
class ReportInfo:
    """A report as ``report_list`` lists it: what ``by`` fields it takes, whether it runs per
    period (``interval`` counts) and how its figures are best charted."""

    name: str
    title: str
    description: str
    by: tuple[str, ...]
    periodic: bool
    chart: str


@dataclass(frozen=True)
class ReportQuery:
    """What to compute. Dates are days of the desk's time zone, both included; ``None`` means
    open-ended (from the first ticket, up to today). ``filters`` map a field of ``FIELDS`` to
    one value (a choice value, a priority number, or an id or name of a group, agent,
    category or organisation)."""

    name: str
    date_from: date | None = None
    date_to: date | None = None
    by: str | None = None
    interval: str = "month"
    filters: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:  # filters is a dict; a query is still a value
        return hash((self.name, self.date_from, self.date_to, self.by, self.interval,
                     tuple(sorted(self.filters.items()))))  # fmt: skip


@dataclass(frozen=True)
class ReportResult:
    """A computed report: a table (``columns`` and ``rows``, each row a dict by column key),
    how to chart it, and per row the desk ticket-list query parameters of the tickets the row
    counts (``None`` where the list has no filter that selects them)."""

    name: str
    title: str
    description: str
    columns: list[Column]
    rows: list[dict]
    chart: str
    drilldown: list[dict | None]
    query: ReportQuery | None = None
    time_zone: str = ""
    # Notes on what the figures leave out, for the page and the CSV header; may be empty.
    notes: list[str] = field(default_factory=list)
