"""The reports there are: name, title, what each computes (docs/metrics.md defines every
figure), which fields it can be cut by and how it is charted."""

from servicedesk.reports.fields import FIELDS
from servicedesk.reports.types import ReportError, ReportInfo

ALL_FIELDS = tuple(FIELDS)

REPORTS: dict[str, ReportInfo] = {
    info.name: info
    for info in (
        ReportInfo(
            "volume",
            "Volume",
            "Tickets created, resolved and closed in each period (day, week or month of the "
            "desk's time zone), or in the whole range per value of a field.",
            ALL_FIELDS,
            periodic=True,
            chart="line",
        ),
        ReportInfo(
            "backlog",
            "Open backlog",
            "Tickets open at the end of each period: created by then and not yet resolved, "
            "closed or cancelled.",
            (),
            periodic=True,
            chart="line",
        ),
        ReportInfo(
            "resolution-time",
            "Resolution time",
            "Hours from creation to resolution of the resolved tickets created in the range: "
            "median, mean and 90th percentile, in calendar hours and in business hours of the "
            "ticket's SLA calendar.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "first-response",
            "First response time",
            "Hours from creation to the first public reply of an agent, for the tickets created "
            "in the range that have one: median, mean and 90th percentile, calendar and "
            "business hours.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "sla",
            "SLA adherence",
            "Per SLA target, met / (met + breached) of the tickets created in the range: an open "
            "ticket past its due time counts as breached; one not yet due, and tickets without "
            "that target, are left out. Imported tickets without our clocks count by the "
            "source's made_sla.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "reopens",
            "Reopen rate",
            "Of the tickets created in the range that were ever resolved, the share reopened "
            "at least once.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "reassignments",
            "Reassignments",
            "How many times the tickets created in the range changed group: the mean and how "
            "many tickets were reassigned 0, 1, 2, 3, 4 and 5 or more times.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "first-contact-resolution",
            "First contact resolution",
            "Of the resolved tickets created in the range, the share resolved by the group that "
            "first took them, never reassigned and never reopened.",
            ALL_FIELDS,
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "channels",
            "Channel mix",
            "Tickets created in the range per channel, and each channel's share.",
            (),
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "agents",
            "Agent performance",
            "Per agent (the ticket's current assignee): tickets created in the range assigned, "
            "resolved, median resolution hours, SLA adherence, reopen rate, and open load now.",
            (),
            periodic=False,
            chart="bar",
        ),
        ReportInfo(
            "groups",
            "Group performance",
            "Per group (the ticket's current group): tickets created in the range assigned, "
            "resolved, median resolution hours, SLA adherence, reopen rate, and open load now.",
            (),
            periodic=False,
            chart="bar",
        ),
    )
}


def report_info(name: str) -> ReportInfo:
    try:
        return REPORTS[name]
    except KeyError:
        shown = repr(name) if name else "(none)"
        raise ReportError(
            f"Unknown report {shown}: use one of {', '.join(REPORTS)} (servicedesk report --list)."
        ) from None
