"""Queue pages: a queue, the shared ticket filter on top, keyset pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from servicedesk.accounts.models import SupportGroup
from servicedesk.accounts.selectors import agents
from servicedesk.desk.access import agent_required
from servicedesk.desk.keyset import SORT_KEYS, PageError, Sort, paginate, parse_sort
from servicedesk.desk.queues import DEFAULT_QUEUE, QUEUES, queue_entries
from servicedesk.tickets.filters import TicketFilter
from servicedesk.tickets.models import Category

COLUMNS = (
    ("number", "Number"),
    ("title", "Title"),
    ("state", "State"),
    ("priority", "Priority"),
    ("requester", "Requester"),
    ("group", "Group"),
    ("assignee", "Assignee"),
    ("updated", "Updated"),
    ("created", "Created"),
)


def _filterset(request: HttpRequest, queryset) -> TicketFilter:
    filterset = TicketFilter(request.GET, queryset=queryset, request=request)
    fields = filterset.form.fields
    # Offer what makes sense to pick in the desk; the shared filter still does the filtering.
    fields["assignee"].queryset = agents().order_by("display_name", "username")
    fields["group"].queryset = SupportGroup.objects.filter(is_active=True)
    fields["category"].queryset = Category.objects.filter(parent=None, is_active=True)
    for name in ("assignee", "group", "category"):
        fields[name].empty_label = "Any"
    return filterset


def _columns(sort: Sort) -> list[dict]:
    """Column headers; a sortable one links to its sort, flipped if it is the current one."""
    return [
        {
            "label": label,
            "param": sort.toggled(key) if key in SORT_KEYS else "",
            "active": key == sort.key,
        }
        for key, label in COLUMNS
    ]


@agent_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("queue") or DEFAULT_QUEUE
    queue = QUEUES.get(slug)
    context = {"queues": queue_entries(user=request.user), "queue": queue}
    error, status = "", 200
    if queue is None:
        error = f"There is no queue {slug!r}."
        context["queue"] = QUEUES[DEFAULT_QUEUE]
    filterset = _filterset(request, context["queue"].tickets(request.user))
    context["filter"] = filterset
    try:
        sort = parse_sort(request.GET.get("sort", ""))
    except PageError as exc:
        error, sort = str(exc), parse_sort("")
    context["sort"] = sort
    context["columns"] = _columns(sort)
    if not filterset.is_valid():
        error = error or "Some filters are not valid; fix them to see tickets."
    if not error:
        try:
            context["page"] = paginate(
                filterset.qs,
                sort=sort,
                after=request.GET.get("after", ""),
                before=request.GET.get("before", ""),
            )
        except PageError as exc:
            error = str(exc)
    if error:
        status = 400
    context["error"] = error
    return render(request, "desk/ticket_list.html", context, status=status)
