"""Queue pages: a queue, the shared ticket filter on top, keyset pages."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from servicedesk.desk.access import agent_required
from servicedesk.desk.forms import FastSelect
from servicedesk.desk.keyset import DUE, PageError, Sort, paginate, parse_sort
from servicedesk.desk.queues import ALL_QUEUE, DEFAULT_QUEUE, QUEUES, Queue, queue_entries
from servicedesk.desk.selectors import filter_assignees, filter_groups, ticket_by_reference
from servicedesk.tickets.choices import State
from servicedesk.tickets.filters import TicketFilter
from servicedesk.tickets.models import Category

COLUMNS = (
    ("number", "Number"),
    ("title", "Title"),
    ("state", "State"),
    ("priority", "Priority"),
    (DUE, "Due"),  # in the SLA queues only
    ("requester", "Requester"),
    ("group", "Group"),
    ("assignee", "Assignee"),
    ("updated", "Updated"),
    ("created", "Created"),
)


def _filterset(request: HttpRequest, queue: Queue) -> TicketFilter:
    user = request.user
    filterset = TicketFilter(request.GET, queryset=queue.tickets(user), request=request)
    fields = filterset.form.fields
    # Offer what makes sense to pick in the desk; the shared filter still does the filtering.
    fields["state"].choices = [(s.value, s.label) for s in State if queue.holds(s)]
    fields["assignee"].queryset = filter_assignees(user=user)
    fields["group"].queryset = filter_groups(user=user)
    fields["category"].queryset = Category.objects.filter(parent=None, is_active=True)
    for name in ("assignee", "group", "category"):
        field = fields[name]
        field.empty_label = "Any"
        # The same drop-down, hundreds of options long, without a template render per option.
        field.widget = FastSelect(attrs=field.widget.attrs, choices=field.choices)
    return filterset


def _states_elsewhere(request: HttpRequest, queue: Queue) -> list[str]:
    """States asked for that this queue never holds: they are in "All tickets"."""
    asked = request.GET.getlist("state")
    return [State(s).label for s in State if s in asked and not queue.holds(s)]


def _columns(sort: Sort, queue: Queue) -> list[dict]:
    """Column headers; a sortable one links to its sort, flipped if it is the current one."""
    return [
        {
            "label": label,
            "param": sort.toggled(key) if key in queue.sorts else "",
            "active": key == sort.key,
        }
        for key, label in COLUMNS
        if key != DUE or DUE in queue.sorts
    ]


@agent_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("queue") or DEFAULT_QUEUE
    queue = QUEUES.get(slug)
    entries = queue_entries(user=request.user)
    error, status = "", 200
    if queue is None:
        error = f"There is no queue {slug!r}."
        queue = QUEUES[DEFAULT_QUEUE]
    context = {
        "queues": entries,
        "queue": queue,
        "queue_label": next(e.label for e in entries if e.queue is queue),
        "elsewhere": _states_elsewhere(request, queue),
    }
    filterset = _filterset(request, queue)
    context["filter"] = filterset
    sorts = {"keys": queue.sorts, "default": queue.default_sort}
    try:
        sort = parse_sort(request.GET.get("sort", ""), **sorts)
    except PageError as exc:
        error, sort = str(exc), parse_sort("", **sorts)
    context["sort"] = sort
    context["columns"] = _columns(sort, queue)
    context["due_column"] = DUE in queue.sorts
    if context["elsewhere"]:
        states = " and ".join(context["elsewhere"])
        error = error or f"{states} tickets are never in “{context['queue_label']}”."
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


@agent_required
@require_GET
def ticket_search(request: HttpRequest) -> HttpResponse:
    """The header's search: a ticket's number (or imported reference) opens that ticket;
    any other text is searched for in every ticket the agent may see, whatever its state."""
    text = request.GET.get("q", "").strip()
    ticket = ticket_by_reference(user=request.user, text=text)
    if ticket is not None:
        return redirect("desk:ticket", number=ticket.number)
    params = {"queue": ALL_QUEUE, **({"q": text} if text else {})}
    return redirect(f"{reverse('desk:tickets')}?{urlencode(params)}")
