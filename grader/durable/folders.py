"""Replacing a folder whole: fill a new one beside it, then swap the two.

On Linux, renameat2(RENAME_EXCHANGE) swaps the two names in one step, so the target is at every
moment either the complete old folder or the complete new one; the old one, now under the
temporary name, is then removed. Where the kernel or the file system cannot exchange (other
systems, some network file systems), the old folder is renamed aside under a recognisable name
(kind OLD) and the new one renamed into place: a crash between the two renames leaves the old
folder complete under that name, and the next run puts it back (leftovers.clean_leftovers).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from grader.domain.errors import GraderError
from grader.durable.files import CREATE_NEW, NEW_SHARED_MODE, PRIVATE_MODE, Access, sync_folder
from grader.durable.leftovers import NEW, OLD, clean_leftovers_once, remove, temporary_name

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_CANNOT_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


class StagedFolder:
    """A new folder being filled beside its target; nobody sees it until it is complete."""

    def __init__(self, path: Path, access: Access) -> None:
        self.path = path
        self.access = access
        self.written: list[Path] = []

    def write(self, name: str, data: bytes) -> Path:
        """Write the new file ``name`` in the folder (synced with the others before the swap)."""
        if not name or name in {".", ".."} or "/" in name or os.sep in name:
            raise ValueError(f"not a file name: {name!r}")
        path = self.path / name
        mode = PRIVATE_MODE if self.access is Access.PRIVATE else NEW_SHARED_MODE
        with os.fdopen(os.open(path, CREATE_NEW, mode), "wb") as stream:
            self.written.append(path)
            stream.write(data)
        return path

    def write_text(self, name: str, text: str) -> Path:
        """write for text, encoded as UTF-8."""
        return self.write(name, text.encode("utf-8"))


@contextlib.contextmanager
def replaced_folder(
    target: Path, access: Access = Access.SHARED, *, display: str | None = None
) -> Iterator[StagedFolder]:
    """A new folder to fill; when the block ends without an error it replaces ``target`` whole.

    On any error (an interrupt included) the new folder is removed and ``target`` is untouched.
    """
    shown = display or str(target)
    clean_leftovers_once(target.parent)
    staging = target.parent / temporary_name(target.name, NEW)
    try:
        staging.mkdir(mode=0o700 if access is Access.PRIVATE else 0o777)
    except OSError as exc:
        raise GraderError(f"cannot write {shown}: {exc.strerror}; it is unchanged") from None
    try:
        staged = StagedFolder(staging, access)
        yield staged
        _sync_together(staged.written, staging)
        swap_into_place(staging, target)
    except BaseException as exc:
        remove(staging)
        if isinstance(exc, OSError):
            raise GraderError(f"cannot write {shown}: {exc.strerror or exc}; it is unchanged") from None
        raise
    sync_folder(target.parent)


def _sync_together(files: list[Path], folder: Path) -> None:
    """fsync the files and their folder all at once: the file system commits them in one journal
    commit, where one fsync after another waits for a commit each (several times slower)."""
    with ThreadPoolExecutor(max_workers=min(len(files) + 1, 8), thread_name_prefix="fsync") as pool:
        synced = [pool.submit(_sync_file, path) for path in files]
        synced.append(pool.submit(sync_folder, folder))
        for future in synced:
            future.result()


def _sync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def swap_into_place(staged: Path, target: Path) -> None:
    """Make the complete folder ``staged`` become ``target``; an old ``target`` is removed after."""
    if not os.path.lexists(target):
        staged.rename(target)
        return
    if exchange(staged, target):
        remove(staged)  # the old folder, under the temporary name now
        return
    old = target.parent / temporary_name(target.name, OLD)
    target.rename(old)
    try:
        staged.rename(target)
    except BaseException:
        with contextlib.suppress(OSError):
            old.rename(target)  # put the old folder back at once, not only on the next run
        raise
    remove(old)


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step; False where this system or file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _CANNOT_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


@functools.cache
def _renameat2() -> Any:
    """glibc's renameat2 (2.28+), or None where the C library has none."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
