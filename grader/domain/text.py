"""The one sanitiser for strings from students or repositories: controls made visible."""

from __future__ import annotations

import unicodedata

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ␛, ␇, ␊ …
    if code == 0x7F:
        return "\u2421"
    if char in _BIDI or 0x80 <= code < 0xA0:
        return f"<U+{code:04X}>"
    return char


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """Text safe for a terminal: every C0/C1 control and bidi override shown as a visible mark."""
    out = []
    for char in text:
        if keep_newlines and char == "\n":
            out.append(char)
        elif char == "\t" and keep_newlines:
            out.append("    ")
        elif ord(char) < 0x20 or ord(char) == 0x7F or 0x80 <= ord(char) < 0xA0 or char in _BIDI:
            out.append(_visible(char))
        elif unicodedata.category(char) == "Cs":
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)
