"""Fonts for fpdf2 documents, parsed once per thread and cloned into each new document.

`FPDF.add_font` parses the whole font (cmap, widths) every time, and at output fpdf2 subsets it
with fontTools, recomputing every glyph's bounding box. Issuing a thousand certificates would
spend most of its time there. Here each font is parsed once per thread into a template; every
document gets a shallow copy with its own subset state and a fresh, lazily read fontTools font
opened with `recalcBBoxes=False`, so subsetting only copies the glyphs the page uses.

Subsetting still decodes whole tables of that fontTools font, so two kinds are prepared instead:
the character map and the horizontal metrics are decoded once per template and each document gets
new tables holding copies of their mappings (copying a mapping is far cheaper than decoding it,
which took a third of a CJK certificate); and the layout tables (GSUB, GPOS, GDEF) are left out,
since HarfBuzz shapes from the font file and fpdf2 drops them from the subset anyway, but
fontTools would decode them whole first. The subset, and so the PDF, is the same byte for byte.

This relies on fpdf2's `TTFFont` attributes (fpdf2 clones fonts the same way in
`TTFFont.__deepcopy__`); if they change, `register` falls back to the public `add_font`.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from fontTools.ttLib.tables.DefaultTable import DefaultTable
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

from grader.credentials.fonts import Face

UNEMBEDDED_TABLES = ("GDEF", "GPOS", "GSUB")
"""Tables fpdf2 drops when it subsets a font for embedding (its list has more; these are the big ones)."""
PREPARED_TABLES = ("cmap", "hmtx")
"""Tables decoded once per template and given to each document as copies."""
_CMAP_FORMATS = frozenset({4, 12})
"""Character-map subtables that are a plain mapping; a font with others has its cmap read per document."""


@dataclass(frozen=True)
class _CmapSubtable:
    format: int
    platform_id: int
    encoding_id: int
    language: int
    mapping: dict[int, str]


@dataclass(frozen=True)
class _Template:
    font: TTFFont
    data: bytes
    glyph_order: tuple[str, ...]
    cmap: tuple[_CmapSubtable, ...] | None
    """None when the font has a subtable that is not a plain mapping."""
    metrics: dict[str, tuple[int, int]]


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
        templates[key] = _Template(font, data, order, *_decoded_tables(data, face, order))
    return templates[key]


def _decoded_tables(
    data: bytes, face: Face, order: tuple[str, ...]
) -> tuple[tuple[_CmapSubtable, ...] | None, dict[str, tuple[int, int]]]:
    """The cmap subtables and the metrics, as a document's own reading of the file would decode them."""
    font = _open(data, face, order)
    subtables = font["cmap"].tables
    cmap = tuple(
        _CmapSubtable(t.format, t.platformID, t.platEncID, t.language, dict(t.cmap))
        for t in subtables
        if t.format in _CMAP_FORMATS
    )
    metrics = dict(font["hmtx"].metrics)
    font.close()
    return (cmap if len(cmap) == len(subtables) else None), metrics


def _open(data: bytes, face: Face, order: tuple[str, ...]) -> TTFont:
    font = TTFont(
        io.BytesIO(data), fontNumber=face.index, lazy=True, recalcBBoxes=False, recalcTimestamp=False
    )
    font.setGlyphOrder(list(order))
    return font


def _prepared(template: _Template, tag: str) -> DefaultTable | None:
    """A new `tag` table holding copies of the template's mappings, or None to read it from the file."""
    if tag == "hmtx":
        metrics: Any = newTable("hmtx")
        metrics.metrics = dict(template.metrics)
        return cast(DefaultTable, metrics)
    if template.cmap is None:
        return None
    cmap: Any = newTable("cmap")
    cmap.tableVersion = 0
    cmap.tables = []
    for decoded in template.cmap:
        subtable = CmapSubtable.newSubtable(decoded.format)
        subtable.platformID, subtable.platEncID = decoded.platform_id, decoded.encoding_id
        subtable.language = decoded.language
        subtable.cmap = dict(decoded.mapping)
        cmap.tables.append(subtable)
    return cast(DefaultTable, cmap)


def _clone(template: _Template, pdf: FPDF, face: Face) -> TTFFont:
    clone = copy.copy(template.font)
    clone.i = len(pdf.fonts) + 1
    clone.fontkey = face.key.lower()
    clone.ttfont = _open(template.data, face, template.glyph_order)
    for tag in UNEMBEDDED_TABLES:
        if tag in clone.ttfont:
            del clone.ttfont[tag]
    for tag in PREPARED_TABLES:
        table = _prepared(template, tag)
        if table is not None:
            clone.ttfont[tag] = table
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
