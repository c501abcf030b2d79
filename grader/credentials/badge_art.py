"""The badge picture: a round medal with the badge name, the course and the skills, as SVG and PNG.

Both are drawn from one layout, measured with the real fonts, so lines break the same way. The
same inputs give the same bytes. Every string is cleaned and XML-escaped before it reaches the SVG.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from grader.credentials.fonts import Face, FontLibrary, clean_text

SIZE = 600
NAVY, GOLD, LIGHT, WHITE = "#182C52", "#B08D57", "#DCE3EF", "#FFFFFF"
SVG_FONTS = "'Noto Sans', 'Noto Sans Arabic', 'Noto Sans CJK SC', 'DejaVu Sans', sans-serif"
MAX_SKILLS = 4


@dataclass(frozen=True)
class BadgeArt:
    badge_name: str
    course_name: str = ""
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class BadgeImages:
    svg: bytes
    png: bytes
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Line:
    text: str
    y: float
    size: float
    color: str
    bold: bool = False


@lru_cache(maxsize=256)
def _pil_font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(face.path), size, index=face.index, layout_engine=ImageFont.Layout.RAQM)


class _Measure:
    def __init__(self, fonts: FontLibrary) -> None:
        self.fonts = fonts
        self.warnings: list[str] = []

    def pieces(self, text: str, size: float, bold: bool) -> list[tuple[str, ImageFont.FreeTypeFont, float]]:
        found = self.fonts.runs(text)
        self.warnings.extend(w for w in found.warnings if w not in self.warnings)
        out = []
        for run in found.visual_order():
            font = _pil_font(run.face(bold), round(size))
            out.append((run.text, font, font.getlength(run.text)))
        return out

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(width for _, _, width in self.pieces(text, size, bold))

    def fit(self, text: str, size: float, max_width: float, min_size: float, bold: bool = False) -> float:
        natural = self.width(text, size, bold)
        return size if natural <= max_width else max(min_size, math.floor(size * max_width / natural))

    def wrap(self, text: str, size: float, max_width: float, bold: bool = False) -> list[str]:
        """Greedy line breaks at spaces; a single word wider than `max_width` gets a line of its own."""
        lines: list[str] = []
        for word in clean_text(text).split(" "):
            candidate = f"{lines[-1]} {word}" if lines else word
            if lines and self.width(candidate, size, bold) <= max_width:
                lines[-1] = candidate
            else:
                lines.append(word)
        return lines

    def wrap_fit(
        self, text: str, size: float, max_width: float, max_lines: int, min_size: float, bold: bool = False
    ) -> tuple[list[str], float]:
        """The largest size (down to `min_size`) at which `text` fits in `max_lines`; else cut with …"""
        while True:
            lines = self.wrap(text, size, max_width, bold)
            widest = max(self.width(line, size, bold) for line in lines)
            if len(lines) <= max_lines and widest <= max_width:
                return lines, size
            if size <= min_size:
                break
            size = max(min_size, size - 2)
        kept = lines[:max_lines]
        for index, line in enumerate(kept):
            if index == len(kept) - 1 or self.width(line, size, bold) > max_width:
                while line and self.width(f"{line}…", size, bold) > max_width:
                    line = line[:-1].rstrip()
                kept[index] = f"{line}…"
        return kept, size


def _layout(art: BadgeArt, measure: _Measure) -> list[_Line]:
    lines: list[_Line] = []
    if art.course_name:
        size = measure.fit(art.course_name, 26, 340, 14)
        lines.append(_Line(art.course_name, 178, size, GOLD, bold=True))
    name_lines, size = measure.wrap_fit(art.badge_name, 46, 380, 3, 20, bold=True)
    top = 292 - (len(name_lines) - 1) * size * 0.62
    for index, line in enumerate(name_lines):
        lines.append(_Line(line, top + index * size * 1.22, size, WHITE, bold=True))
    skills = list(art.skills[:MAX_SKILLS])
    if len(art.skills) > MAX_SKILLS:
        skills[-1] = f"+ {len(art.skills) - MAX_SKILLS + 1} more skills"
    widths = [370 - index * 35 for index in range(len(skills))]  # the disc narrows towards the bottom
    size = min((measure.fit(skill, 21, w, 12) for skill, w in zip(skills, widths, strict=True)), default=21)
    for index, skill in enumerate(skills):
        lines.append(_Line(skill, 392 + index * 30, size, LIGHT))
    return lines


def _star_points(cx: float, cy: float, r_out: float, r_in: float, points: int) -> list[tuple[float, float]]:
    out = []
    for index in range(points * 2):
        radius = r_out if index % 2 == 0 else r_in
        angle = math.pi * index / points - math.pi / 2
        out.append((round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2)))
    return out


def _svg(art: BadgeArt, lines: list[_Line]) -> bytes:
    rim = " ".join(f"{x},{y}" for x, y in _star_points(300, 300, 296, 280, 48))
    star = " ".join(f"{x},{y}" for x, y in _star_points(300, 112, 22, 9, 5))
    title = clean_text(art.badge_name)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}" '
        f'role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<polygon points="{rim}" fill="{GOLD}"/>',
        f'<circle cx="300" cy="300" r="268" fill="{NAVY}"/>',
        f'<circle cx="300" cy="300" r="248" fill="none" stroke="{GOLD}" stroke-width="4"/>',
        f'<line x1="230" y1="352" x2="370" y2="352" stroke="{GOLD}" stroke-width="3"/>',
        f'<polygon points="{star}" fill="{GOLD}"/>',
        f'<g font-family="{SVG_FONTS}" text-anchor="middle">',
    ]
    for line in lines:
        weight = ' font-weight="700"' if line.bold else ""
        parts.append(
            f'<text x="300" y="{line.y:.1f}" font-size="{line.size:.0f}" fill="{line.color}"{weight}>'
            f"{escape(clean_text(line.text))}</text>"
        )
    parts += ["</g>", "</svg>", ""]
    return "\n".join(parts).encode("utf-8")


def _png(lines: list[_Line], measure: _Measure) -> bytes:
    scale = 2  # drawn at twice the size and reduced: smooth edges without relying on antialiasing
    image = Image.new("RGBA", (SIZE * scale, SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = 300 * scale
    draw.polygon([(x * scale, y * scale) for x, y in _star_points(300, 300, 296, 280, 48)], fill=GOLD)
    draw.ellipse((c - 268 * scale, c - 268 * scale, c + 268 * scale, c + 268 * scale), fill=NAVY)
    r = 248 * scale
    draw.ellipse((c - r, c - r, c + r, c + r), outline=GOLD, width=4 * scale)
    draw.line((230 * scale, 352 * scale, 370 * scale, 352 * scale), fill=GOLD, width=3 * scale)
    draw.polygon([(x * scale, y * scale) for x, y in _star_points(300, 112, 22, 9, 5)], fill=GOLD)
    for line in lines:
        pieces = measure.pieces(line.text, line.size * scale, line.bold)
        x = c - sum(width for _, _, width in pieces) / 2
        for text, font, width in pieces:
            draw.text((x, line.y * scale), text, font=font, fill=line.color, anchor="ls")
            x += width
    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=False)
    return out.getvalue()


def render_badge(art: BadgeArt, fonts: FontLibrary) -> BadgeImages:
    """The badge as SVG and as a 600×600 PNG, unbaked."""
    measure = _Measure(fonts)
    lines = _layout(art, measure)
    return BadgeImages(_svg(art, lines), _png(lines, measure), tuple(measure.warnings))


@lru_cache(maxsize=64)
def cached_badge(art: BadgeArt, fonts: FontLibrary) -> BadgeImages:
    """`render_badge`, remembered: every credential of one badge shares its art; only the baking differs."""
    return render_badge(art, fonts)
