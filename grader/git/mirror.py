"""What one of our bare mirrors holds, read straight from its files (no git process needed).

Mirrors are written only by our own clone and fetch, so their layout is git's plain one:
``HEAD``, loose refs under ``refs/`` and a ``packed-refs`` file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_SYMREF = "ref: "


@dataclass(frozen=True)
class MirrorState:
    ref: str | None
    """The default branch, e.g. ``refs/heads/main``; None when HEAD is detached or unreadable."""
    head: str | None
    """Its commit; None when the branch has no commit yet."""


def is_complete(mirror: Path) -> bool:
    """True when ``mirror`` looks like a whole bare repository (not a half-written folder)."""
    return (
        not mirror.is_symlink()
        and (mirror / "HEAD").is_file()
        and (mirror / "objects").is_dir()
        and (mirror / "refs").is_dir()
        and (mirror / "config").is_file()
    )


def read_state(mirror: Path) -> MirrorState:
    """The mirror's default branch and its commit."""
    try:
        head = (mirror / "HEAD").read_text("utf-8", "replace").strip()
    except OSError:
        return MirrorState(None, None)
    if head.startswith(_SYMREF):
        ref = head[len(_SYMREF) :].strip()
        return MirrorState(ref, resolve(mirror, ref)) if usable_ref(ref) else MirrorState(None, None)
    return MirrorState(None, head if OBJECT_ID.fullmatch(head) else None)


def resolve(mirror: Path, ref: str) -> str | None:
    """The object id ``ref`` points to (a loose ref wins over packed-refs), or None."""
    if not usable_ref(ref):
        return None
    try:
        value = mirror.joinpath(*ref.split("/")).read_text("ascii", "replace").strip()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return branches(mirror, packed_only=True).get(ref)
    except OSError:
        return None
    return value if OBJECT_ID.fullmatch(value) else None


def branches(mirror: Path, *, packed_only: bool = False) -> dict[str, str]:
    """Every ``refs/heads/*`` of the mirror and its object id."""
    found: dict[str, str] = {}
    try:
        packed = (mirror / "packed-refs").read_text("utf-8", "surrogateescape").splitlines()
    except OSError:
        packed = []
    for line in packed:
        sha, _, name = line.partition(" ")
        if name.startswith("refs/heads/") and OBJECT_ID.fullmatch(sha):
            found[name] = sha
    if packed_only:
        return found
    heads = mirror / "refs" / "heads"
    for folder, _, files in os.walk(heads):
        for file in files:
            name = Path(folder, file).relative_to(mirror).as_posix()
            value = resolve(mirror, name)
            if value is not None:
                found[name] = value
    return found


def usable_ref(ref: str) -> bool:
    """A plain ``refs/...`` name: no empty, ``.`` or ``..`` part, no NUL or backslash."""
    parts = ref.split("/")
    return (
        ref.startswith("refs/")
        and "\0" not in ref
        and "\\" not in ref
        and all(part not in ("", ".", "..") for part in parts)
    )


def directory_size(path: Path) -> int:
    """Bytes held by the files under ``path`` (links not followed)."""
    total = 0
    for folder, _, files in os.walk(path):
        for file in files:
            try:
                total += Path(folder, file).lstat().st_size
            except OSError:
                continue
    return total
