"""Which script a character belongs to, where to get a font for it, and the common CJK repertoire."""

from __future__ import annotations

import unicodedata
from functools import cache


def script_package(char: str) -> tuple[str, str]:
    """(what the character is, the Debian package with a font for it)."""
    name = unicodedata.name(char, "")
    if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC")):
        return "Chinese/Japanese/Korean", "fonts-noto-cjk"
    if unicodedata.category(char) == "So" and ord(char) >= 0x1F000:
        return "emoji", "fonts-noto-color-emoji"
    script = name.split(" ")[0].title() if name else f"U+{ord(char):04X}"
    return script, "fonts-noto-core"


def missing_warning(text: str, missing: str) -> str:
    by_package: dict[str, tuple[str, list[str]]] = {}
    for char in dict.fromkeys(missing):
        script, package = script_package(char)
        by_package.setdefault(package, (script, []))[1].append(char)
    advice = "; ".join(
        f"install {package} for the {script} characters {''.join(chars)}"
        for package, (script, chars) in sorted(by_package.items())
    )
    return f"No installed font has glyphs for part of {text!r}, so it is left out: {advice}."


@cache
def common_cjk() -> frozenset[int]:
    """Characters of GB 2312, Big5 level 1, JIS X 0208 and KS X 1001, kana and CJK punctuation."""
    found: set[str] = set()
    tables = (
        ("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)),
        ("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF)),
        ("euc_kr", range(0xA1, 0xFE), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
    )
    for codec, leads, trails in tables:
        for lead in leads:
            for trail in trails:
                try:
                    found.update(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    continue
    extra = [*range(0x20, 0x7F), *range(0x3000, 0x3100), *range(0x3130, 0x3190), *range(0xFF00, 0xFFF0)]
    return frozenset({ord(char) for char in found} | set(extra))


CJK_FACES = {"ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR", "zh": "Noto Sans CJK SC"}


def cjk_language(text: str) -> str:
    names = [unicodedata.name(char, "") for char in text]
    if any(name.startswith(("HIRAGANA", "KATAKANA")) for name in names):
        return "ja"
    if any(name.startswith("HANGUL") for name in names):
        return "ko"
    return "zh"
