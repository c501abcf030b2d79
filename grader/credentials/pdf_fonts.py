"""Fonts for fpdf2 documents, parsed once per thread and cloned into each new document.

`FPDF.add_font` parses the whole font (cmap, widths) every time, and at output fpdf2 subsets it
with fontTools, recomputing every glyph's bounding box. Issuing a thousand certificates would
spend most of its time there. Here each font is parsed once per thread into a template; every
document gets a shallow copy with its own subset state and a fresh, lazily read fontTools font
opened with `recalcBBoxes=False`, so subsetting only copies the glyphs the page uses. This relies
on fpdf2's `TTFFont` attributes (fpdf2 clones fonts the same way in `TTFFont.__deepcopy__`); if
they change, `register` falls back to the public `add_font`.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from grader.credentials.fonts import Face


@dataclass(frozen=True)
class _Template:
    font: TTFFont
    data: bytes
    glyph_order: tuple[str, ...]


_local = threading.local()


def _templates() -> dict[tuple[Path, int], _Template]:
    found: dict[tuple[Path, int], _Template] | None = getattr(_local, "templates", None)
    if found is None:
        found = {}
        _local.templates = found
    return found


def _template(face: Face) -> _Template:
    templates = _templates()
    key = (face.path, face.index)
    if key not in templates:
        scratch = FPDF()
        scratch.add_font(face.key, "", str(face.path), collection_font_number=face.index)
        font = scratch.fonts[face.key.lower()]
        assert isinstance(font, TTFFont)
        data = face.path.read_bytes()
        order = tuple(font.ttfont.getGlyphOrder())
        font.ttfont.close()  # clones open their own; the template keeps only parsed metrics
        templates[key] = _Template(font, data, order)
    return templates[key]


def _clone(template: _Template, pdf: FPDF, face: Face) -> TTFFont:
    clone = copy.copy(template.font)
    clone.i = len(pdf.fonts) + 1
    clone.fontkey = face.key.lower()
    clone.ttfont = TTFont(
        io.BytesIO(template.data),
        fontNumber=face.index,
        lazy=True,
        recalcBBoxes=False,
        recalcTimestamp=False,
    )
    clone.ttfont.setGlyphOrder(list(template.glyph_order))
    clone.missing_glyphs = []
    clone.biggest_size_pt = 0
    clone.subset = SubsetMap(clone)
    return clone


def register(pdf: FPDF, face: Face) -> str:
    """Make `face` usable in `pdf` (idempotent); returns the family name for `pdf.set_font`."""
    family = face.key.lower()
    if family in pdf.fonts:
        return family
    try:
        pdf.fonts[family] = _clone(_template(face), pdf, face)
    except (AttributeError, TypeError):  # fpdf2 internals changed: take the slow, public path
        pdf.add_font(face.key, "", str(face.path), collection_font_number=face.index)
    return family
