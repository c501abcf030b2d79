"""Which file the viewer opens first: what the criterion names, else the README, else the code."""

from __future__ import annotations

from collections.abc import Iterable

from grader.domain.checkout_entry import Entry

_SOURCE = (
    ".py .pyw .java .kt .scala .c .h .cc .cpp .cxx .hpp .cs .go .rs .js .jsx .ts .tsx .mjs .rb .php "
    ".swift .m .r .jl .hs .ml .lua .pl .sh .sql .html .css .vue .svelte"
)
SOURCE_SUFFIXES = frozenset(_SOURCE.split())
"""Suffixes of files a grader reads as code (the largest of them opens when nothing else is named)."""


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def is_readme(entry: Entry) -> bool:
    return entry.kind == "file" and entry.path.rsplit("/", 1)[-1].lower().startswith("readme")


def is_source(entry: Entry) -> bool:
    return entry.kind == "file" and _suffix(entry.path) in SOURCE_SUFFIXES


def first_file(entries: Iterable[Entry], named: Iterable[Entry] = ()) -> Entry | None:
    """The first of ``named`` (the criterion's files); else the README nearest the top; else the
    largest source file; else the first file of the listing; None when there is no file."""
    first_named = next(iter(named), None)
    if first_named is not None:
        return first_named
    files = [e for e in entries if e.kind == "file"]
    readmes = sorted((e for e in files if is_readme(e)), key=lambda e: (e.path.count("/"), e.path))
    if readmes:
        return readmes[0]
    sources = sorted((e for e in files if is_source(e)), key=lambda e: (-e.size, e.path))
    if sources:
        return sources[0]
    return files[0] if files else None
