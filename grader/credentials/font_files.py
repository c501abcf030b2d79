"""Font files on disk: find them, and turn variable or huge fonts into small static ones, cached."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import fontpkg
from fontTools import subset
from fontTools import version as fonttools_version
from fontTools.ttLib import TTFont, TTLibError
from fontTools.varLib import instancer

from grader.domain.errors import GraderError
from grader.durable import Access, WriteFailed, staged_file

SYSTEM_FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts"),)
"""Where Debian's font packages put their files (fonts-dejavu, fonts-noto-cjk, fonts-noto-core)."""

_RECIPE = "3"  # bump when a preparation below changes, so old cache files are not reused

LGC_RANGES: tuple[tuple[int, int], ...] = (
    (0x0000, 0x024F),  # Basic Latin … Latin Extended-B
    (0x02B0, 0x036F),  # spacing modifier letters (ʻ ʼ ˇ …), combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic, Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # general punctuation
    (0x20A0, 0x20C0),  # currency
    (0x2100, 0x214F),  # letterlike symbols (№, ™)
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFC, 0xFFFD),
)
"""What the primary face keeps: Latin, Greek and Cyrillic as names use them, which need no shaping.

Rarer characters (polytonic Greek, IPA, arrows) come from the fallback fonts.
"""


def _in_ranges(codepoint: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(low <= codepoint <= high for low, high in ranges)


def packaged_noto(family: str, weight: int) -> Path:
    """The variable font file a `fontpkg-noto-*` package ships for `family`."""
    try:
        return Path(fontpkg.path(family, weight))
    except fontpkg.FontpkgError as error:
        raise GraderError(
            f"The Python package for the font {family!r} is missing ({error}); "
            "reinstall grader (pip install -e .) so its font packages are installed."
        ) from error


def find_font(dirs: Iterable[Path], name: str) -> Path | None:
    """The first file called `name` under any of `dirs` (searched recursively), or None."""
    for folder in dirs:
        if folder.is_dir():
            for found in sorted(folder.rglob(name)):
                if found.is_file():
                    return found
    return None


def _cache_path(cache_dir: Path, source: Path, recipe: str, suffix: str) -> Path:
    stat = source.stat()
    key = f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{recipe}|{_RECIPE}|{fonttools_version}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / f"{source.stem.split('[')[0]}-{recipe}-{digest}{suffix}"


def _write_atomically(font: TTFont, target: Path) -> None:
    """Save ``font`` whole under ``target``: a cache file is never seen half-written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with staged_file(target, Access.SHARED) as staged:
            font.save(staged.stream)
    except OSError as error:
        reason = error.strerror or str(error)
    except WriteFailed as error:
        reason = error.reason
    else:
        return
    raise GraderError(
        f"Cannot write the font cache file {target}: {reason}; "
        "make the folder writable or pass another cache folder."
    )


def _subset_options(keep_layout: bool) -> subset.Options:
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.layout_features = ["*"] if keep_layout else []
    options.drop_tables += ["DSIG", "BASE", "VORG", "vhea", "vmtx", "STAT"]
    if not keep_layout:
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    return options


def static_instance(
    source: Path,
    cache_dir: Path,
    *,
    weight: int,
    ranges: Sequence[tuple[int, int]] | None,
    keep_layout: bool = False,
) -> Path:
    """A static (one weight) copy of a variable font, cut to `ranges`; made once, then read from the cache.

    `keep_layout` keeps GSUB/GPOS for scripts HarfBuzz must shape (Arabic).
    """
    recipe = f"w{weight}{'-lgc' if ranges else ''}{'-layout' if keep_layout else ''}"
    target = _cache_path(cache_dir, source, recipe, ".ttf")
    if target.is_file():
        return target
    try:
        font = TTFont(source)
        cmap = font.getBestCmap()
        keep = [cp for cp in cmap if ranges is None or _in_ranges(cp, ranges)]
        subsetter = subset.Subsetter(_subset_options(keep_layout))
        subsetter.populate(unicodes=keep)
        subsetter.subset(font)
        if "fvar" in font:
            axes = {axis.axisTag: axis.defaultValue for axis in font["fvar"].axes}
            axes["wght"] = float(weight)
            instancer.instantiateVariableFont(font, axes, inplace=True, static=True)
    except (OSError, TTLibError) as error:
        raise GraderError(f"Cannot read the font {source}: {error}") from error
    font["post"].formatType = 3.0  # no glyph names: smaller and faster to subset per PDF
    _write_atomically(font, target)
    return target


def cut_collection_face(
    source: Path, index: int, cache_dir: Path, *, codepoints: Iterable[int], tag: str
) -> Path:
    """One face of a font collection (.ttc), cut to `codepoints`; made once, then read from the cache."""
    target = _cache_path(cache_dir, source, f"{tag}{index}", ".otf")
    if target.is_file():
        return target
    try:
        font = TTFont(source, fontNumber=index)
        available = font.getBestCmap()
        options = _subset_options(keep_layout=False)
        options.desubroutinize = True  # plain charstrings: much cheaper to subset again per PDF
        options.hinting = False
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[cp for cp in codepoints if cp in available])
        subsetter.subset(font)
    except (OSError, TTLibError) as error:
        raise GraderError(f"Cannot read the font {source} (face {index}): {error}") from error
    _write_atomically(font, target)
    return target


def read_cmap(path: Path, index: int = 0) -> frozenset[int]:
    """Every code point the face has a glyph for."""
    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        try:
            return frozenset(font.getBestCmap() or ())
        finally:
            font.close()
    except (OSError, TTLibError) as error:
        raise GraderError(f"Cannot read the font {path}: {error}") from error
