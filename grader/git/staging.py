"""Build a folder aside, then swap it into place: a crash never leaves a half-written one.

Staging folders live in ``.staging/`` beside their target and carry the writing process's id,
so leftovers of a process that died are recognised and removed by the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import secrets
import shutil
from pathlib import Path
from typing import Any

STAGING = ".staging"

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


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


def swap_into_place(staged: Path, target: Path) -> None:
    """Make ``staged`` become ``target``; an old ``target`` is replaced, then removed.

    Uses renameat2(RENAME_EXCHANGE) where the kernel offers it, so ``target`` is at every
    moment either the old or the new complete folder; elsewhere two renames.
    """
    if not os.path.lexists(target):
        staged.rename(target)
        return
    if _exchange(staged, target):
        remove(staged)
        return
    old = staging_path(target, "old")
    target.rename(old)
    staged.rename(target)
    remove(old)


def remove(path: Path) -> None:
    """Delete a file, link or folder tree; a link is removed, never followed."""
    if path.is_symlink() or path.is_file():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


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


@functools.cache
def _renameat2() -> Any:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False when this system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
