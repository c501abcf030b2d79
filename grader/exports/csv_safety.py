"""CSV text that no spreadsheet runs as a formula and every importer reads back exactly.

Cells are typed: text is neutralised (a leading ``'`` before ``=``, ``+``, ``-``, ``@``, TAB or
CR), numbers are written as plain decimals (never neutralised, negative ones included),
``Verbatim`` text is written as it is (``EX``), ``None`` is an empty cell. Quoting follows
RFC 4180; the file is UTF-8, with a BOM only on request.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
LINE_END = "\r\n"
REPLACEMENT = "\ufffd"


class Verbatim(str):
    """Text written exactly as given: only for fixed values grader itself writes (``EX``)."""

    __slots__ = ()


Cell = str | Decimal | int | None


_STARTS = frozenset(FORMULA_STARTS)


def neutralise(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading apostrophe."""
    return "'" + text if text and text[0] in _STARTS else text


@lru_cache(maxsize=65_536)
def decimal_text(value: Decimal, places: int | None = None) -> str:
    """A plain decimal (no exponent, no trailing zeros), rounded half up to ``places`` if given."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(value.normalize(), "f")
    return "0" if text == "-0" else text


def cell_text(cell: Cell, places: int | None = None) -> str:
    if cell is None:
        return ""
    if type(cell) is str:
        return "'" + cell if cell and cell[0] in _STARTS else cell
    if isinstance(cell, Decimal):
        return decimal_text(cell, places)
    if isinstance(cell, Verbatim):
        return str.__str__(cell)
    if isinstance(cell, str):
        return neutralise(cell)
    return str(cell)


def row_texts(cells: Sequence[Cell], places: int | None = None) -> list[str]:
    """Every cell of a row as the text written to the file."""
    return [cell_text(cell, places) for cell in cells]


def render(rows: Iterable[Sequence[str]]) -> str:
    """Rows of cell texts as RFC 4180 CSV (CRLF line ends, quotes only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END, quoting=csv.QUOTE_MINIMAL, strict=True)
    writer.writerows(rows)
    return buffer.getvalue()


def _replace_lone_surrogates(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return REPLACEMENT.encode() * (error.end - error.start), error.end


codecs.register_error("grader-csv-replace", _replace_lone_surrogates)


def encode(text: str, *, bom: bool = False) -> bytes:
    """UTF-8 bytes; a lone surrogate (an undecodable byte smuggled into a str) becomes U+FFFD."""
    return ((BOM if bom else "") + text).encode("utf-8", "grader-csv-replace")
