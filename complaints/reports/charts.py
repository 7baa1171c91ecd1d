"""Server-side SVG charts for the report pages: no JavaScript, no chart library, nothing
fetched from elsewhere, so the pages work offline and print as drawn. Each chart is
shown beside the table that holds its numbers; the chart only illustrates them.

The SVG scales to its container (viewBox, width 100%); labels are escaped here.
"""

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from complaints.reports.tables import Kind, Table, dec

WIDTH = 520
BAR = 20
GAP = 6
LABEL_WIDTH = 170
VALUE_WIDTH = 64
TOP = 8
FONT = 11
COLORS = {"": "#417690", "red": "#ba2121", "black": "#333333", "muted": "#9aa9b3"}


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    decimals: int = 0,
    maximum: float | None = None,
    marks: Sequence[str] | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value), in the given order; None draws no bar
    and prints "—". `maximum` fixes the scale (e.g. 100 for percentages); `marks` colours
    bars ("red", "black" or "")."""
    height = TOP * 2 + max(len(items), 1) * (BAR + GAP)
    values = [value for _label, value in items if value is not None]
    top = maximum if maximum is not None else max(values, default=0)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [_open(title, height)]
    for index, (label, value) in enumerate(items):
        y = TOP + index * (BAR + GAP)
        middle = y + BAR / 2 + FONT / 2 - 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle:.1f}" text-anchor="end" '
            f'font-size="{FONT}"><title>{escape(label)}</title>{escape(_shorten(label))}</text>'
        )
        if value is None:
            text, length = "—", 0.0
        else:
            text = f"{_number(value, decimals)}{unit}"
            length = span * (value / top) if top else 0.0
        color = COLORS.get(marks[index] if marks else "", COLORS[""])
        if length > 0:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR}" '
                f'fill="{color}"><title>{escape(label)}: {escape(text)}</title></rect>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{middle:.1f}" '
            f'font-size="{FONT}">{escape(text)}</text>'
        )
    if not items:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{TOP + FONT}" font-size="{FONT}">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def line_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    decimals: int = 1,
    floor: float = 0.0,
    ceiling: float = 100.0,
) -> SafeString:
    """A line through (label, value) points left to right; None leaves a gap. The value
    axis spans the data rounded out to tens, within [floor, ceiling]."""
    height, left, right, top, bottom = 220, 40, 28, 18, 48
    values = [value for _label, value in points if value is not None]
    low = max(floor, math.floor((min(values, default=floor) - 5) / 10) * 10)
    high = min(ceiling, math.ceil((max(values, default=ceiling) + 5) / 10) * 10)
    if high <= low:
        low, high = floor, ceiling
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def x_of(index: int) -> float:
        return left + index * step if len(points) > 1 else left + plot_w / 2

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts = [_open(title, height)]
    for tick in range(int(low), int(high) + 1, 10 if high - low > 20 else 5):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, (_label, value) in enumerate(points):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x_of(index):.1f},{y_of(value):.1f}")
    if segment:
        segments.append(segment)
    for line in segments:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{COLORS[""]}" '
            f'stroke-width="2"/>'
        )
    for index, (label, value) in enumerate(points):
        x = x_of(index)
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 14}" text-anchor="end" font-size="10" '
            f'transform="rotate(-40 {x:.1f} {height - bottom + 14})">{escape(label)}</text>'
        )
        if value is None:
            continue
        y = y_of(value)
        text = f"{_number(value, decimals)}{unit}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COLORS[""]}">'
            f"<title>{escape(label)}: {escape(text)}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="10">'
            f"{escape(text)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _open(title: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pd-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'font-family="sans-serif"><title>{escape(title)}</title>'
    )


def red_black_charts(tables: dict[str, Table], data: dict) -> dict[str, str]:
    ranked = [entry for entry in data["teams"] if entry["rank"] is not None]
    return {
        "teams": bar_chart(
            [(entry["name"], dec(entry["score"])) for entry in ranked],
            title=_("Team scores"),
            decimals=1,
            maximum=100,
            marks=[entry["mark"] for entry in ranked],
        )
    }


def analysis_charts(tables: dict[str, Table], data: dict) -> dict[str, str]:
    return {
        "categories": bar_chart(
            [(row[0], row[1]) for row in tables["categories"].rows],
            title=_("Complaints received by category"),
        ),
        "buildings": bar_chart(
            [(row[0], row[1]) for row in tables["buildings"].rows[:15]],
            title=_("Complaints received by building"),
        ),
        "handling": bar_chart(
            [(row[0], row[2]) for row in tables["handling"].rows],
            title=_("Mean handling time by category (hours)"),
            unit=" h",
            decimals=1,
        ),
        "levels": bar_chart(
            [(row[0], row[3]) for row in tables["levels"].rows],
            title=_("On-time rate by level"),
            unit=" %",
            decimals=1,
            maximum=100,
        ),
        "trend": line_chart(
            [(row[0], row[3]) for row in tables["trend"].rows],
            title=_("Mean satisfaction by month"),
        ),
    }


CHARTS = {Kind.RED_BLACK: red_black_charts, Kind.ANALYSIS: analysis_charts}
