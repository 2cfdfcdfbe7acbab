"""Server-rendered SVG charts: a line chart for series over time, bars for breakdowns.

The SVG is written here as text, with every label escaped, so a report renders the same in a
browser without JavaScript, in a mail client and in a test. Each chart names itself (``<title>``
and ``<desc>``, read out by screen readers) and the page shows the table behind it. Each point
and bar is a link to the desk's list of the tickets it counts, and carries a tooltip with its
exact value.

The value axis starts at zero and ends at a "nice" number (1, 2, 2.5 or 5 times a power of ten)
at or above the largest value, with a gridline per tick, so a bar's length is proportional to
its value and ticks read as round figures. Counts never get fractional ticks.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape

# Geometry in SVG user units (the chart scales to its container: width 100%, viewBox fixed).
WIDTH = 760
LINE_HEIGHT = 300
MARGIN_LEFT = 64
MARGIN_RIGHT = 20
MARGIN_TOP = 20
MARGIN_BOTTOM = 56
BAR_LABEL_WIDTH = 200
BAR_ROW = 26
BAR_MAX_ROWS = 40  # the table holds every row; the chart the first 40
TICK_TARGET = 5
LABEL_SPACING = 64  # at least this far apart along the time axis
# Series colours (Okabe-Ito, told apart by colour-blind readers too), in series order.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")


@dataclass(frozen=True)
class Series:
    """One measure drawn on the chart: its label, unit and one value per category."""

    label: str
    unit: str
    values: Sequence[float | int | Decimal | None]


@dataclass(frozen=True)
class ChartData:
    """What a chart draws: categories along one axis (days, priorities, groups), a link each."""

    title: str
    description: str
    categories: Sequence[str]
    series: Sequence[Series]
    links: Sequence[str] = field(default_factory=tuple)


def nice_ticks(top: float, *, integer: bool = False) -> list[float]:
    """Ticks from 0 up to a round number at or above ``top``: about five of them.

    ``integer`` (counts): steps are whole numbers, so 3 tickets give 0, 1, 2, 3, not 0.5s.
    """
    if top <= 0 or not math.isfinite(top):
        return [0, 1]
    raw = top / TICK_TARGET
    power = 10 ** math.floor(math.log10(raw))
    # 2.5 steps read as round figures from 25 on; below that a count would get halves.
    steps = (1, 2, 5, 10) if integer and power < 10 else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if integer:
        step = max(1, int(step))
    count = math.ceil(top / step - 1e-9)
    ticks = [round(i * step, 10) for i in range(count + 1)]
    return [int(t) if float(t).is_integer() else t for t in ticks]


def format_value(value: float | int | Decimal | None, unit: str = "") -> str:
    """A value as the chart and the table print it: "12", "3.5 h", "62.5%"; "–" for none."""
    if value is None:
        return "–"
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        text = f"{int(number):,}"
    else:
        text = f"{number:,.1f}" if abs(number) >= 10 else f"{number:,.2f}".rstrip("0")
    unit = (unit or "").strip()
    if unit in ("%", "percent"):
        return f"{text}%"
    if unit in ("", "count", "tickets", "number"):
        return text
    short = {"hours": "h", "hour": "h", "minutes": "min", "days": "d", "seconds": "s"}
    return f"{text} {short.get(unit, unit)}"


def _is_count(series: Sequence[Series]) -> bool:
    return all(
        (s.unit or "") in ("", "count", "tickets", "number")
        and all(v is None or float(v).is_integer() for v in s.values)
        for s in series
    )


def _top(series: Sequence[Series]) -> float:
    values = [float(v) for s in series for v in s.values if v is not None]
    return max([0.0, *values])


def _f(number: float) -> str:
    """A coordinate, short: 12.5, 40."""
    return f"{number:.1f}".removesuffix(".0")


def _open(data: ChartData, width: float, height: float, kind: str, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart report-chart-{kind}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" data-chart="{kind}">',
        f'<title id="{ident}-title">{escape(data.title)}</title>',
        f'<desc id="{ident}-desc">{escape(data.description)}</desc>',
    ]


def _legend(series: Sequence[Series], *, x: float, y: float) -> list[str]:
    if len(series) < 2:
        return []
    out, at = ['<g class="chart-legend">'], x
    for i, s in enumerate(series):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{_f(at)}" y="{_f(y - 9)}" width="10" height="10" fill="{colour}"/>')
        out.append(
            f'<text x="{_f(at + 14)}" y="{_f(y)}" class="chart-label">{escape(s.label)}</text>'
        )
        at += 24 + 7 * len(s.label)
    out.append("</g>")
    return out


def _unit_title(series: Sequence[Series]) -> str:
    units = {s.unit for s in series if s.unit}
    if len(units) != 1:
        return ""
    unit = units.pop()
    return "per cent" if unit in ("%", "percent") else unit


def _empty(data: ChartData, kind: str, ident: str) -> str:
    out = _open(data, WIDTH, 120, kind, ident)
    out.append(
        f'<text x="{WIDTH // 2}" y="60" text-anchor="middle" class="chart-empty">'
        "No tickets in this range</text></svg>"
    )
    return "".join(out)


def line_chart(data: ChartData, *, ident: str = "chart") -> str:
    """Series over time: one polyline per series, a linked point per value.

    A missing value (None: a median over no tickets) breaks the line rather than drawing it
    through zero.
    """
    n = len(data.categories)
    if n == 0 or not data.series:
        return _empty(data, "line", ident)
    ticks = nice_ticks(_top(data.series), integer=_is_count(data.series))
    top = float(ticks[-1])
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = LINE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base = MARGIN_TOP + plot_h
    band = plot_w / n

    def x_at(i: int) -> float:
        return MARGIN_LEFT + band * (i + 0.5)

    def y_at(value: float) -> float:
        return base - float(value) / top * plot_h

    unit = data.series[0].unit
    out = _open(data, WIDTH, LINE_HEIGHT, "line", ident)
    out.append('<g class="chart-axis chart-y">')
    for tick in ticks:
        y = y_at(tick)
        out.append(
            f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{_f(y)}" y2="{_f(y)}" '
            'class="chart-grid"/>'
        )
        out.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{_f(y + 4)}" text-anchor="end" class="chart-tick">'
            f"{escape(format_value(tick, unit))}</text>"
        )
    unit_title = _unit_title(data.series)
    if unit_title:
        out.append(
            f'<text x="12" y="{_f(MARGIN_TOP + plot_h / 2)}" text-anchor="middle" '
            f'transform="rotate(-90 12 {_f(MARGIN_TOP + plot_h / 2)})" class="chart-unit">'
            f"{escape(unit_title)}</text>"
        )
    out.append("</g>")
    out.append(
        f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{_f(base)}" y2="{_f(base)}" '
        'class="chart-baseline"/>'
    )
    # Time labels: every k-th category so that they stay LABEL_SPACING apart.
    every = max(1, math.ceil(LABEL_SPACING / band))
    out.append('<g class="chart-axis chart-x">')
    for i, label in enumerate(data.categories):
        if i % every:
            continue
        x = x_at(i)
        out.append(f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{_f(base)}" y2="{_f(base + 4)}"/>')
        out.append(
            f'<text x="{_f(x)}" y="{_f(base + 18)}" text-anchor="middle" class="chart-tick">'
            f"{escape(label)}</text>"
        )
    out.append("</g>")
    for si, s in enumerate(data.series):
        colour = PALETTE[si % len(PALETTE)]
        out.append(f'<g class="chart-series" data-series="{escape(s.label)}">')
        run: list[str] = []
        for i, value in enumerate(s.values):
            if value is None:
                if len(run) > 1:
                    out.append(_polyline(run, colour))
                run = []
                continue
            run.append(f"{_f(x_at(i))},{_f(y_at(value))}")
        if len(run) > 1:
            out.append(_polyline(run, colour))
        for i, value in enumerate(s.values):
            if value is None:
                continue
            point = (
                f'<circle cx="{_f(x_at(i))}" cy="{_f(y_at(value))}" r="3.5" fill="{colour}" '
                f'data-value="{escape(str(value))}">'
                f"<title>{escape(data.categories[i])}: {escape(s.label)} "
                f"{escape(format_value(value, s.unit))}</title></circle>"
            )
            out.append(_linked(point, data.links, i))
        out.append("</g>")
    out.extend(_legend(data.series, x=MARGIN_LEFT, y=LINE_HEIGHT - 8))
    out.append("</svg>")
    return "".join(out)


def _polyline(points: list[str], colour: str) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>'


def _linked(element: str, links: Sequence[str], i: int) -> str:
    if i < len(links) and links[i]:
        return f'<a href="{escape(links[i])}">{element}</a>'
    return element


def bar_chart(data: ChartData, *, ident: str = "chart") -> str:
    """A breakdown: one row per category, a horizontal bar per series, labels at the left.

    Horizontal bars keep long names (groups, categories) readable; the value axis runs along
    the bottom with its ticks and unit.
    """
    categories = list(data.categories)[:BAR_MAX_ROWS]
    n = len(categories)
    if n == 0 or not data.series:
        return _empty(data, "bar", ident)
    series = [
        Series(label=s.label, unit=s.unit, values=list(s.values)[:BAR_MAX_ROWS])
        for s in data.series
    ]
    ticks = nice_ticks(_top(series), integer=_is_count(series))
    top = float(ticks[-1])
    plot_left = BAR_LABEL_WIDTH
    plot_w = WIDTH - plot_left - MARGIN_RIGHT - 40  # room for the value after the longest bar
    plot_h = n * BAR_ROW
    base = MARGIN_TOP + plot_h
    height = base + MARGIN_BOTTOM
    bar_h = (BAR_ROW - 6) / len(series)
    unit = series[0].unit

    def x_at(value: float) -> float:
        return plot_left + float(value) / top * plot_w

    out = _open(data, WIDTH, height, "bar", ident)
    out.append('<g class="chart-axis chart-x">')
    for tick in ticks:
        x = x_at(tick)
        out.append(
            f'<line x1="{_f(x)}" x2="{_f(x)}" y1="{MARGIN_TOP}" y2="{_f(base)}" class="chart-grid"/>'
        )
        out.append(
            f'<text x="{_f(x)}" y="{_f(base + 16)}" text-anchor="middle" class="chart-tick">'
            f"{escape(format_value(tick, unit))}</text>"
        )
    unit_title = _unit_title(series)
    if unit_title:
        out.append(
            f'<text x="{_f(plot_left + plot_w / 2)}" y="{_f(base + 34)}" text-anchor="middle" '
            f'class="chart-unit">{escape(unit_title)}</text>'
        )
    out.append("</g>")
    out.append(
        f'<line x1="{plot_left}" x2="{plot_left}" y1="{MARGIN_TOP}" y2="{_f(base)}" '
        'class="chart-baseline"/>'
    )
    for i, label in enumerate(categories):
        y = MARGIN_TOP + i * BAR_ROW
        shown = label if len(label) <= 28 else label[:27] + "…"
        out.append(
            f'<text x="{plot_left - 8}" y="{_f(y + BAR_ROW / 2 + 4)}" text-anchor="end" '
            f'class="chart-tick">{escape(shown or "(none)")}<title>{escape(label)}</title></text>'
        )
        for si, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else None
            bar_y = y + 3 + si * bar_h
            if value is None:
                # Nothing to measure (a rate over no tickets): say so rather than draw a zero.
                out.append(
                    f'<text x="{plot_left + 4}" y="{_f(bar_y + bar_h / 2 + 4)}" '
                    f'class="chart-value">–<title>{escape(label)}: {escape(s.label)}: '
                    "no tickets</title></text>"
                )
                continue
            colour = PALETTE[si % len(PALETTE)]
            width = x_at(value) - plot_left
            bar = (
                f'<rect x="{plot_left}" y="{_f(bar_y)}" width="{_f(width)}" height="{_f(bar_h)}" '
                f'fill="{colour}" data-value="{escape(str(value))}">'
                f"<title>{escape(label)}: {escape(s.label)} "
                f"{escape(format_value(value, s.unit))}</title></rect>"
            )
            out.append(_linked(bar, data.links, i))
            out.append(
                f'<text x="{_f(plot_left + width + 4)}" y="{_f(bar_y + bar_h / 2 + 4)}" '
                f'class="chart-value">{escape(format_value(value, s.unit))}</text>'
            )
    out.extend(_legend(series, x=plot_left, y=height - 6))
    out.append("</svg>")
    return "".join(out)


def render_chart(kind: str, data: ChartData, *, ident: str = "chart") -> str:
    """The chart a report asks for ("line", "bar"); "" for "none"."""
    if kind == "line":
        return line_chart(data, ident=ident)
    if kind == "bar":
        return bar_chart(data, ident=ident)
    return ""
