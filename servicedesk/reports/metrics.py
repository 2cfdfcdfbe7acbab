"""The computation of each report: aggregates in the database, one row per group or period
back to Python (never one per ticket). docs/metrics.md defines every figure."""

from datetime import date, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from servicedesk.reports.fields import FIELDS, NONE_LABEL, Field
from servicedesk.reports.scope import Scope, midnight
from servicedesk.reports.sql import (
    DurationHours,
    HoursBetween,
    LocalPeriod,
    distribution_by_group,
    offset_spans,
    percentiles_by_group,
)
from servicedesk.reports.types import Column, ReportError, ReportResult
from servicedesk.sla.choices import ClockStatus, Metric
from servicedesk.sla.models import Clock, ClockCycle
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import IsOpen

ALL = "All tickets"
FRACTIONS = (0.5, 0.9)
REASSIGNMENT_BUCKETS = 5  # 0, 1, 2, 3, 4 and "5 or more"


# ---- helpers -------------------------------------------------------------------------------


def _round(value, digits: int = 2):
    return None if value is None else round(float(value), digits)


def _percent(part: int, whole: int):
    return None if not whole else round(100.0 * part / whole, 2)


def _group_key(scope: Scope):
    """The expression rows are grouped by: the ``by`` field's column, or one constant group."""
    return F(scope.by.column) if scope.by else Value(0, output_field=IntegerField())


def _grouped(scope: Scope, qs: QuerySet, **aggregates) -> dict:
    """{group key: {aggregate: value}} in one query."""
    rows = qs.annotate(g=_group_key(scope)).values("g").annotate(**aggregates)
    return {row.pop("g"): row for row in rows}


def _keys_in_order(scope: Scope, keys, weight=None, labels=None) -> list:
    """The groups to show: every value of a choice field (so an empty range shows zeros), or
    the keys the data had, busiest first (``weight``), then by label."""
    if scope.by is None:
        return [0]
    if scope.by.choices is not None:
        known = [k for k, _ in scope.by.choices]
        return known + [k for k in keys if k not in known]
    labels = labels if labels is not None else scope.by.labels(keys)
    return sorted(
        keys,
        key=lambda k: (-(weight(k) if weight else 0), k is None, labels.get(k, NONE_LABEL)),
    )


def _by_columns(scope: Scope) -> list[Column]:
    if scope.by is None:
        return []
    return [
        Column(scope.by.name, scope.by.label, "text"),
        Column(f"{scope.by.name}_key", f"{scope.by.label} (value)", "key"),
    ]


def _by_cells(scope: Scope, key, labels: dict) -> dict:
    if scope.by is None:
        return {}
    label = NONE_LABEL if key is None else labels.get(key, str(key))
    return {scope.by.name: label, f"{scope.by.name}_key": key}


def _result(scope: Scope, columns, rows, drilldown, notes=()) -> ReportResult:
    info = scope.info
    return ReportResult(
        name=info.name,
        title=info.title,
        description=info.description,
        columns=columns,
        rows=rows,
        chart=info.chart,
        drilldown=drilldown,
        query=scope.query,
        time_zone=str(scope.zone),
        notes=list(notes),
    )


# A range by day over centuries (1900 to 2999 are valid days) made hundreds of thousands of
# rows; 10,000 is over 27 years by day.
MAX_PERIODS = 10_000


def _periods(scope: Scope, first: date | None) -> list[tuple[date, object, object]]:
    """The periods of the range, each (first day, start instant, end instant), clipped to the
    range; an open start begins at ``first`` (the first ticket's day), an open end today."""
    zone = scope.zone
    today = scope.now.astimezone(zone).date()
    lo = scope.query.date_from or first or today
    hi = scope.query.date_to or today
    if hi < lo:
        hi = lo
    interval = scope.query.interval
    out = []
    day = _period_start(lo, interval)
    while day <= hi:
        if len(out) == MAX_PERIODS:
            # Each period is a row, a drilldown link and a point of the chart.
            raise ReportError(
                f"The range holds more than {MAX_PERIODS} {interval}s: narrow it or use a "
                "longer interval."
            )
        nxt = _next_period(day, interval)
        start, end = midnight(max(day, lo), zone), midnight(min(nxt, hi + timedelta(days=1)), zone)
        out.append((day, start, end))
        day = nxt
    return out


def _period_start(day: date, interval: str) -> date:
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_period(day: date, interval: str) -> date:
    if interval == "day":
        return day + timedelta(days=1)
    if interval == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _per_period(scope: Scope, qs: QuerySet, column: str, periods) -> dict[date, int]:
    """How many of ``qs`` have ``column`` in each period: one grouped query over the periods'
    range, the period found in the desk's time zone by the database."""
    start, end = periods[0][1], periods[-1][2]
    spans = offset_spans(scope.zone, start, end)
    rows = (
        qs.filter(**{f"{column}__gte": start, f"{column}__lt": end})
        .annotate(
            p=LocalPeriod(F(column), interval=scope.query.interval, zone=scope.zone, spans=spans)
        )  # fmt: skip
        .values("p")
        .annotate(n=Count("pk"))
    )
    return {_as_date(r["p"]): r["n"] for r in rows}


def _first_day(scope: Scope, column: str = "created_at") -> date | None:
    if scope.query.date_from is not None:
        return None
    first = scope.tickets.aggregate(first=Min(column))["first"]
    return first.astimezone(scope.zone).date() if first else None


# ---- volume and backlog --------------------------------------------------------------------

_VOLUME = (("created", "created_at"), ("resolved", "resolved_at"), ("closed", "closed_at"))


def volume(scope: Scope) -> ReportResult:
    counts = [Column(name, name.capitalize(), "count") for name, _ in _VOLUME]
    notes = [
        "resolved counts each ticket once, on its latest resolution; the drilldown lists the "
        "tickets created in the row's range"
    ]
    if scope.by is not None:
        found = {
            name: _grouped(scope, scope.in_range(scope.tickets, column), n=Count("pk"))
            for name, column in _VOLUME
        }
        keys = set().union(*(f.keys() for f in found.values()))
        labels = scope.by.labels(keys)
        order = _keys_in_order(
            scope, keys, lambda k: found["created"].get(k, {}).get("n", 0), labels
        )
        rows = [
            {
                **_by_cells(scope, k, labels),
                **{name: found[name].get(k, {}).get("n", 0) for name, _ in _VOLUME},
            }
            for k in order
        ]
        return _result(
            scope, [*_by_columns(scope), *counts], rows, [scope.drill_by(k) for k in order], notes
        )
    periods = _periods(scope, _first_day(scope))
    found = {name: _per_period(scope, scope.tickets, column, periods) for name, column in _VOLUME}
    rows = [
        {"period": day.isoformat(), **{name: found[name].get(day, 0) for name, _ in _VOLUME}}
        for day, _, _ in periods
    ]
    drill = [scope.drill(start=start, end=end) for _, start, end in periods]
    return _result(scope, [Column("period", "Period", "date"), *counts], rows, drill, notes)


def _ended_at():
    """When a ticket stopped being open: its resolution, else its closure, else (cancelled)
    its last update; null while open."""
    cancelled = Case(When(state=State.CANCELLED, then=F("updated_at")))
    return Coalesce("resolved_at", "closed_at", cancelled)


def backlog(scope: Scope) -> ReportResult:
    periods = _periods(scope, _first_day(scope))
    first_start = periods[0][1]
    tickets = scope.tickets.alias(ended=_ended_at())
    before = (
        tickets.filter(created_at__lt=first_start)
        .filter(Q(ended=None) | Q(ended__gte=first_start))
        .count()
    )
    created = _per_period(scope, scope.tickets, "created_at", periods)
    ended = _per_period(scope, tickets.annotate(ended_at=_ended_at()), "ended_at", periods)
    rows, drill, open_now = [], [], before
    for day, _, _ in periods:
        open_now += created.get(day, 0) - ended.get(day, 0)
        rows.append({
            "period": day.isoformat(), "opened": created.get(day, 0),
            "ended": ended.get(day, 0), "open": open_now,
        })  # fmt: skip
        drill.append(None)
    columns = [
        Column("period", "Period", "date"),
        Column("opened", "Created", "count"),
        Column("ended", "Resolved, closed or cancelled", "count"),
        Column("open", "Open at the end", "count"),
    ]
    notes = ["a reopened ticket counts as open only from its reopening's last resolution on"]
    return _result(scope, columns, rows, drill, notes)


# ---- durations -----------------------------------------------------------------------------


def _duration_rows(scope: Scope, *, stamp: str, metric: str, what: str) -> ReportResult:
    """Hours from creation to ``stamp`` (calendar) and the ``metric`` clock's business time,
    median, mean and 90th percentile per group."""
    done = scope.created().filter(**{f"{stamp}__isnull": False})
    calendar = done.annotate(g=_group_key(scope), v=HoursBetween(F("created_at"), F(stamp)))
    dist = distribution_by_group(calendar, FRACTIONS)
    counts = {g: {"n": n, "mean": mean} for g, (n, mean, _) in dist.items()}
    pct = {g: p for g, (_, _, p) in dist.items()}

    clocks = Clock.objects.order_by().filter(
        group=None,
        metric=metric,
        status__in=(ClockStatus.MET, ClockStatus.BREACHED),
        ticket_id__in=done.values("pk"),
    )
    key = F(f"ticket__{scope.by.column}") if scope.by else Value(0, output_field=IntegerField())
    business = clocks.annotate(g=key, v=DurationHours(F("banked")))
    bdist = distribution_by_group(business, FRACTIONS)
    bcounts = {g: {"n": n, "mean": mean} for g, (n, mean, _) in bdist.items()}
    bpct = {g: p for g, (_, _, p) in bdist.items()}

    keys = set(counts) | set(bcounts)
    labels = scope.by.labels(keys) if scope.by else {}
    order = _keys_in_order(scope, keys, lambda k: counts.get(k, {}).get("n", 0), labels)
    rows = []
    for k in order:
        c, b = counts.get(k, {}), bcounts.get(k, {})
        p, bp = pct.get(k, [None, None]), bpct.get(k, [None, None])
        rows.append({
            **_by_cells(scope, k, labels),
            "tickets": c.get("n", 0),
            "median_hours": _round(p[0]), "mean_hours": _round(c.get("mean")),
            "p90_hours": _round(p[1]),
            "business_tickets": b.get("n", 0),
            "business_median_hours": _round(bp[0]), "business_mean_hours": _round(b.get("mean")),
            "business_p90_hours": _round(bp[1]),
        })  # fmt: skip
    columns = [
        *_by_columns(scope),
        Column("tickets", f"Tickets {what}", "count"),
        Column("median_hours", "Median", "hours"),
        Column("mean_hours", "Mean", "hours"),
        Column("p90_hours", "90th percentile", "hours"),
        Column("business_tickets", "With an SLA clock", "count"),
        Column("business_median_hours", "Median (business)", "hours"),
        Column("business_mean_hours", "Mean (business)", "hours"),
        Column("business_p90_hours", "90th percentile (business)", "hours"),
    ]
    notes = [
        "business hours are the SLA clock's business time (its calendar, paused states left "
        "out), for tickets whose clock stopped; imported and generated tickets have no clocks"
    ]
    return _result(scope, columns, rows, [scope.drill_by(k) for k in order], notes)


def resolution_time(scope: Scope) -> ReportResult:
    return _duration_rows(scope, stamp="resolved_at", metric=Metric.RESOLUTION, what="resolved")


def first_response(scope: Scope) -> ReportResult:
    return _duration_rows(scope, stamp="first_response_at", metric=Metric.RESPONSE, what="answered")


# ---- SLA -----------------------------------------------------------------------------------


def _clock_outcome(now):
    """met / breached of a customer-facing clock; running and not yet due, paused before a
    breach, and cancelled are neither (null)."""
    return Case(
        When(status=ClockStatus.MET, then=Value("met")),
        When(status=ClockStatus.BREACHED, then=Value("breached")),
        When(status=ClockStatus.CANCELLED, then=Value(None)),
        When(breached_at__isnull=False, then=Value("breached")),
        When(status=ClockStatus.RUNNING, due_at__lt=now, then=Value("breached")),
        default=Value(None),
    )


def sla_counts(scope: Scope, tickets: QuerySet, group_column: str | None, metrics=None) -> dict:
    """{(metric, group key): [met, breached]} for ``tickets``: our customer-facing clocks, the
    finished cycles of next-response clocks, and for the resolution target of tickets with no
    resolution clock the source's made_sla."""
    metrics = metrics or list(Metric)
    ids = tickets.values("pk")
    key = F(f"ticket__{group_column}") if group_column else Value(0, output_field=IntegerField())
    out: dict = {}

    def add(metric, g, met, breached):
        cell = out.setdefault((metric, g), [0, 0])
        cell[0] += met
        cell[1] += breached

    clocks = (
        Clock.objects.order_by()
        .filter(group=None, metric__in=metrics, ticket_id__in=ids)
        .annotate(g=key, outcome=_clock_outcome(scope.now))
        .values("metric", "g")
        .annotate(
            met=Count("pk", filter=Q(outcome="met")),
            breached=Count("pk", filter=Q(outcome="breached")),
        )  # fmt: skip
    )
    for r in clocks:
        add(r["metric"], r["g"], r["met"], r["breached"])
    if Metric.NEXT_RESPONSE in metrics:
        ckey = (
            F(f"clock__ticket__{group_column}")
            if group_column
            else Value(0, output_field=IntegerField())
        )
        cycles = (
            ClockCycle.objects.order_by()
            .filter(clock__group=None, clock__metric=Metric.NEXT_RESPONSE, clock__ticket_id__in=ids)
            .annotate(g=ckey)
            .values("g")
            .annotate(
                met=Count("pk", filter=Q(status=ClockStatus.MET)),
                breached=Count("pk", filter=Q(status=ClockStatus.BREACHED)),
            )  # fmt: skip
        )
        for r in cycles:
            add(Metric.NEXT_RESPONSE, r["g"], r["met"], r["breached"])
    if Metric.RESOLUTION in metrics:
        gkey = F(group_column) if group_column else Value(0, output_field=IntegerField())
        with_clock = Clock.objects.order_by().filter(
            group=None, metric=Metric.RESOLUTION, ticket_id=OuterRef("pk")
        )
        source = (
            tickets.filter(made_sla__isnull=False)
            .exclude(Exists(with_clock))
            .annotate(g=gkey)
            .values("g")
            .annotate(
                met=Count("pk", filter=Q(made_sla=True)),
                breached=Count("pk", filter=Q(made_sla=False)),
            )  # fmt: skip
        )
        for r in source:
            add(Metric.RESOLUTION, r["g"], r["met"], r["breached"])
    return out


def sla(scope: Scope) -> ReportResult:
    column = scope.by.column if scope.by else None
    counts = sla_counts(scope, scope.created(), column)
    keys = {g for (_, g) in counts}
    totals: dict = {}
    for (_, g), (m, b) in counts.items():
        totals[g] = totals.get(g, 0) + m + b
    labels = scope.by.labels(keys) if scope.by else {}
    order = _keys_in_order(scope, keys, lambda k: totals.get(k, 0), labels)
    rows, drill = [], []
    for metric in Metric:
        for k in order:
            met, breached = counts.get((metric.value, k), (0, 0))
            rows.append({
                "target": metric.label, "target_key": metric.value,
                **_by_cells(scope, k, labels),
                "met": met, "breached": breached, "adherence": _percent(met, met + breached),
            })  # fmt: skip
            drill.append(scope.drill_by(k))
    columns = [
        Column("target", "Target", "text"),
        Column("target_key", "Target (value)", "key"),
        *_by_columns(scope),
        Column("met", "Met", "count"),
        Column("breached", "Breached", "count"),
        Column("adherence", "Adherence", "percent"),
    ]
    notes = ["adherence = met / (met + breached); open tickets past due count as breached"]
    return _result(scope, columns, rows, drill, notes)


# ---- reopens, reassignments, first contact resolution, channels -----------------------------

_EVER_RESOLVED = Q(resolved_at__isnull=False) | Q(reopen_count__gt=0)


def reopens(scope: Scope) -> ReportResult:
    found = _grouped(
        scope,
        scope.created(),
        resolved=Count("pk", filter=_EVER_RESOLVED),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    labels = scope.by.labels(found.keys()) if scope.by else {}
    order = _keys_in_order(scope, found.keys(), lambda k: found[k]["resolved"], labels)
    rows = []
    for k in order:
        f = found.get(k, {"resolved": 0, "reopened": 0})
        rows.append({
            **_by_cells(scope, k, labels), "resolved": f["resolved"], "reopened": f["reopened"],
            "reopen_rate": _percent(f["reopened"], f["resolved"]),
        })  # fmt: skip
    columns = [
        *_by_columns(scope),
        Column("resolved", "Resolved at least once", "count"),
        Column("reopened", "Reopened", "count"),
        Column("reopen_rate", "Reopen rate", "percent"),
    ]
    return _result(scope, columns, rows, [scope.drill_by(k) for k in order])


def reassignments(scope: Scope) -> ReportResult:
    buckets = {
        f"r{i}": Count("pk", filter=Q(reassignment_count=i)) for i in range(REASSIGNMENT_BUCKETS)
    }
    buckets[f"r{REASSIGNMENT_BUCKETS}"] = Count(
        "pk", filter=Q(reassignment_count__gte=REASSIGNMENT_BUCKETS)
    )
    found = _grouped(
        scope,
        scope.created(),
        tickets=Count("pk"),
        mean=Avg("reassignment_count"),
        most=Max("reassignment_count"),
        **buckets,
    )
    labels = scope.by.labels(found.keys()) if scope.by else {}
    order = _keys_in_order(scope, found.keys(), lambda k: found[k]["tickets"], labels)
    rows = []
    for k in order:
        f = found.get(k, {})
        rows.append({
            **_by_cells(scope, k, labels), "tickets": f.get("tickets", 0),
            "mean": _round(f.get("mean"), 3), "most": f.get("most"),
            **{b: f.get(b, 0) for b in buckets},
        })  # fmt: skip
    columns = [
        *_by_columns(scope),
        Column("tickets", "Tickets", "count"),
        Column("mean", "Mean reassignments", "number"),
        Column("most", "Most", "count"),
        *[Column(f"r{i}", f"{i} times", "count") for i in range(REASSIGNMENT_BUCKETS)],
        Column(f"r{REASSIGNMENT_BUCKETS}", f"{REASSIGNMENT_BUCKETS} or more", "count"),
    ]
    return _result(scope, columns, rows, [scope.drill_by(k) for k in order])


def first_contact_resolution(scope: Scope) -> ReportResult:
    resolved = Q(resolved_at__isnull=False)
    found = _grouped(
        scope,
        scope.created(),
        resolved=Count("pk", filter=resolved),
        first=Count("pk", filter=resolved & Q(reassignment_count=0, reopen_count=0)),
    )
    labels = scope.by.labels(found.keys()) if scope.by else {}
    order = _keys_in_order(scope, found.keys(), lambda k: found[k]["resolved"], labels)
    rows = []
    for k in order:
        f = found.get(k, {"resolved": 0, "first": 0})
        rows.append({
            **_by_cells(scope, k, labels), "resolved": f["resolved"],
            "first_contact": f["first"], "rate": _percent(f["first"], f["resolved"]),
        })  # fmt: skip
    columns = [
        *_by_columns(scope),
        Column("resolved", "Resolved", "count"),
        Column("first_contact", "Resolved at first contact", "count"),
        Column("rate", "First contact resolution", "percent"),
    ]
    return _result(scope, columns, rows, [scope.drill_by(k) for k in order])


def channels(scope: Scope) -> ReportResult:
    channel = FIELDS["channel"]
    found = dict(scope.created().values_list("channel").annotate(n=Count("pk")))
    total = sum(found.values())
    keys = [k for k, _ in channel.choices] + [k for k in found if k not in dict(channel.choices)]
    labels = dict(channel.choices)
    rows = [
        {
            "channel": labels.get(k, k),
            "channel_key": k,
            "tickets": found.get(k, 0),
            "share": _percent(found.get(k, 0), total),
        }  # fmt: skip
        for k in keys
    ]
    columns = [
        Column("channel", "Channel", "text"),
        Column("channel_key", "Channel (value)", "key"),
        Column("tickets", "Tickets", "count"),
        Column("share", "Share", "percent"),
    ]
    return _result(scope, columns, rows, [scope.drill(channel=k) for k in keys])


# ---- agents and groups ---------------------------------------------------------------------


def _performance(scope: Scope, field: Field) -> ReportResult:
    column = field.column
    created = scope.created()
    found = {
        r.pop("g"): r
        for r in created.annotate(g=F(column))
        .values("g")
        .annotate(
            assigned=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            ever=Count("pk", filter=_EVER_RESOLVED),
            reopened=Count("pk", filter=Q(reopen_count__gt=0)),
        )
    }
    done = created.filter(resolved_at__isnull=False).annotate(
        g=F(column), v=HoursBetween(F("created_at"), F("resolved_at"))
    )
    medians = percentiles_by_group(done, (0.5,))
    slas = sla_counts(scope, created, column, metrics=[Metric.RESOLUTION])
    load = dict(
        scope.tickets.filter(IsOpen())
        .annotate(g=F(column))
        .values_list("g")
        .annotate(n=Count("pk"))
    )
    keys = set(found) | set(load)
    labels = field.labels(keys)
    order = sorted(
        keys,
        key=lambda k: (-found.get(k, {}).get("assigned", 0), k is None, labels.get(k, NONE_LABEL)),
    )
    rows, drill = [], []
    for k in order:
        f = found.get(k, {"assigned": 0, "resolved": 0, "ever": 0, "reopened": 0})
        met, breached = slas.get((Metric.RESOLUTION.value, k), (0, 0))
        rows.append({
            field.name: NONE_LABEL if k is None else labels.get(k, str(k)),
            f"{field.name}_key": k,
            "assigned": f["assigned"], "resolved": f["resolved"],
            "median_resolution_hours": _round(medians.get(k, [None])[0]),
            "sla_met": met, "sla_breached": breached,
            "sla_adherence": _percent(met, met + breached),
            "reopen_rate": _percent(f["reopened"], f["ever"]),
            "open_load": load.get(k, 0),
        })  # fmt: skip
        if k is None:
            drill.append(scope.drill(**dict([field.none_param])) if field.none_param else None)
        else:
            drill.append(scope.drill(**{field.list_param: k}))
    columns = [
        Column(field.name, field.label, "text"),
        Column(f"{field.name}_key", f"{field.label} (value)", "key"),
        Column("assigned", "Assigned", "count"),
        Column("resolved", "Resolved", "count"),
        Column("median_resolution_hours", "Median resolution", "hours"),
        Column("sla_met", "SLA met", "count"),
        Column("sla_breached", "SLA breached", "count"),
        Column("sla_adherence", "SLA adherence", "percent"),
        Column("reopen_rate", "Reopen rate", "percent"),
        Column("open_load", "Open now", "count"),
    ]
    notes = [
        "assigned, resolved, SLA and reopens: tickets created in the range, by their current "
        "assignee or group; open now: every open ticket, whatever the range"
    ]
    return _result(scope, columns, rows, drill, notes)


def agents(scope: Scope) -> ReportResult:
    return _performance(scope, FIELDS["agent"])


def groups(scope: Scope) -> ReportResult:
    return _performance(scope, FIELDS["group"])


IMPLEMENTATIONS = {
    "volume": volume,
    "backlog": backlog,
    "resolution-time": resolution_time,
    "first-response": first_response,
    "sla": sla,
    "reopens": reopens,
    "reassignments": reassignments,
    "first-contact-resolution": first_contact_resolution,
    "channels": channels,
    "agents": agents,
    "groups": groups,
}
