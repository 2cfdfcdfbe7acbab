"""Report exports and the process-mining event log over the API, as files.

GET /api/v1/reports/{name}.csv and .xlsx: a report's table (the same parameters as
/api/v1/reports/{name}/), formula injection neutralised. GET /api/v1/eventlog.csv and .xes:
every event of the tickets the caller may see, streamed. Agents only; a bad parameter is a 400
in the API's error format.
"""

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from servicedesk.api.views.common import require_agent
from servicedesk.api.views.tickets import ERROR
from servicedesk.core import clock
from servicedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from servicedesk.reports import eventlog
from servicedesk.reports.exports import FORMATS, export_bytes
from servicedesk.reports.fields import FIELDS
from servicedesk.reports.presentation import export_table
from servicedesk.reports.registry import REPORTS
from servicedesk.reports.selectors import (
    ReportError,
    ReportPermissionDenied,
    report_query_parse,
    report_run,
)

_REPORT_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, desk's time zone"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, included"),
    OpenApiParameter("by", OpenApiTypes.STR, enum=list(FIELDS)),
    OpenApiParameter("interval", OpenApiTypes.STR, enum=["day", "week", "month"]),
    *[OpenApiParameter(name, OpenApiTypes.STR) for name in FIELDS],
]
_EVENTLOG_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="tickets created from this day"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="tickets created up to this day"),
    *[
        OpenApiParameter(name, OpenApiTypes.STR, many=True)
        for name in ("kind", "priority", "channel")
    ],
    *[
        OpenApiParameter(name, OpenApiTypes.STR, description="an id or a name")
        for name in ("category", "group", "agent", "organisation")
    ],
]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportExportView(APIView):
    """One report's table as a CSV or XLSX file."""

    @extend_schema(
        parameters=_REPORT_PARAMETERS,
        responses={200: OpenApiResponse(description="the file"), 400: ERROR, 403: ERROR,
                   404: ERROR},
    )  # fmt: skip
    def get(self, request: Request, name: str, extension: str) -> HttpResponse:
        require_agent(request.user, "export reports")
        if name not in REPORTS or extension not in FORMATS:
            raise NotFound(f"No export {name}.{extension}: reports export as .csv or .xlsx.")
        params = {}
        for key, values in request.query_params.lists():
            if len(values) > 1:
                raise ValidationFailed(f"{key} is given more than once.", fields={key: ["Once."]})
            params[key] = values[0]
        try:
            result = report_run(user=request.user, query=report_query_parse(params, name=name))
        except ReportPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except ReportError as error:
            raise ValidationFailed(str(error)) from None
        data = export_bytes(export_table(result, generated_at=clock.now()), format=extension)
        return _attachment(HttpResponse(data, content_type=FORMATS[extension]),
                           f"{name}.{extension}")  # fmt: skip


class EventLogExportView(APIView):
    """The event log for process mining, streamed as it is read."""

    @extend_schema(
        parameters=_EVENTLOG_PARAMETERS,
        responses={200: OpenApiResponse(description="the file"), 400: ERROR, 403: ERROR},
    )
    def get(self, request: Request, extension: str) -> HttpResponse:
        require_agent(request.user, "export the event log")
        if extension not in eventlog.FORMATS:
            raise NotFound("The event log exports as .csv or .xes.")
        try:
            query = eventlog.eventlog_query_parse(dict(request.query_params.lists()))
        except eventlog.EventLogError as error:
            raise ValidationFailed(str(error)) from None
        stream = eventlog.eventlog_stream(user=request.user, query=query, format=extension)
        response = StreamingHttpResponse(
            (piece.encode("utf-8") for piece in stream), content_type=eventlog.FORMATS[extension]
        )
        return _attachment(response, f"eventlog.{extension}")
