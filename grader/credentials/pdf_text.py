"""Text on an fpdf2 page in any script: each run in its own font, shaped when it must be, fitted.

Embedding a TrueType font costs a fontTools subset per document, so text that Windows-1252 can
encode uses the PDF core font Helvetica, which needs nothing embedded. When some body text needs
Noto Sans (a course named in Greek, say), all body text uses Noto Sans, so the body never mixes
two designs of one script. A learner's name is display text and is judged on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from fpdf import FPDF

from grader.credentials.fonts import FontLibrary, Run, TextRuns, clean_text
from grader.credentials.pdf_fonts import register

Align = Literal["L", "C", "R"]
CORE_FAMILY = "helvetica"
_PT_TO_MM = 25.4 / 72

Piece = tuple[Run | None, str]
"""A run of text and its font; None is the core font."""


def core_encodable(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class PdfText:
    """Measures and draws text for one document; collects the warnings about missing glyphs."""

    def __init__(self, pdf: FPDF, library: FontLibrary, body_texts: Iterable[str]) -> None:
        pdf.core_fonts_encoding = "cp1252"  # what the WinAnsiEncoding that fpdf2 declares means
        self.pdf = pdf
        self.library = library
        self.warnings: list[str] = []
        self._runs: dict[str, TextRuns] = {}
        self._pieces: dict[str, tuple[Piece, ...]] = {}
        self._unit_widths: dict[tuple[str, bool], float] = {}
        self.core = all(
            core_encodable(clean_text(text))
            or all(run.family is not library.primary for run in self.runs(text).runs)
            for text in body_texts
        )
        """True when no body text needs Noto Sans itself."""

    def runs(self, text: str) -> TextRuns:
        if text not in self._runs:
            found = self.library.runs(text)
            self._runs[text] = found
            self.warnings.extend(w for w in found.warnings if w not in self.warnings)
        return self._runs[text]

    def pieces(self, text: str, *, display: bool = False) -> tuple[Piece, ...]:
        """`text` as (font, text) pieces from left to right on the page; see `line` for `display`."""
        key = f"\0{text}" if display else text
        if key not in self._pieces:
            cleaned = clean_text(text)
            if (self.core or display) and core_encodable(cleaned):
                self._pieces[key] = ((None, cleaned),)
            else:
                self._pieces[key] = tuple((run, run.text) for run in self.runs(text).visual_order())
        return self._pieces[key]

    def _use(self, run: Run | None, size: float, bold: bool) -> None:
        if run is None:
            self.pdf.set_font(CORE_FAMILY, "B" if bold else "", size)
            self.pdf.set_text_shaping(use_shaping_engine=False)
        else:
            self.pdf.set_font(register(self.pdf, run.face(bold)), size=size)
            self.pdf.set_text_shaping(use_shaping_engine=run.shaped)

    def _piece_width(self, piece: Piece, size: float, bold: bool) -> float:
        key = (piece[1], bold) if piece[0] is None else (f"{piece[0].family.name}\0{piece[1]}", bold)
        if key not in self._unit_widths:
            self._use(piece[0], 10, bold)
            self._unit_widths[key] = self.pdf.get_string_width(piece[1]) / 10
        return self._unit_widths[key] * size

    def width(self, text: str, size: float, *, bold: bool = False, display: bool = False) -> float:
        return sum(self._piece_width(piece, size, bold) for piece in self.pieces(text, display=display))

    def fit(
        self,
        text: str,
        size: float,
        max_width: float,
        *,
        min_size: float,
        bold: bool = False,
        display: bool = False,
    ) -> float:
        """The largest size from `size` down to `min_size` at which `text` fits in `max_width`."""
        natural = self.width(text, size, bold=bold, display=display)
        if natural <= max_width or natural == 0:
            return size
        return max(min_size, size * max_width / natural * 0.995)

    def line(
        self,
        text: str,
        *,
        x: float,
        y: float,
        w: float,
        size: float,
        bold: bool = False,
        align: Align = "C",
        min_size: float | None = None,
        h: float | None = None,
        display: bool = False,
    ) -> float:
        """Draw `text` on one line in the box at (x, y) of width `w`, shrunk to fit; returns the size used.

        `display` text (the learner's name) uses Helvetica whenever Windows-1252 can encode it,
        whatever the body uses.
        """
        size = self.fit(text, size, w, min_size=min_size or size, bold=bold, display=display)
        pieces = self.pieces(text, display=display)
        widths = [self._piece_width(piece, size, bold) for piece in pieces]
        total = sum(widths)
        left = {"L": x, "C": x + (w - total) / 2, "R": x + w - total}[align]
        height = h if h is not None else size * _PT_TO_MM * 1.25
        for (run, run_text), width in zip(pieces, widths, strict=True):
            self._use(run, size, bold)
            self.pdf.set_xy(left, y)
            self.pdf.cell(w=width, h=height, text=run_text)
            left += width
        self.pdf.set_text_shaping(use_shaping_engine=False)
        return size

    def wrap(
        self, text: str, size: float, max_width: float, *, bold: bool = False, max_lines: int = 2
    ) -> list[str]:
        """`text` split at spaces into at most `max_lines` lines no wider than `max_width` (but the last)."""
        if self.runs(text).rtl or self.width(text, size, bold=bold) <= max_width:
            return [text]
        cleaned = "".join(piece_text for _, piece_text in self.pieces(text))
        lines: list[str] = []
        current = ""
        for word in cleaned.split(" "):
            candidate = f"{current} {word}".strip()
            too_wide = self.width(candidate, size, bold=bold) > max_width
            if current and too_wide and len(lines) < max_lines - 1:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines
