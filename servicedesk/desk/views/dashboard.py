"""The dashboard page: the figures of ``desk.dashboard``, each linked to the list behind it."""

from datetime import timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from servicedesk.desk.access import agent_required
from servicedesk.desk.dashboard import Dashboard, Day, dashboard_figures
from servicedesk.desk.queues import QUEUES
from servicedesk.tickets.choices import State

# The chart's geometry, in SVG user units.
BAR_WIDTH = 20
BAR_GAP = 3
DAY_WIDTH = 56
CHART_HEIGHT = 140
LABEL_HEIGHT = 30
TOP_MARGIN = 14  # room for the busiest day's figure above the plot


def tickets_url(queue: str, **params) -> str:
    """The desk list of ``queue`` narrowed by the shared ticket filter's ``params``."""
    query = {"queue": queue, **{k: v for k, v in params.items() if v is not None}}
    return f"{reverse('desk:tickets')}?{urlencode(query)}"


def age_label(age: timedelta) -> str:
    """An age as the desk reads it at a glance: "40 min", "5 h", "12 d"."""
    minutes = max(int(age.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} d"


def _chart(days: list[Day], *, queue: str) -> dict:
    """Bars for created and resolved per day, scaled to the busiest day (at least 1)."""
    top = max([1, *(d.created for d in days), *(d.resolved for d in days)])

    def bar(value: int, x: int) -> dict:
        height = round(value * CHART_HEIGHT / top)
        return {"x": x, "y": TOP_MARGIN + CHART_HEIGHT - height, "height": height, "value": value}

    bars = []
    for i, day in enumerate(days):
        x = i * DAY_WIDTH + (DAY_WIDTH - 2 * BAR_WIDTH - BAR_GAP) // 2
        bars.append(
            {
                "day": day,
                "label_x": i * DAY_WIDTH + DAY_WIDTH // 2,
                "created": bar(day.created, x),
                "resolved": bar(day.resolved, x + BAR_WIDTH + BAR_GAP),
                "created_url": tickets_url(
                    queue, created_after=day.start.isoformat(), created_before=day.end.isoformat()
                ),
            }
        )
    return {
        "bars": bars,
        "top": top,
        "width": len(days) * DAY_WIDTH,
        "height": TOP_MARGIN + CHART_HEIGHT + LABEL_HEIGHT,
        "top_y": TOP_MARGIN,
        "base_y": TOP_MARGIN + CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
    }


def _context(dash: Dashboard, *, user_id: int) -> dict:
    team = dash.team_queue
    mine = [
        {"state": s, "count": n, "url": tickets_url("mine", state=s)}
        for s, n in dash.mine_by_state.items()
    ]
    team_states = [
        {"state": s, "count": n, "url": tickets_url(team, state=s)}
        for s, n in dash.team_by_state.items()
    ]
    team_priorities = [
        {"priority": p, "count": n, "url": tickets_url(team, priority=p)}
        for p, n in dash.team_by_priority.items()
    ]
    waiting = [
        {
            "state": s,
            "label": State(s).label.removeprefix("Awaiting "),
            "count": n,
            "url": tickets_url(team, state=s),
        }
        for s, n in dash.waiting.items()
    ]
    groups = None
    if dash.groups is not None:
        groups = [
            {
                "load": g,
                "age": age_label(dash.now - g.oldest_created_at),
                "url": tickets_url(team, group=g.group_id) if g.group_id and g.is_active else "",
            }
            for g in dash.groups
        ]
    oldest = [{"ticket": t, "age": age_label(dash.now - t.created_at)} for t in dash.oldest]
    return {
        "dash": dash,
        "team_label": QUEUES[team].label,
        "mine_url": tickets_url("mine"),
        "team_url": tickets_url(team),
        "unassigned_url": tickets_url("unassigned"),
        "breaching_url": tickets_url("breaching"),
        "mine_breaching_url": tickets_url("breaching", assignee=user_id),
        "breached_url": tickets_url("breached"),
        "oldest_url": tickets_url(team, sort="created"),
        "mine": mine,
        "team_states": team_states,
        "team_priorities": team_priorities,
        "waiting": waiting,
        "groups": groups,
        "oldest": oldest,
        "chart": _chart(dash.days, queue="all"),
    }


@agent_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "desk/dashboard.html",
        _context(dashboard_figures(user=request.user), user_id=request.user.pk),
    )
