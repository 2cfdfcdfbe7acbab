"""The SVG charts: axes, ticks, units and values for known data, links and escaping."""

import re
import xml.etree.ElementTree as ET

import pytest

from servicedesk.reports.charts import (
    LINE_HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    ChartData,
    Series,
    bar_chart,
    format_value,
    line_chart,
    nice_ticks,
    render_chart,
)

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@pytest.mark.parametrize(
    ("top", "integer", "ticks"),
    [
        (3, True, [0, 1, 2, 3]),
        (7, True, [0, 2, 4, 6, 8]),
        (13, True, [0, 5, 10, 15]),
        (130, True, [0, 50, 100, 150]),
        (1, True, [0, 1]),
        (0, True, [0, 1]),
        (62.5, False, [0, 20, 40, 60, 80]),
        (0.7, False, [0, 0.2, 0.4, 0.6, 0.8]),
        (100, False, [0, 20, 40, 60, 80, 100]),
        (12, False, [0, 2.5, 5, 7.5, 10, 12.5]),
    ],
)
def test_nice_ticks(top, integer, ticks):
    assert nice_ticks(top, integer=integer) == ticks


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (1234, "count", "1,234"),
        (62.5, "percent", "62.5%"),
        (3.25, "hours", "3.25 h"),
        (12.25, "hours", "12.2 h"),
        (None, "hours", "–"),
        (0, "percent", "0%"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


def _volume() -> ChartData:
    return ChartData(
        title="Tickets created per day",
        description="Created, 1 to 4 March",
        categories=["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"],
        series=[Series("Created", "count", [2, 5, 0, 3])],
        links=["/desk/tickets/?a=1&b=2", "/l/2", "/l/3", "/l/4"],
    )


def test_line_chart_axes_and_points():
    root = parse(line_chart(_volume(), ident="vol"))
    assert root.find("svg:title", NS).text == "Tickets created per day"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "vol-title vol-desc"
    # The value axis: 0..5 in whole tickets, labelled, one gridline each.
    ticks = [t.text for t in root.iterfind(".//svg:g[@class='chart-axis chart-y']/svg:text", NS)]
    assert ticks == ["0", "1", "2", "3", "4", "5", "count"]
    grid = root.findall(".//svg:line[@class='chart-grid']", NS)
    ys = [float(g.get("y1")) for g in grid]
    base = LINE_HEIGHT - MARGIN_BOTTOM
    assert ys[0] == base and ys[-1] == MARGIN_TOP  # 0 on the baseline, 5 at the top
    # Each point sits at its value's height and links to its tickets.
    points = root.findall(".//svg:circle", NS)
    assert [p.get("data-value") for p in points] == ["2", "5", "0", "3"]
    plot_h = base - MARGIN_TOP
    for p in points:
        expected = base - float(p.get("data-value")) / 5 * plot_h
        assert float(p.get("cy")) == pytest.approx(expected, abs=0.06)
    links = [a.get("href") for a in root.iterfind(".//svg:a", NS)]
    assert links == ["/desk/tickets/?a=1&b=2", "/l/2", "/l/3", "/l/4"]
    assert points[1].find("svg:title", NS).text == "2026-03-02: Created 5"
    # Points go left to right in category order.
    xs = [float(p.get("cx")) for p in points]
    assert xs == sorted(xs)
    labels = [t.text for t in root.iterfind(".//svg:g[@class='chart-axis chart-x']/svg:text", NS)]
    assert labels == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]


def test_line_chart_breaks_at_a_missing_value():
    data = ChartData(
        title="Median resolution",
        description="",
        categories=["Jan", "Feb", "Mar", "Apr", "May"],
        series=[Series("Median", "hours", [4.5, 6, None, 2, 3])],
    )
    root = parse(line_chart(data))
    lines = root.findall(".//svg:polyline", NS)
    assert [len(pl.get("points").split()) for pl in lines] == [2, 2]
    ticks = [t.text for t in root.iterfind(".//svg:g[@class='chart-axis chart-y']/svg:text", NS)]
    assert ticks[:2] == ["0 h", "2 h"] and ticks[-1] == "hours"


def test_bar_chart_lengths_are_proportional():
    data = ChartData(
        title="SLA adherence by priority",
        description="",
        categories=["1 - Critical", "2 - High", "<script>x</script>"],
        series=[Series("Adherence", "percent", [62.5, 100, 0])],
        links=["/p1", "", "/p3"],
    )
    svg = bar_chart(data)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    bars = root.findall(".//svg:rect", NS)
    widths = [float(b.get("width")) for b in bars]
    assert widths[2] == 0
    assert widths[0] / widths[1] == pytest.approx(0.625, abs=0.002)
    ticks = [t.text for t in root.iterfind(".//svg:g[@class='chart-axis chart-x']/svg:text", NS)]
    assert ticks == ["0%", "20%", "40%", "60%", "80%", "100%", "per cent"]
    # The second bar has no ticket list behind it: not a link.
    assert [a.get("href") for a in root.iterfind(".//svg:a", NS)] == ["/p1", "/p3"]
    values = [t.text for t in root.iterfind(".//svg:text[@class='chart-value']", NS)]
    assert values == ["62.5%", "100%", "0%"]


def test_two_series_get_a_legend_and_their_own_colours():
    data = ChartData(
        title="Created and resolved",
        description="",
        categories=["W1", "W2"],
        series=[Series("Created", "count", [3, 4]), Series("Resolved", "count", [1, 4])],
    )
    root = parse(line_chart(data))
    legend = [t.text for t in root.iterfind(".//svg:g[@class='chart-legend']/svg:text", NS)]
    assert legend == ["Created", "Resolved"]
    colours = {pl.get("stroke") for pl in root.iterfind(".//svg:polyline", NS)}
    assert len(colours) == 2


def test_an_empty_range_draws_an_empty_chart_not_an_error():
    data = ChartData(title="Nothing", description="", categories=[], series=[])
    for kind in ("line", "bar"):
        svg = render_chart(kind, data)
        assert "No tickets in this range" in svg
        parse(svg)
    assert render_chart("none", data) == ""


def test_all_zero_values_still_have_an_axis():
    data = ChartData(
        title="Quiet", description="", categories=["a", "b"], series=[Series("n", "count", [0, 0])]
    )
    svg = line_chart(data)
    assert re.findall(r'class="chart-tick">(\d+)<', svg)[:2] == ["0", "1"]


def test_a_bar_without_a_value_says_so():
    data = ChartData(
        title="Adherence",
        description="",
        categories=["1 - Critical", "2 - High"],
        series=[Series("Adherence", "percent", [None, 50])],
    )
    root = parse(bar_chart(data))
    assert [r.get("data-value") for r in root.iter(f"{{{NS['svg']}}}rect")] == ["50"]
    values = [t.text for t in root.iterfind(".//svg:text[@class='chart-value']", NS)]
    assert values == ["–", "50%"]
