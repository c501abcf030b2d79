"""Choose fonts so every name is drawn with real glyphs: split text into runs, one font each.

Coverage is decided from each font's cmap, character by character. Latin, Greek and Cyrillic use
Noto Sans (from its Python package), Arabic uses Noto Sans Arabic (shaped, right to left), and
Chinese/Japanese/Korean use Debian's Noto Sans CJK when it is installed. DejaVu Sans and any
other installed Noto font are fallbacks. A character no font covers is left out, never drawn as a
box, and the result says which Debian package to install.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fontTools.ttLib import TTCollection, TTLibError

from grader.credentials import font_files
from grader.credentials.font_scripts import CJK_FACES, cjk_language, common_cjk, missing_warning
from grader.domain.errors import GraderError

_RTL_CLASSES = frozenset({"R", "AL"})
_KEEP_FORMAT = frozenset("\u200c\u200d")  # ZWNJ and ZWJ change how some scripts join


@dataclass(frozen=True)
class Face:
    """One font file (one face of it, for a collection), registered under a unique `key`."""

    key: str
    path: Path
    index: int = 0


@dataclass(frozen=True)
class Run:
    """Consecutive characters drawn with one font family."""

    text: str
    family: FontFamily
    shaped: bool
    """Needs HarfBuzz shaping and bidi reordering (joining or right-to-left scripts)."""

    def face(self, bold: bool = False) -> Face:
        return self.family.face(bold)


@dataclass(frozen=True)
class TextRuns:
    runs: tuple[Run, ...]
    rtl: bool
    """The paragraph reads right to left (its first strong character is right-to-left)."""
    missing: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    def visual_order(self) -> tuple[Run, ...]:
        """Runs from left to right on the page."""
        return tuple(reversed(self.runs)) if self.rtl else self.runs


def clean_text(text: str) -> str:
    """NFC, with controls and bidi overrides removed and whitespace collapsed: safe to print."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char.isspace():
            out.append(" ")
        elif category in ("Cc", "Cs", "Co", "Cn") or (category == "Cf" and char not in _KEEP_FORMAT):
            continue
        else:
            out.append(char)
    return " ".join("".join(out).split())


def is_rtl(text: str) -> bool:
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RTL_CLASSES:
            return True
        if direction == "L":
            return False
    return False


class FontFamily:
    """Fonts of one design; its cmap is read, and each weight prepared, only when first needed."""

    def __init__(
        self,
        name: str,
        codepoints: Callable[[], frozenset[int]],
        regular: Callable[[], Face],
        bold: Callable[[], Face] | None = None,
        *,
        shaped: bool = False,
    ) -> None:
        self.name = name
        self.shaped = shaped
        self._read_codepoints = codepoints
        self._makers = {False: regular, True: bold or regular}
        self._faces: dict[bool, Face] = {}

    @cached_property
    def codepoints(self) -> frozenset[int]:
        return self._read_codepoints()

    def covers(self, char: str) -> bool:
        return ord(char) in self.codepoints

    def face(self, bold: bool = False) -> Face:
        if bold not in self._faces:
            self._faces[bold] = self._makers[bold]()
        return self._faces[bold]


class FontLibrary:
    """The fonts this machine has, prepared once per process; `cache_dir` keeps the prepared files."""

    def __init__(self, cache_dir: Path, *, search_dirs: Sequence[Path] = font_files.SYSTEM_FONT_DIRS) -> None:
        self.cache_dir = cache_dir
        self.search_dirs = tuple(search_dirs)
        self._lock = threading.RLock()
        self.primary = self._noto()
        self._families: list[FontFamily] = [self.primary, self._arabic()]
        self._cjk: dict[str, list[FontFamily]] = {}
        dejavu = self._dejavu()
        self._fallbacks: list[FontFamily] = [dejavu] if dejavu else []
        self._system_scanned = False

    # -- families ---------------------------------------------------------------------------
    def _noto(self) -> FontFamily:
        def weight(value: int, key: str) -> Face:
            source = font_files.packaged_noto("Noto Sans", value)
            ranges = font_files.LGC_RANGES
            return Face(key, font_files.static_instance(source, self.cache_dir, weight=value, ranges=ranges))

        regular = weight(400, "noto-sans")
        return FontFamily(
            "Noto Sans",
            lambda: font_files.read_cmap(regular.path),
            lambda: regular,
            lambda: weight(700, "noto-sans-bold"),
        )

    def _arabic(self) -> FontFamily:
        source = font_files.packaged_noto("Noto Sans Arabic", 400)

        def weight(value: int, key: str) -> Face:
            path = font_files.static_instance(
                source, self.cache_dir, weight=value, ranges=None, keep_layout=True
            )
            return Face(key, path)

        return FontFamily(
            "Noto Sans Arabic",
            lambda: font_files.read_cmap(source),
            lambda: weight(400, "noto-arabic"),
            lambda: weight(700, "noto-arabic-bold"),
            shaped=True,
        )

    def _dejavu(self) -> FontFamily | None:
        path = font_files.find_font(self.search_dirs, "DejaVuSans.ttf")
        if path is None:
            return None
        face = Face("dejavu-sans", path)  # DejaVu Sans Bold covers fewer characters: never use it
        return FontFamily("DejaVu Sans", lambda: font_files.read_cmap(path), lambda: face)

    def _cjk_families(self, language: str) -> list[FontFamily]:
        if language in self._cjk:
            return self._cjk[language]
        families: list[FontFamily] = []
        regular_ttc = font_files.find_font(self.search_dirs, "NotoSansCJK-Regular.ttc")
        if regular_ttc is not None:
            bold_ttc = font_files.find_font(self.search_dirs, "NotoSansCJK-Bold.ttc") or regular_ttc
            faces = {False: (regular_ttc, _face_index(regular_ttc, CJK_FACES[language]))}
            faces[True] = (bold_ttc, _face_index(bold_ttc, CJK_FACES[language]))
            full = font_files.read_cmap(*faces[False])
            common = full & common_cjk()

            def cut(bold: bool) -> Face:
                ttc, index = faces[bold]
                path = font_files.cut_collection_face(
                    ttc, index, self.cache_dir, codepoints=common, tag="common"
                )
                return Face(f"cjk-{language}{'-bold' if bold else ''}", path)

            def whole(bold: bool) -> Face:
                return Face(f"cjk-{language}-full{'-bold' if bold else ''}", *faces[bold])

            families = [
                FontFamily(
                    f"Noto Sans CJK {language} (common)",
                    lambda: common,
                    lambda: cut(False),
                    lambda: cut(True),
                ),
                FontFamily(
                    f"Noto Sans CJK {language}", lambda: full, lambda: whole(False), lambda: whole(True)
                ),
            ]
        self._cjk[language] = families
        return families

    def _scan_system(self) -> None:
        """Other Noto fonts (fonts-noto-core): read only when a character is still not covered."""
        self._system_scanned = True
        seen: set[str] = set()
        for folder in self.search_dirs:
            if not folder.is_dir():
                continue
            for regular in sorted(folder.rglob("NotoSans*-Regular.tt[fc]")):
                if regular.name in seen or regular.name.startswith(("NotoSans-", "NotoSansCJK")):
                    continue
                seen.add(regular.name)
                bold = regular.with_name(regular.name.replace("-Regular", "-Bold"))
                self._fallbacks.append(_system_family(regular, bold if bold.is_file() else regular))

    def _family_for(self, char: str, language: str) -> FontFamily | None:
        candidates = [*self._families, *self._cjk_families(language), *self._fallbacks]
        for family in candidates:
            if family.covers(char):
                return family
        if not self._system_scanned:
            before = len(self._fallbacks)
            self._scan_system()
            for family in self._fallbacks[before:]:
                if family.covers(char):
                    return family
        return None

    # -- public -----------------------------------------------------------------------------
    def runs(self, text: str) -> TextRuns:
        """`text` cleaned and cut into runs, each with a font that has a glyph for every character."""
        text = clean_text(text)
        language = cjk_language(text)
        runs: list[Run] = []
        missing: list[str] = []
        current: FontFamily | None = None
        pending: list[str] = []
        with self._lock:
            for char in text:
                family = current if current is not None and current.covers(char) else None
                family = family or self._family_for(char, language)
                if family is None:
                    missing.append(char)
                    continue
                if family is not current and pending and current is not None:
                    runs.append(_make_run("".join(pending), current))
                    pending = []
                current = family
                pending.append(char)
            if pending and current is not None:
                runs.append(_make_run("".join(pending), current))
        lost = "".join(missing)
        warnings = (missing_warning(text, lost),) if lost else ()
        return TextRuns(tuple(runs), is_rtl(text), lost, warnings)

    def warnings(self, texts: Iterable[str]) -> tuple[str, ...]:
        """One warning per text that some character of cannot be drawn."""
        return tuple(warning for text in texts for warning in self.runs(text).warnings)


def _make_run(text: str, family: FontFamily) -> Run:
    rtl = any(unicodedata.bidirectional(char) in _RTL_CLASSES for char in text)
    return Run(text, family, family.shaped or rtl)


def _system_family(regular: Path, bold: Path) -> FontFamily:
    return FontFamily(
        regular.stem,
        lambda: font_files.read_cmap(regular),
        lambda: Face(regular.stem.lower(), regular),
        lambda: Face(bold.stem.lower(), bold),
        shaped=True,
    )


def _face_index(collection: Path, full_name: str) -> int:
    try:
        fonts = TTCollection(collection, lazy=True).fonts
    except (OSError, TTLibError) as error:
        raise GraderError(f"Cannot read the font collection {collection}: {error}") from error
    for index, font in enumerate(fonts):
        name = font["name"].getBestFullName() or ""
        if name.replace(" Bold", "").replace(" Regular", "") == full_name:
            return index
    return 0


_shared: dict[tuple[Path, tuple[Path, ...]], FontLibrary] = {}
_shared_lock = threading.Lock()


def shared_library(
    cache_dir: Path, *, search_dirs: Sequence[Path] = font_files.SYSTEM_FONT_DIRS
) -> FontLibrary:
    """One library per (cache folder, search folders) per process: fonts are read and prepared once."""
    key = (cache_dir.resolve(), tuple(search_dirs))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = FontLibrary(cache_dir, search_dirs=search_dirs)
        return _shared[key]
