"""The desk's reports section: the list of reports, a page per report (filters, chart, table),
its exports, the event log export, and the user's scheduled reports.

Thin: parse the parameters (``report_query_parse``, ``eventlog_query_parse``), call the
engine or a service, render. A bad parameter shows the page again with the message and a 400.
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from servicedesk.accounts.models import Organisation
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.desk.access import agent_required
from servicedesk.desk.selectors import filter_assignees, filter_groups
from servicedesk.reports import eventlog
from servicedesk.reports.choices import Frequency
from servicedesk.reports.exports import FORMATS, export_bytes
from servicedesk.reports.fields import FIELDS
from servicedesk.reports.models import ReportSubscription
from servicedesk.reports.presentation import chart_svg, export_table, shown_columns, table_rows
from servicedesk.reports.registry import REPORTS
from servicedesk.reports.selectors import report_list, report_query_parse, report_run
from servicedesk.reports.services import subscription_create, subscription_delete
from servicedesk.reports.types import INTERVALS, ReportError, ReportInfo
from servicedesk.tickets.models import Category

# The form's parameters besides the filter fields.
FORM_PARAMS = ("from", "to", "interval", "by")


def default_range(today: date) -> tuple[date, date]:
    """The range a report page opens with: the last twelve months, this one included."""
    month = today.month - 11
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1), today


def _params(request: HttpRequest) -> dict[str, str]:
    """The query as the page, its exports and its links take it: what was asked, and the
    default range when no date was given at all."""
    params = {k: v for k, v in request.GET.items() if k not in ("format",)}
    if "from" not in params and "to" not in params:
        today = timezone.localdate(clock.now())
        start, end = default_range(today)
        params["from"], params["to"] = start.isoformat(), end.isoformat()
    return params


def _info(name: str) -> ReportInfo:
    info = REPORTS.get(name)
    if info is None:
        raise Http404(f"There is no report {name!r}.")
    return info


def _choices(user) -> dict[str, list[tuple[str, str]]]:
    """The options of each filter, as the desk's ticket filter offers them."""
    out = {}
    for name, field in FIELDS.items():
        if field.choices is not None:
            out[name] = [(str(k), label) for k, label in field.choices]
    out["group"] = [(str(g.pk), g.name) for g in filter_groups(user=user).order_by("name")]
    out["agent"] = [(str(u.pk), u.name) for u in filter_assignees(user=user)]
    out["category"] = [
        (str(c.pk), c.name)
        for c in Category.objects.filter(parent=None, is_active=True).order_by("name")
    ]
    out["organisation"] = [
        (str(o.pk), o.name) for o in Organisation.objects.order_by("name").only("pk", "name")
    ]
    return out


def _filters(user, params: dict[str, str]) -> list[dict]:
    choices = _choices(user)
    return [
        {
            "name": name,
            "label": field.label,
            "options": choices.get(name, []),
            "value": params.get(name, ""),
        }
        for name, field in FIELDS.items()
    ]


@agent_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "reports": report_list(),
            "subscriptions": ReportSubscription.objects.filter(user=request.user).count(),
        },
    )


@agent_required
@require_GET
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    info = _info(name)
    params = _params(request)
    context = {
        "info": info,
        "reports": report_list(),
        "params": params,
        "filters": _filters(request.user, params),
        "intervals": INTERVALS,
        "frequencies": Frequency.choices,
        "query_string": urlencode(params),
        # The same tickets' events for process mining: the event log takes the same filters.
        "eventlog_query": urlencode(
            {k: v for k, v in params.items() if k in eventlog.PARAMS and v}
        ),
        "error": "",
    }
    try:
        result = report_run(user=request.user, query=report_query_parse(params, name=name))
    except ReportError as error:
        context["error"] = str(error)
        return render(request, "reports/report.html", context, status=400)
    context.update(
        result=result,
        chart=chart_svg(result),
        columns=shown_columns(result),
        rows=table_rows(result),
    )
    return render(request, "reports/report.html", context)


@agent_required
@require_GET
def report_export(request: HttpRequest, name: str, format: str) -> HttpResponse:
    _info(name)
    if format not in FORMATS:
        raise Http404("Exports are CSV or XLSX.")
    params = _params(request)
    try:
        result = report_run(user=request.user, query=report_query_parse(params, name=name))
    except ReportError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    data = export_bytes(export_table(result, generated_at=clock.now()), format=format)
    return _download(data, FORMATS[format], _filename(name, params, format))


def _filename(name: str, params: dict[str, str], extension: str) -> str:
    dates = "_".join(params[k] for k in ("from", "to") if params.get(k))
    return f"{name}{'_' + dates if dates else ''}.{extension}"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@agent_required
@require_GET
def eventlog_export(request: HttpRequest, format: str) -> HttpResponse:
    """The event log of the cases the user may see, streamed as it is read."""
    if format not in eventlog.FORMATS:
        raise Http404("The event log is CSV or XES.")
    params = {k: v for k, v in request.GET.lists() if k != "format"}
    try:
        query = eventlog.eventlog_query_parse(params)
    except eventlog.EventLogError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    stream = eventlog.eventlog_stream(user=request.user, query=query, format=format)
    response = StreamingHttpResponse(
        (piece.encode("utf-8") for piece in stream), content_type=eventlog.FORMATS[format]
    )
    response["Content-Disposition"] = f'attachment; filename="eventlog.{format}"'
    return response


@agent_required
@require_GET
def subscription_list(request: HttpRequest) -> HttpResponse:
    subs = ReportSubscription.objects.filter(user=request.user).order_by("report", "pk")
    rows = [
        {
            "sub": sub,
            "title": REPORTS[sub.report].title if sub.report in REPORTS else sub.report,
            "filters": ", ".join(f"{k}: {v}" for k, v in sorted(sub.params.items())),
            "url": f"?{urlencode(sub.params)}",
        }
        for sub in subs
    ]
    return render(request, "reports/subscriptions.html", {"rows": rows})


@agent_required
@require_POST
def subscription_add(request: HttpRequest, name: str) -> HttpResponse:
    _info(name)
    params = {k: v for k, v in request.POST.items() if k in FORM_PARAMS or k in FIELDS}
    try:
        sub = subscription_create(
            user=request.user,
            report=name,
            params=params,
            frequency=request.POST.get("frequency", ""),
        )
    except ReportError as error:
        messages.error(request, str(error))
        back = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return redirect(f"{request.path.rsplit('subscribe/', 1)[0]}?{urlencode(back)}")
    messages.success(
        request,
        f"Subscribed: {REPORTS[name].title}, {sub.get_frequency_display().lower()}, "
        f"first on {timezone.localtime(sub.next_run_at):%a %-d %b %Y %H:%M}.",
    )
    return redirect("reports:subscriptions")


@agent_required
@require_POST
def subscription_remove(request: HttpRequest, subscription_id: int) -> HttpResponse:
    try:
        subscription_delete(user=request.user, subscription_id=subscription_id)
    except NotFound as error:
        raise Http404(str(error)) from None
    messages.success(request, "Unsubscribed.")
    return redirect("reports:subscriptions")
