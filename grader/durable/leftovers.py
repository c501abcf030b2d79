"""Our temporary names, and what a process that died left under them.

Every temporary file or folder is named ``.{target}.grader-{host}-{pid}-{token}.{kind}``: hidden,
beside its target, carrying the machine and the id of the process writing it. A name of that shape
from this machine whose process no longer runs is a leftover of a crash; the next run removes it
(or, for a folder moved aside, puts it back when its target is missing). Nothing of any other name,
and nothing another machine sharing the folder (NFS) is writing, is ever touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

FILE = "tmp"
"""A file being written; a leftover is removed."""
NEW = "new"
"""A folder being filled, or the old one just swapped out of place; a leftover is removed."""
OLD = "old"
"""An old folder moved aside by the two-rename fallback; put back when its target is missing."""

NAME_ROOM = 120
"""A target's name is cut to this many characters in a temporary name, to stay within NAME_MAX."""

HOST = "h" + hashlib.blake2s(socket.gethostname().encode(), digest_size=3).hexdigest()
"""This machine, as its temporary names say: a pid means nothing on another machine."""

_LEFTOVER = re.compile(
    r"\.(?P<target>.+)\.grader-(?P<host>h[0-9a-f]{6})-(?P<pid>[0-9]{1,10})-[0-9a-f]{8}\.(?P<kind>tmp|new|old)"
    r"(?:-journal|-wal|-shm)?"  # SQLite's companions of a backup written under a temporary name
)


def temporary_name(target_name: str, kind: str) -> str:
    """A fresh hidden name for a temporary ``kind`` beside ``target_name``, owned by this process.

    A file's name is cut to NAME_ROOM characters; a folder's must fit whole, since an old folder
    moved aside is put back under the name its temporary name gives.
    """
    if kind != FILE and len(target_name) > NAME_ROOM:
        raise ValueError(f"a folder replaced whole needs a name of at most {NAME_ROOM} characters")
    return f".{target_name[:NAME_ROOM]}.grader-{HOST}-{os.getpid()}-{secrets.token_hex(4)}.{kind}"


@dataclass(frozen=True)
class Leftover:
    path: Path
    target: str
    """The target's name (a file's cut to NAME_ROOM characters)."""
    host: str
    pid: int
    kind: str


def leftover(path: Path) -> Leftover | None:
    """What ``path`` is a temporary of, or None when the name is not one of ours."""
    found = _LEFTOVER.fullmatch(path.name)
    if found is None:
        return None
    return Leftover(path, found["target"], found["host"], int(found["pid"]), found["kind"])


def process_running(pid: int) -> bool:
    """True when a process ``pid`` runs here; where that cannot be told, assume it does."""
    if os.name != "posix":
        return True  # os.kill(pid, 0) would not probe there; leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # e.g. EPERM: it runs, as another user
    return True


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove what dead grader processes left in ``folder``; put back a folder moved aside whose
    target is missing. Returns the leftovers dealt with."""
    try:
        entries = [Path(entry.path) for entry in os.scandir(folder) if entry.name.startswith(".")]
    except OSError:
        return []
    found = [
        item
        for item in map(leftover, entries)
        if item is not None and item.host == HOST and not process_running(item.pid)
    ]
    for item in found:
        if item.kind == OLD and not os.path.lexists(folder / item.target):
            with contextlib.suppress(OSError):
                item.path.rename(folder / item.target)
            continue  # put back, or kept as it is if that failed: never delete the only copy
        remove(item.path)
    return [item.path for item in found]


def remove(path: Path) -> None:
    """Delete a file, link or folder tree; a link is removed, never followed."""
    if path.is_symlink() or not path.is_dir():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    else:
        shutil.rmtree(path, ignore_errors=True)


_cleaned: set[Path] = set()
_cleaned_lock = threading.Lock()


def clean_leftovers_once(folder: Path) -> None:
    """clean_leftovers the first time this process writes into ``folder`` (one scan, not one per file)."""
    key = folder.absolute()
    with _cleaned_lock:
        if key in _cleaned:
            return
        _cleaned.add(key)
    clean_leftovers(key)
