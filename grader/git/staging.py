"""Build a folder aside, then swap it into place: a crash never leaves a half-written one.

Staging folders live in ``.staging/`` beside their target and carry the writing process's id,
so leftovers of a process that died are recognised and removed by the next run.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from grader.durable.folders import swap_into_place
from grader.durable.leftovers import remove

__all__ = ["STAGING", "clean_leftovers", "remove", "staging_path", "swap_into_place"]

STAGING = ".staging"


def staging_path(target: Path, purpose: str) -> Path:
    """A fresh, unused path in ``.staging/`` beside ``target`` (its folder is created)."""
    folder = target.parent / STAGING
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{target.name}.{purpose}-{os.getpid()}-{secrets.token_hex(4)}"


def clean_leftovers(target: Path) -> None:
    """Remove staging folders for ``target`` left behind by processes that no longer run."""
    folder = target.parent / STAGING
    prefix = f"{target.name}."
    try:
        entries = [entry for entry in os.scandir(folder) if entry.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = _writer(entry.name[len(prefix) :])
        if pid is not None and not _alive(pid):
            remove(Path(entry.path))


def _writer(suffix: str) -> int | None:
    """The process id in ``purpose-PID-random``, or None when the name is not ours."""
    parts = suffix.rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return int(parts[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
