"""/api/v1/reports/: the reports (docs/metrics.md), for agents, leads and admins.

Figures cover the tickets the caller may see. Per-agent figures (the agents report, ``by=agent``
or a filter on an agent): leads and admins see every agent, an agent the members of their own
groups.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.views.common import ApiViewSet, require_agent
from servicedesk.api.views.tickets import ERROR
from servicedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from servicedesk.reports.fields import FIELDS
from servicedesk.reports.registry import REPORTS
from servicedesk.reports.rendering import info_as_dict, result_as_dict
from servicedesk.reports.selectors import (
    ReportError,
    ReportPermissionDenied,
    report_list,
    report_query_parse,
    report_run,
)
from servicedesk.tickets.models import Ticket

_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day, desk's time zone"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, included"),
    OpenApiParameter("by", OpenApiTypes.STR, enum=list(FIELDS), description="cut by a field"),
    OpenApiParameter("interval", OpenApiTypes.STR, enum=["day", "week", "month"]),
    *[
        OpenApiParameter(name, OpenApiTypes.STR, description=f"only this {f.label.lower()}")
        for name, f in FIELDS.items()
    ],
]
REPORT = OpenApiResponse(
    description="{report, title, description, time_zone, query, chart, columns [{key, label, "
    "unit}], rows [{column key: value}], drilldown [ticket-list parameters or null], notes}"
)


class ReportViewSet(ApiViewSet):
    """The reports there are, and one report computed over the tickets you may see."""

    queryset = Ticket.objects.none()  # for the schema only: the figures come from the selector
    filter_backends: list = []
    pagination_class = None
    lookup_field = "name"
    lookup_value_regex = "[a-z-]{1,40}"

    @extend_schema(responses={200: OpenApiResponse(description="[{name, title, ...}]"),
                              403: ERROR})  # fmt: skip
    def list(self, request: Request) -> Response:
        require_agent(request.user, "run reports")
        return Response([info_as_dict(info) for info in report_list()])

    @extend_schema(parameters=_PARAMETERS, responses={200: REPORT, 400: ERROR, 403: ERROR,
                                                      404: ERROR})  # fmt: skip
    def retrieve(self, request: Request, name: str) -> Response:
        require_agent(request.user, "run reports")
        if name not in REPORTS:
            raise NotFound(f"There is no report {name!r}: GET /api/v1/reports/ lists them.")
        params = {}
        for key, values in request.query_params.lists():
            if len(values) > 1:
                raise ValidationFailed(f"{key} is given more than once.", fields={key: ["Once."]})
            params[key] = values[0]
        try:
            query = report_query_parse(params, name=name)
            result = report_run(user=request.user, query=query)
        except ReportPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except ReportError as error:
            raise ValidationFailed(str(error)) from None
        return Response(result_as_dict(result))
