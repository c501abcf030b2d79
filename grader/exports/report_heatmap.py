"""The mastery heat map (rows × skills) and its colour legend, as inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.exports.report_svg import INK, MUTED, SCALE, Frame, band_colour, clip, esc, hatch, svg_open, text
from grader.exports.report_svg import text_colour as ink_for

CELL_W, CELL_H, LABEL_W = 58.0, 21.0, 220.0
HEADER_CHARS = 22
CHAR_W = 5.9
"""Roughly how wide one character of 11 px text is, to leave room for rotated skill names."""


@dataclass(frozen=True)
class HeatRow:
    label: str
    tooltip: str
    values: tuple[float | None, ...]
    """One per column, in percent; None: no figure."""


def _header_height(columns: Sequence[str]) -> float:
    longest = max((len(clip(c, HEADER_CHARS)) for c in columns), default=4)
    return longest * CHAR_W * 0.72 + 14


def heat_map(frame: Frame, columns: Sequence[str], rows: Sequence[HeatRow]) -> str:
    """A cell per row and column, coloured by its 10 % band and labelled with its value."""
    header = _header_height(columns)
    width = LABEL_W + CELL_W * len(columns) + header
    height = header + CELL_H * len(rows) + 4
    pattern = f"{frame.ident}-none"
    out = [svg_open(frame, width, height), hatch(pattern)]
    for index, column in enumerate(columns):
        x, y = LABEL_W + CELL_W * index + CELL_W / 2 - 3, header - 6
        out.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="{INK}" '
            f'transform="rotate(-45 {x:.1f} {y:.1f})">'
            f"{esc(clip(column, HEADER_CHARS))}<title>{esc(column)}</title></text>"
        )
    for row_index, row in enumerate(rows):
        y = header + CELL_H * row_index
        if row_index % 2:
            out.append(f'<rect x="0" y="{y:.1f}" width="{LABEL_W - 4}" height="{CELL_H}" fill="#f6f7f9"/>')
        out.append(
            f'<text x="4" y="{y + 14.5:.1f}" font-size="12" fill="{INK}">{esc(clip(row.label, 32))}'
            f"<title>{esc(row.tooltip)}</title></text>"
        )
        for index, value in enumerate(row.values):
            out.append(
                _cell(LABEL_W + CELL_W * index, y, value, f"{row.tooltip} — {columns[index]}", pattern)
            )
    out.append("</svg>")
    return "".join(out)


def _cell(x: float, y: float, value: float | None, about: str, pattern: str) -> str:
    if value is None:
        fill, label, ink, said = f"url(#{pattern})", "–", MUTED, "no final grade yet"
    else:
        fill = band_colour(value)
        label, ink, said = str(int(value)), ink_for(fill), f"{value:.1f}%"
    return (
        f'<g><title>{esc(about)}: {esc(said)}</title><rect class="cell" x="{x:.1f}" y="{y:.1f}" '
        f'width="{CELL_W}" height="{CELL_H}" fill="{fill}" stroke="#ffffff" stroke-width="1.5"/>'
        + text(x + CELL_W / 2, y + 14.5, label, anchor="middle", size=11, fill=ink)
        + "</g>"
    )


def legend(frame: Frame) -> str:
    """Ten bands from 0 to 100 % and the hatch of "no final grade yet"."""
    swatch, gap = 40.0, 28.0
    width = swatch * len(SCALE) + gap + 150
    out = [svg_open(frame, width, 42), hatch(f"{frame.ident}-none")]
    for index, colour in enumerate(SCALE):
        x = swatch * index
        out.append(f'<rect x="{x:g}" y="2" width="{swatch:g}" height="16" fill="{colour}" stroke="#ffffff"/>')
        out.append(text(x, 32, str(index * 10), anchor="middle" if index else "start", size=10, fill=MUTED))
    out.append(text(swatch * len(SCALE), 32, "100%", anchor="middle", size=10, fill=MUTED))
    x = swatch * len(SCALE) + gap
    out.append(
        f'<rect x="{x:g}" y="2" width="{swatch:g}" height="16" fill="url(#{frame.ident}-none)" '
        f'stroke="#9ca3af" stroke-width="0.5"/>'
    )
    out.append(text(x + swatch + 6, 14, "no final grade yet", size=10, fill=MUTED))
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class BandRow:
    label: str
    counts: tuple[int, ...]
    """Students per 10 % band, lowest band first (one per ``SCALE`` colour)."""


def band_bars(frame: Frame, rows: Sequence[BandRow]) -> str:
    """Per row (a skill), one 100 % bar of how many students fall in each band, shares written in."""
    label_w, bar_w, row_h = 180.0, 520.0, 26.0
    width, height = label_w + bar_w + 80, row_h * len(rows) + 4
    out = [svg_open(frame, width, height)]
    for index, row in enumerate(rows):
        y = index * row_h + 2
        total = sum(row.counts)
        out.append(text(0, y + 16, clip(row.label, 26), size=12, fill=INK))
        x = label_w
        for band, n in enumerate(row.counts):
            if not n:
                continue
            w = n / total * bar_w
            fill = SCALE[band]
            out.append(
                f'<rect class="band" x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{fill}" stroke="#ffffff"><title>{esc(row.label)}, '
                f"{band * 10}–{band * 10 + 10}%: {n:,} students</title></rect>"
            )
            if w >= 30:
                out.append(text(x + w / 2, y + 16, f"{n / total * 100:.0f}%", anchor="middle", size=10,
                                fill=ink_for(fill)))  # fmt: skip
            x += w
        out.append(text(label_w + bar_w + 8, y + 16, f"n = {total:,}", size=11, fill=MUTED))
    out.append("</svg>")
    return "".join(out)
