"""Language-aware token streams for comparing submissions, with pygments (the lexer chosen by
file name): identifiers and literals normalised, comments, docstrings and whitespace dropped,
so renaming, recommenting and reformatting change nothing. Files without a lexer, binary,
generated (lock files, minified bundles, vendored folders) or too large are skipped with a
reason. Nothing here runs the code it reads.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath

from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_for_filename
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Token
from pygments.util import ClassNotFound

from grader.domain.similarity import FileTokens

MAX_FILE_BYTES = 512 * 1024
"""A larger file is skipped (a student rarely writes this much in one file by hand)."""
BAD_BYTES_SHARE = 100
"""A file with more than one byte in this many that is not UTF-8 is skipped as not text."""
MAX_LINE_CHARS = 1000
"""A line longer than this marks a minified or generated file."""
VENDORED = frozenset(
    {
        "node_modules",
        "vendor",
        "vendors",
        ".venv",
        "venv",
        "env",
        "site-packages",
        "__pycache__",
        ".git",
        "dist",
        "build",
        "target",
        "bower_components",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        "third_party",
    }
)
LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "pipfile.lock",
        "cargo.lock",
        "composer.lock",
        "gemfile.lock",
        "go.sum",
        "uv.lock",
        "pdm.lock",
        "mix.lock",
        "packages.lock.json",
    }
)
NOT_CODE = frozenset(
    {
        "text only",
        "Markdown",
        "reStructuredText",
        "JSON",
        "YAML",
        "TOML",
        "INI",
        "CSV",
        "Text output",
        "XML",
        "SVG",
        "Diff",
        "Gettext Catalog",
        "BibTeX",
        "TeX",
        "Org Mode",
        "Properties",
        "JSONLD",
    }
)
"""Lexers of prose and data: alike in every submission, so they are not compared."""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def path_skip_reason(path: str) -> str | None:
    """Why a file is skipped from its path alone (vendored, lock file, minified name), or None."""
    parts = PurePosixPath(path).parts
    folder = next((part for part in parts[:-1] if part.lower() in VENDORED), None)
    if folder is not None:
        return f"vendored or generated folder {folder}/"
    name = parts[-1].lower() if parts else ""
    if name in LOCK_FILES or name.endswith(".lock"):
        return "lock file"
    if ".min." in name or name.endswith((".bundle.js", ".map")):
        return "minified or bundled"
    if lexer_for(path) is None:
        return "no lexer for this kind of file"
    return None


@lru_cache(maxsize=4096)
def _lexer_for_name(name: str) -> Lexer | None:
    try:
        found = find_lexer_class_for_filename(name)
    except ClassNotFound:
        return None
    if found is None or found.name in NOT_CODE:
        return None
    return found(stripnl=False, ensurenl=False)


def lexer_for(path: str) -> Lexer | None:
    """The lexer for a file's name (cached by suffix, or by name when it has none)."""
    name = PurePosixPath(path).name
    suffix = PurePosixPath(name).suffix.lower()
    return _lexer_for_name(f"x{suffix}" if suffix else name)


def tokenise(path: str, data: bytes) -> FileTokens | Skipped:
    """A file's normalised tokens, or why it is skipped (``data`` is the file's first bytes,
    at most ``MAX_FILE_BYTES`` + 1 of them)."""
    reason = path_skip_reason(path)
    if reason is not None:
        return Skipped(path, reason)
    if len(data) > MAX_FILE_BYTES:
        return Skipped(path, f"larger than {MAX_FILE_BYTES // 1024} KB")
    if b"\0" in data[:8192]:
        return Skipped(path, "binary")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # a few bad bytes in a source file must not hide it from comparison (one stray byte is
        # all it would take): read them as replacement characters; mostly not UTF-8 is skipped
        text = data.decode("utf-8", errors="replace")
        if text.count("\ufffd") > max(1, len(data) // BAD_BYTES_SHARE):
            return Skipped(path, "not UTF-8 text")
    if any(len(line) > MAX_LINE_CHARS for line in text.splitlines()):
        return Skipped(path, f"a line longer than {MAX_LINE_CHARS} characters (minified or generated)")
    lexer = lexer_for(path)
    assert lexer is not None  # path_skip_reason checked it
    symbols, lines = _stream(lexer, text)
    return FileTokens(path, tuple(symbols), tuple(lines))


def _stream(lexer: Lexer, text: str) -> tuple[list[int], list[int]]:
    symbols: list[int] = []
    lines: list[int] = []
    line, seen = 1, 0
    in_string = False
    for index, kind, value in lexer.get_tokens_unprocessed(text):
        line += text.count("\n", seen, index)
        seen = index
        normal = _KINDS.get(kind)
        if normal is None:
            normal = _KINDS[kind] = _normal(kind)
        if normal is _DROP or not value.strip():
            continue
        if normal is _STRING:
            if in_string:
                continue  # a string's parts (quotes, escapes, text) are one token
            in_string = True
        else:
            in_string = False
        symbols.append(symbol(normal or value))
        lines.append(line)
    return symbols, lines


_DROP = "\x00drop"
_STRING = "\x00string"
_KINDS: dict[object, str] = {}
"""Token kind → what its tokens count as ("" for their own text); filled as kinds are met."""


def _normal(kind: object) -> str:
    """What a token of ``kind`` counts as: dropped (comments, docstrings), its kind for names
    and literals, or its own text ("") for keywords, operators, punctuation and builtins."""
    if kind in Comment or kind in String.Doc:
        return _DROP
    if kind in Name.Builtin or kind in Name.Exception or kind in Keyword or kind in Operator:
        return ""
    if kind in Name:
        return "\x00name"
    if kind in String:
        return _STRING
    if kind in Number:
        return "\x00number"
    if kind in Punctuation or kind in Token.Error or kind in Text:
        return ""
    return f"\x00{kind}"


@lru_cache(maxsize=65536)
def symbol(normal: str) -> int:
    """A stable small integer for a normalised token (the same in every process)."""
    return zlib.crc32(normal.encode("utf-8", "surrogateescape"))
