"""The dashboard's charts as plain data, drawn by ``dashboard/_charts.html``.

Every name (annotator, choice, label, legend entry) is HTML text in a table
cell or list item, so it wraps inside its card instead of being clipped at an
SVG edge; only the marks themselves (bars, heat cells' colour classes, lines)
are geometry. Bars are widths in per cent of the track, heat cells one of
``HEAT_LEVELS`` colour classes (CSS, no inline styles under the CSP), lines
points in a fixed ``viewBox``. Pure functions from numbers; imported by
``views.dashboard`` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
HEAT_LEVELS = 10
LINE_WIDTH, LINE_HEIGHT = 400, 160
LINE_LEFT, LINE_TOP, LINE_BOTTOM = 36, 8, 150


def fmt(value: float | None, digits: int = 2) -> str:
    """A figure as the dashboard writes it (in the reader's language): "–" for none,
    integers without decimals."""
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return number_format(value, decimal_pos=digits)


@dataclass(frozen=True)
class Segment:
    """One coloured piece of a bar: ``x`` and ``width`` in per cent of the track."""

    name: str
    value: str
    x: float
    width: float
    color: str


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class LegendEntry:
    name: str
    color: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars (stacked when there are several parts), with a legend."""

    title: str
    bars: tuple[Bar, ...]
    legend: tuple[LegendEntry, ...] = ()
    kind: str = "bars"


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    max_value: float | None = None,
    color: str = PALETTE[0],
    digits: int = 2,
) -> BarChart:
    """One bar per ``(label, value)``; None is written as "–" with no bar."""
    values = [v for _, v in rows if v is not None]
    top = max_value if max_value is not None else max(values or [1]) or 1
    bars = []
    for label, value in rows:
        width = 0.0 if value is None else _percent(max(0.0, min(value, top)), top)
        text = fmt(value, digits)
        segment = Segment(label, text, 0.0, width, color)
        bars.append(Bar(label, text, (segment,) if width else ()))
    return BarChart(title, tuple(bars))


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    parts: Sequence[str],
    title: str,
    colors: Sequence[str] = PALETTE,
) -> BarChart:
    """Stacked bars with a legend; every row scaled to the largest total."""
    top = max((sum(values) for _, values in rows), default=0) or 1
    bars = []
    for label, values in rows:
        segments, x = [], 0.0
        for j, value in enumerate(values):
            width = _percent(value, top)
            if width > 0:
                color = colors[j % len(colors)]
                segments.append(Segment(parts[j], fmt(value), x, width, color))
            x += width
        bars.append(Bar(label, fmt(sum(values)), tuple(segments)))
    legend = tuple(
        LegendEntry(part, colors[j % len(colors)]) for j, part in enumerate(parts)
    )
    return BarChart(title, tuple(bars), legend, kind="stacked")


def _percent(value: float, top: float) -> float:
    return round(100.0 * value / top, 2)


@dataclass(frozen=True)
class HeatCell:
    value: str
    level: int  # 0..HEAT_LEVELS-1, or -1 for no value
    title: str


@dataclass(frozen=True)
class HeatRow:
    name: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Heatmap:
    """A matrix of coloured cells with their values written in."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[HeatRow, ...]
    kind: str = "heatmap"


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    v_min: float = 0.0,
    v_max: float = 1.0,
    digits: int = 2,
) -> Heatmap:
    """``values[i][j]`` for row ``i`` and column ``j``, coloured on ``v_min``..``v_max``."""
    heat_rows = []
    for i, name in enumerate(rows):
        cells = []
        for j, value in enumerate(values[i]):
            text = fmt(value, digits)
            cells.append(
                HeatCell(
                    text, _level(value, v_min, v_max), f"{name} × {columns[j]}: {text}"
                )
            )
        heat_rows.append(HeatRow(name, tuple(cells)))
    return Heatmap(title, tuple(columns), tuple(heat_rows))


def _level(value: float | None, v_min: float, v_max: float) -> int:
    if value is None:
        return -1
    share = (max(v_min, min(v_max, value)) - v_min) / ((v_max - v_min) or 1)
    return min(HEAT_LEVELS - 1, int(share * HEAT_LEVELS))


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    points: str  # "x,y x,y ..." in the chart's viewBox
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class LineChart:
    """Lines over time in a fixed viewBox; the legend and dates are HTML."""

    title: str
    lines: tuple[Line, ...]
    ticks: tuple[tuple[str, float, float], ...]  # (label, y of the line, y of the text)
    start: str = ""
    end: str = ""
    width: int = LINE_WIDTH
    height: int = LINE_HEIGHT
    left: int = LINE_LEFT
    kind: str = "lines"


def line_chart(
    series: dict[str, Sequence[tuple[datetime, float | None]]],
    *,
    title: str,
    y_min: float = -0.2,
    y_max: float = 1.0,
) -> LineChart:
    """One line per series over time (points with None are skipped)."""

    def y_of(value: float) -> float:
        value = max(y_min, min(y_max, value))
        share = (value - y_min) / (y_max - y_min)
        return round(LINE_BOTTOM - share * (LINE_BOTTOM - LINE_TOP), 1)

    ticks = tuple(
        (fmt(tick, 1), y_of(tick), y_of(tick) + 4)
        for tick in sorted({y_min, 0.0, 0.5, y_max})
    )
    times = [t for points in series.values() for t, v in points if v is not None]
    if not times:
        return LineChart(title, (), ticks)
    t0, t1 = min(times), max(times)
    span = (t1 - t0).total_seconds() or 1.0
    right = LINE_WIDTH - 8
    lines = []
    for j, (name, points) in enumerate(series.items()):
        dots = tuple(
            (
                round(
                    LINE_LEFT + (t - t0).total_seconds() / span * (right - LINE_LEFT), 1
                ),
                y_of(v),
            )
            for t, v in points
            if v is not None
        )
        path = " ".join(f"{x},{y}" for x, y in dots)
        lines.append(Line(name, PALETTE[j % len(PALETTE)], path, dots))
    return LineChart(
        title,
        tuple(lines),
        ticks,
        start=t0.strftime("%Y-%m-%d %H:%M"),
        end=t1.strftime("%Y-%m-%d %H:%M"),
    )
