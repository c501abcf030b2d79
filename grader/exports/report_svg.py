"""Chart primitives of the class report, as inline SVG: histogram, bar rows and stacked bar.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` it is labelled by.
Colours never carry meaning alone: bars carry their counts, lines differ by dash pattern, and
the mastery scale darkens steadily, so a greyscale print reads the same. Text passes ``esc``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from grader.domain.text import printable
from grader.exports.report_data import Bin

INK = "#1f2937"
MUTED = "#6b7280"
GRID = "#e5e7eb"
BAR = "#3b6ea5"
MEAN = "#b45309"
HATCHED = "hatched"
HALO = {"stroke": "#ffffff", "stroke_width": "3", "paint_order": "stroke"}
"""A white outline behind a label, so a line crossing it never hides it."""
SCALE = (
    "#ffffd9", "#edf8b1", "#c7e9b4", "#a3dbb7", "#7fcdbb",
    "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58",
)  # fmt: skip
"""Mastery bands 0–10 %, …, 90–100 % (ColorBrewer YlGnBu): lightness falls band by band."""


def esc(text: str) -> str:
    """Any text for HTML or SVG: controls made visible, then every markup character escaped."""
    return escape(printable(text), quote=True)


def fmt(value: Decimal | float | None, places: int = 1) -> str:
    """A figure for people: at most ``places`` decimals, no trailing zeros; None is a dash."""
    if value is None:
        return "–"
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    return format(rounded.normalize(), "f") if rounded else "0"


def points_text(value: Decimal) -> str:
    """12 → "12 pts", 1 → "1 pt", -3 → "−3 pts" (a true minus sign)."""
    unit = "pt" if abs(value) == 1 else "pts"
    return f"{fmt(value, 2).replace('-', '−')} {unit}"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def band_colour(percent: float) -> str:
    return SCALE[min(max(int(percent // 10), 0), len(SCALE) - 1)]


def text_colour(fill: str) -> str:
    """Dark text on light fills, white on dark ones (by relative luminance)."""
    channels = [int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if luminance < 0.18 else INK


@dataclass(frozen=True)
class Marker:
    name: str
    value: Decimal | None
    colour: str
    dash: str


@dataclass(frozen=True)
class Frame:
    """An SVG's identity: a document-unique id, its accessible title and longer description."""

    ident: str
    title: str
    desc: str
    css_class: str = "chart"


def svg_open(frame: Frame, width: float, height: float) -> str:
    return (
        f'<svg class="{frame.css_class}" id="{frame.ident}" role="img" width="{width:g}" '
        f'height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        f'aria-labelledby="{frame.ident}-t {frame.ident}-d">'
        f'<title id="{frame.ident}-t">{esc(frame.title)}</title>'
        f'<desc id="{frame.ident}-d">{esc(frame.desc)}</desc>'
    )


def hatch(ident: str) -> str:
    """A grey diagonal hatch, for "no figure" cells: distinct from every colour and in greyscale."""
    return (
        f'<defs><pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f4f6"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="2"/></pattern></defs>'
    )


def text(x: float, y: float, content: str, *, anchor: str = "start", size: float = 11, **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size:g}"{extra}>'
        f"{esc(content)}</text>"
    )


def nice_ceiling(value: int) -> tuple[int, int]:
    """An axis top ≥ value and a tick step: at most 5 ticks, steps of 1, 2 or 5 × 10^k."""
    if value <= 0:
        return 1, 1
    raw = value / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.ceil(value / step) * step, step


def histogram(
    frame: Frame,
    data: Sequence[Bin],
    *,
    average: Decimal | None,
    middle: Decimal | None,
    axis_label: str,
    width: float = 640,
    height: float = 230,
) -> str:
    """Bars per bin with their counts, a y grid, and the mean (solid) and median (dashed) lines."""
    left, right, top, bottom = 40.0, 14.0, 32.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    low, high = float(data[0].low), float(data[-1].high)
    span = (high - low) or 1.0

    def x_of(value: float) -> float:
        return left + (value - low) / span * plot_w

    total = sum(b.count for b in data)
    tallest = max((b.count for b in data), default=0)
    top_count, step = nice_ceiling(tallest)
    if top_count == tallest:  # room above the tallest bar for its count
        top_count += step
    out = [svg_open(frame, width, height)]
    for tick in range(0, top_count + 1, step):
        y = base - tick / top_count * plot_h
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(text(left - 6, y + 4, f"{tick:,}", anchor="end", size=10, fill=MUTED))
    labels = []
    for item in data:
        x0, x1 = x_of(float(item.low)), x_of(float(item.high))
        bar_h = item.count / top_count * plot_h
        if item.count:
            out.append(
                f'<rect class="bar" x="{x0 + 1:.1f}" y="{base - bar_h:.1f}" '
                f'width="{max(x1 - x0 - 2, 1):.1f}" height="{bar_h:.1f}" fill="{BAR}">'
                f"<title>{esc(item.label)}: {item.count}</title></rect>"
            )
            labels.append(text((x0 + x1) / 2, base - bar_h - 4, f"{item.count:,}", anchor="middle", size=10,
                               fill=INK, **HALO))  # fmt: skip
    out += _x_labels(data, x_of, base + 14)
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="{MUTED}"/>')
    out.append(text(left + plot_w / 2, height - 6, axis_label, anchor="middle", size=11, fill=MUTED))
    if total == 0:
        out.append(text(left + plot_w / 2, top + plot_h / 2, "No final grade yet", anchor="middle", size=13))
    markers = (Marker("mean", average, MEAN, ""), Marker("median", middle, INK, "5 3"))
    out += _markers(x_of, top, base, width, markers)
    out += labels
    out.append("</svg>")
    return "".join(out)


def _x_labels(data: Sequence[Bin], x_of: Callable[[float], float], y: float) -> list[str]:
    """One label per bar for whole-number bins; else the bin edges, thinned where they would touch."""
    if data[0].low < 0:
        return [
            text(
                (x_of(float(b.low)) + x_of(float(b.high))) / 2,
                y,
                b.label,
                anchor="middle",
                size=10,
                fill=MUTED,
            )
            for b in data
        ]
    edges = [float(b.low) for b in data] + [float(data[-1].high)]
    every = 1 if len(edges) <= 11 else 2
    shown = [e for i, e in enumerate(edges) if i % every == 0 or i == len(edges) - 1]
    if len(shown) > 2 and x_of(shown[-1]) - x_of(shown[-2]) < 22:
        del shown[-2]
    return [text(x_of(e), y, fmt(e), anchor="middle", size=10, fill=MUTED) for e in shown]


def _markers(
    x_of: Callable[[float], float], top: float, base: float, width: float, figures: Sequence[Marker]
) -> list[str]:
    """Mean and median lines; the lower one is labelled on its left, the higher on its right."""
    marks = sorted((m for m in figures if m.value is not None), key=lambda m: m.value or 0)
    out = []
    for index, mark in enumerate(marks):
        x = x_of(float(mark.value or 0))
        pattern = f' stroke-dasharray="{mark.dash}"' if mark.dash else ""
        out.append(
            f'<line class="{mark.name}" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 8}" y2="{base}" '
            f'stroke="{mark.colour}" stroke-width="2"{pattern}/>'
        )
        label = f"{mark.name} {fmt(mark.value)}"
        room = len(label) * 6.5
        leftwards = (index == 0 and len(marks) == 2) or x + room > width
        if leftwards and x - room < 0:
            leftwards = False
        out.append(
            text(
                x - 4 if leftwards else x + 4,
                top - 12,
                label,
                anchor="end" if leftwards else "start",
                size=11,
                fill=mark.colour,
                font_weight="600",
                **HALO,
            )
        )
    return out


@dataclass(frozen=True)
class BarRow:
    label: str
    note: str
    count: int
    fill: str


def bar_rows(frame: Frame, rows: Sequence[BarRow], *, of: int, width: float = 440) -> str:
    """One horizontal bar per row (a level, an item), its count and share of ``of`` at its end.

    The longest bar spans the chart, so small differences stay visible; the shares are written.
    """
    label_w, row_h, pad = 200.0, 24.0, 4.0
    bar_max = width - label_w - 70
    longest = max((row.count for row in rows), default=0) or 1
    height = pad * 2 + row_h * len(rows)
    out = [svg_open(frame, width, height)]
    for index, row in enumerate(rows):
        y = pad + index * row_h
        out.append(text(0, y + 16, clip(row.label, 21), size=12, fill=INK))
        out.append(text(label_w - 8, y + 16, row.note, anchor="end", size=11, fill=MUTED))
        share = row.count / of if of else 0
        bar_w = row.count / longest * bar_max
        out.append(
            f'<rect class="bar" x="{label_w}" y="{y + 5}" width="{max(bar_w, 0.5):.1f}" '
            f'height="{row_h - 10}" fill="{row.fill}" stroke="#6b7280" stroke-width="0.5">'
            f"<title>{esc(row.label)}: {row.count} of {of}</title></rect>"
        )
        caption = f"{row.count:,} ({share * 100:.0f}%)" if of else "0"
        out.append(text(label_w + bar_w + 6, y + 16, caption, size=11, fill=INK))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class Segment:
    label: str
    count: int
    fill: str
    ink: str = INK


def stacked_bar(frame: Frame, segments: Sequence[Segment], *, width: float = 640, height: float = 26) -> str:
    """One 100 % bar split into segments, each with its count written inside when it fits.

    A segment whose fill is ``HATCHED`` gets the grey hatch instead of a colour.
    """
    total = sum(s.count for s in segments)
    out = [svg_open(frame, width, height), hatch(f"{frame.ident}-h")]
    x = 0.0
    for segment in segments:
        if not segment.count:
            continue
        w = segment.count / total * width
        fill = f"url(#{frame.ident}-h)" if segment.fill == HATCHED else segment.fill
        out.append(
            f'<rect class="segment" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{fill}" '
            f'stroke="#ffffff"><title>{esc(segment.label)}: {segment.count}</title></rect>'
        )
        if w >= 8 * len(f"{segment.count:,}") + 6:
            out.append(text(x + w / 2, height / 2 + 4, f"{segment.count:,}", anchor="middle", size=11,
                            fill=segment.ink, font_weight="600"))  # fmt: skip
        x += w
    if total == 0:
        out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="{GRID}"/>')
    out.append("</svg>")
    return "".join(out)
