"""/api/v1/dashboard/: the figures of the desk's dashboard, for agents."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers.dashboard import DashboardOutput
from servicedesk.api.views.common import ApiViewSet, require_agent
from servicedesk.api.views.tickets import ERROR
from servicedesk.desk.dashboard import Dashboard, dashboard_figures
from servicedesk.tickets.models import Ticket


def _seconds(delta) -> int:
    return int(delta.total_seconds())


def _shape(dash: Dashboard) -> dict:
    now = dash.now
    return {
        "generated_at": now,
        "time_zone": dash.time_zone,
        "scope": "all" if dash.sees_all else "groups",
        "mine": {
            "open": dash.mine_open,
            "by_state": [{"state": s, "count": n} for s, n in dash.mine_by_state.items()],
        },
        "team": {
            "open": dash.team_open,
            "by_state": [{"state": s, "count": n} for s, n in dash.team_by_state.items()],
            "by_priority": [{"priority": p, "count": n} for p, n in dash.team_by_priority.items()],
            "unassigned": dash.unassigned,
            "waiting": {s.removeprefix("awaiting_"): n for s, n in dash.waiting.items()},
            "reopened": dash.reopened,
        },
        "sla": {
            "breaching_soon": dash.breaching_soon,
            "mine_breaching_soon": dash.mine_breaching_soon,
            "breached": dash.breached,
            "soon_hours": dash.soon_hours,
        },
        "days": [
            {
                "date": d.day,
                "start": d.start,
                "end": d.end,
                "created": d.created,
                "resolved": d.resolved,
            }
            for d in dash.days
        ],
        "groups": None
        if dash.groups is None
        else [
            {
                "group": {"id": g.group_id, "name": g.name} if g.group_id else None,
                "open": g.open,
                "oldest_created_at": g.oldest_created_at,
                "oldest_age_seconds": _seconds(now - g.oldest_created_at),
            }
            for g in dash.groups
        ],
        "oldest": [
            {
                "number": t.number,
                "title": t.title,
                "state": t.state,
                "priority": t.priority,
                "assignment_group": t.assignment_group,
                "assignee": t.assignee,
                "created_at": t.created_at,
                "age_seconds": _seconds(now - t.created_at),
            }
            for t in dash.oldest
        ],
    }


class DashboardViewSet(ApiViewSet):
    """Where the desk stands for you: the same figures as the desk's dashboard page."""

    queryset = Ticket.objects.none()  # for the schema only: the figures come from the selector
    filter_backends: list = []
    pagination_class = None

    @extend_schema(responses={200: DashboardOutput, 403: ERROR})
    def list(self, request: Request) -> Response:
        require_agent(request.user, "see the dashboard")
        return Response(DashboardOutput(_shape(dashboard_figures(user=request.user))).data)
