"""SQL expressions the reports aggregate with, written once per database.

Django's own date truncation and duration arithmetic call Python functions row by row on
SQLite; at a million tickets that is seconds. These stay in the database's own functions:
on SQLite the local time is the stored UTC text shifted by the zone's offset, which is
constant between two DST changes, so a CASE over the few changes in the range gives it.
"""

from datetime import UTC, datetime, timedelta, tzinfo

from django.db import connection
from django.db.models import Aggregate, Avg, Count, DateField, FloatField, Func

_SQLITE_UTC = "%Y-%m-%d %H:%M:%S"


def offset_spans(zone: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets (seconds) over [start, end): a list of (from, offset), the first
    from ``start``. Found day by day, each change then to the second by bisection."""

    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds())

    start, end = start.astimezone(UTC), end.astimezone(UTC)
    spans = [(start, offset(start))]
    step = timedelta(days=1)
    here = start
    while here < end:
        nxt = min(here + step, end)
        if offset(nxt) != spans[-1][1]:
            low, high = here, nxt  # offset(low) is the old one, offset(high) the new
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                mid = mid.replace(microsecond=0)
                if offset(mid) == spans[-1][1]:
                    low = mid
                else:
                    high = mid
            spans.append((high, offset(high)))
        here = nxt
    return spans


class LocalPeriod(Func):
    """The first day of the day, week (Monday) or month of the desk's time zone that an
    instant falls in: a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite."""

    output_field = DateField()

    def __init__(self, expression, *, interval: str, zone: tzinfo, spans):
        self.interval, self.zone, self.spans = interval, zone, spans
        super().__init__(expression)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"(date_trunc('{self.interval}', {sql} AT TIME ZONE %s))::date",
            [*params, str(self.zone)],
        )

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        shift, shift_params = _sqlite_shift(sql, params, self.spans)
        if self.interval == "day":
            return f"date({sql}, {shift})", [*params, *shift_params]
        if self.interval == "week":
            # 'weekday 0' moves on to the Sunday (or stays on one); six days back is Monday.
            return f"date({sql}, {shift}, 'weekday 0', '-6 days')", [*params, *shift_params]
        return f"strftime('%%Y-%%m-01', {sql}, {shift})", [*params, *shift_params]


def _sqlite_shift(sql: str, params, spans) -> tuple[str, list]:
    """A date modifier ('+3600 seconds') for the offset in force at the instant ``sql``."""
    if len(spans) == 1:
        return "%s", [f"{spans[0][1]:+d} seconds"]
    whens, out = [], []
    for (_, off), (until, _) in zip(spans, spans[1:], strict=False):
        whens.append(f"WHEN {sql} < %s THEN %s")
        out += [*params, until.strftime(_SQLITE_UTC), f"{off:+d} seconds"]
    out.append(f"{spans[-1][1]:+d} seconds")
    return f"(CASE {' '.join(whens)} ELSE %s END)", out


class HoursBetween(Func):
    """Hours (a float) from one instant to a later one."""

    output_field = FloatField()

    def __init__(self, start, end):
        super().__init__(start, end)

    def as_sqlite(self, compiler, connection, **extra):
        (a, ap), (b, bp) = (compiler.compile(e) for e in self.source_expressions)
        return f"((julianday({b}) - julianday({a})) * 24.0)", [*bp, *ap]

    def as_postgresql(self, compiler, connection, **extra):
        (a, ap), (b, bp) = (compiler.compile(e) for e in self.source_expressions)
        return f"(EXTRACT(EPOCH FROM ({b} - {a})) / 3600.0)", [*bp, *ap]


class DurationHours(Func):
    """A stored duration in hours (a float): microseconds on SQLite, an interval on PostgreSQL."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} / 3600000000.0)", params

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(EPOCH FROM {sql}) / 3600.0)", params


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear between the two nearest ranks)."""

    function = "percentile_cont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentiles_by_group(values_qs, fractions: tuple[float, ...]) -> dict:
    """{group key: [percentile per fraction]} for a queryset of (``g``, ``v``) rows."""
    return {g: pcts for g, (_, _, pcts) in distribution_by_group(values_qs, fractions).items()}


def distribution_by_group(values_qs, fractions: tuple[float, ...]) -> dict:
    """{group key: (count, mean, [percentile per fraction])} for a queryset of (``g``, ``v``)
    rows, ``v`` never null, in one query: ``percentile_cont`` on PostgreSQL; on SQLite the
    same linear interpolation between the two nearest ranks, from window functions over the
    ranked rows (no ticket comes to Python: one row per group does)."""
    if connection.vendor == "postgresql":
        rows = values_qs.values("g").annotate(
            n=Count("v"),
            mean=Avg("v"),
            **{f"p{i}": PercentileCont("v", f) for i, f in enumerate(fractions)},
        )
        return {
            r["g"]: (r["n"], r["mean"], [r[f"p{i}"] for i in range(len(fractions))]) for r in rows
        }
    inner, params = values_qs.values_list("g", "v").query.sql_with_params()
    picks = []
    for f in fractions:
        pos = f"({f!r} * (n - 1))"
        low = f"CAST({pos} AS INTEGER)"
        frac = f"({pos} - {low})"
        picks.append(
            f"SUM(CASE WHEN rn = {low} + 1 THEN v * (1 - {frac}) "
            f"WHEN rn = {low} + 2 THEN v * {frac} ELSE 0 END)"
        )
    # One window, its frame the whole partition, so that the rank and the count come from a
    # single sort of the rows.
    sql = (
        f"SELECT g, COUNT(*), AVG(v), {', '.join(picks)} FROM ("
        "SELECT g, v, ROW_NUMBER() OVER w AS rn, COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED "
        "PRECEDING AND UNBOUNDED FOLLOWING) AS n "
        f"FROM ({inner}) AS t WINDOW w AS (PARTITION BY g ORDER BY v)) AS ranked GROUP BY g"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], list(row[3:])) for row in cursor.fetchall()}
