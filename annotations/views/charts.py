"""Small server-side SVG charts for the dashboard: readable without JavaScript.

Pure functions from plain numbers to an SVG string (``SafeString``); every
text that reaches the SVG is escaped here. Imported by ``views.dashboard``
only; imports nothing from the project.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")  # fmt: skip
WIDTH = 420
ROW = 22
LABEL_W = 130


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - all text escaped above


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


def bar_chart(
    rows: Sequence[tuple[str, float | None]],
    *,
    title: str,
    max_value: float | None = None,
    color: str = PALETTE[0],
    digits: int = 2,
) -> SafeString:
    """Horizontal bars, one per ``(label, value)``; None is drawn as "–"."""
    values = [v for _, v in rows if v is not None]
    top = max_value if max_value is not None else max(values or [1]) or 1
    height = max(len(rows), 1) * ROW + 8
    body = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        width = 0 if value is None else max(0.0, min(value, top)) / top
        bar_w = (WIDTH - LABEL_W - 60) * width
        body.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{bar_w:.1f}" height="{ROW - 8}" '
            f'fill="{color}"><title>{escape(label)}: {_fmt(value, digits)}</title></rect>'
            f'<text x="{LABEL_W + bar_w + 4:.1f}" y="{y + 14}">{_fmt(value, digits)}</text>'
        )
    return _svg(WIDTH, height, title, body)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    *,
    parts: Sequence[str],
    title: str,
    colors: Sequence[str] = PALETTE,
) -> SafeString:
    """Horizontal stacked bars with a legend; every row scaled to the largest total."""
    top = max((sum(values) for _, values in rows), default=0) or 1
    height = max(len(rows), 1) * ROW + 30
    body = []
    x = LABEL_W
    for j, part in enumerate(parts):
        body.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{colors[j % len(colors)]}"/>'
            f'<text x="{x + 14}" y="13">{escape(part)}</text>'
        )
        x += 14 + 7 * len(part) + 12
    for i, (label, values) in enumerate(rows):
        y = 24 + i * ROW
        body.append(
            f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        )
        offset = float(LABEL_W)
        for j, value in enumerate(values):
            w = (WIDTH - LABEL_W - 50) * value / top
            if w > 0:
                body.append(
                    f'<rect x="{offset:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW - 8}" '
                    f'fill="{colors[j % len(colors)]}"><title>{escape(label)}, '
                    f"{escape(parts[j])}: {_fmt(value)}</title></rect>"
                )
            offset += w
        body.append(
            f'<text x="{offset + 4:.1f}" y="{y + 14}">{_fmt(sum(values))}</text>'
        )
    return _svg(WIDTH, height, title, body)


def line_chart(
    series: dict[str, Sequence[tuple[datetime, float | None]]],
    *,
    title: str,
    y_min: float = -0.2,
    y_max: float = 1.0,
) -> SafeString:
    """One line per series over time (points with None are skipped), with a legend."""
    times = [t for points in series.values() for t, v in points if v is not None]
    height, left, right, top_pad, bottom = 200, 40, WIDTH - 10, 24, 170
    body = []
    for tick in (y_min, 0.0, 0.5, y_max):
        y = bottom - (tick - y_min) / (y_max - y_min) * (bottom - top_pad)
        body.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9dee7"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>'
        )
    if not times:
        body.append(
            f'<text x="{left + 10}" y="{bottom / 2}">{escape("no history yet")}</text>'
        )
        return _svg(WIDTH, height, title, body)
    t0, t1 = min(times), max(times)
    span = (t1 - t0).total_seconds() or 1.0

    def xy(t: datetime, v: float) -> tuple[float, float]:
        x = left + (t - t0).total_seconds() / span * (right - left)
        v = max(y_min, min(y_max, v))
        return x, bottom - (v - y_min) / (y_max - y_min) * (bottom - top_pad)

    legend_x = left
    for j, (name, points) in enumerate(series.items()):
        color = PALETTE[j % len(PALETTE)]
        coords = [xy(t, v) for t, v in points if v is not None]
        if coords:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
            body.extend(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>'
                for x, y in coords
            )
        body.append(
            f'<rect x="{legend_x}" y="4" width="10" height="10" fill="{color}"/>'
            f'<text x="{legend_x + 14}" y="13">{escape(name)}</text>'
        )
        legend_x += 14 + 7 * len(name) + 12
    body.append(
        f'<text x="{left}" y="{height - 6}">{escape(t0.strftime("%Y-%m-%d %H:%M"))}</text>'
        f'<text x="{right}" y="{height - 6}" text-anchor="end">'
        f"{escape(t1.strftime('%Y-%m-%d %H:%M'))}</text>"
    )
    return _svg(WIDTH, height, title, body)


def _heat_color(value: float | None, v_min: float, v_max: float) -> str:
    if value is None:
        return "#eeeeee"
    share = (max(v_min, min(v_max, value)) - v_min) / ((v_max - v_min) or 1)
    # white → accent blue
    r = round(255 - share * (255 - 31))
    g = round(255 - share * (255 - 95))
    b = round(255 - share * (255 - 191))
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    title: str,
    v_min: float = 0.0,
    v_max: float = 1.0,
    digits: int = 2,
) -> SafeString:
    """A matrix of coloured cells with their values written in."""
    cell = 38 if len(columns) <= 8 else 26
    left, top = LABEL_W, 70
    width = left + cell * len(columns) + 10
    height = top + cell * len(rows) + 10
    body = []
    for j, name in enumerate(columns):
        x = left + j * cell + cell / 2
        body.append(
            f'<text x="{x:.1f}" y="{top - 6}" transform="rotate(-40 {x:.1f} {top - 6})">'
            f"{escape(name)}</text>"
        )
    for i, name in enumerate(rows):
        y = top + i * cell
        body.append(
            f'<text x="{left - 6}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        for j, value in enumerate(values[i]):
            x = left + j * cell
            fill = _heat_color(value, v_min, v_max)
            dark = value is not None and (value - v_min) / ((v_max - v_min) or 1) > 0.6
            body.append(
                f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                f"<title>{escape(name)} × {escape(columns[j])}: {_fmt(value, digits)}</title></rect>"
                f'<text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 3:.1f}" '
                f'text-anchor="middle" fill="{"#fff" if dark else "#1d2330"}"'
                f">{_fmt(value, digits)}</text>"
            )
    return _svg(width, height, title, body)
