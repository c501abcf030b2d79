"""Writing a file all at once or not at all, with the permissions its purpose calls for.

The bytes go to a temporary file beside the target; the file is synced, renamed over the target
(or linked, when an existing file must not be replaced), and the folder synced so the rename
lasts. Any failure, an interrupt included, removes the temporary file and leaves the old file
as it was. A process killed outright leaves a temporary that the next write there removes.

Modes: a shared file (exports, reports, feedback pages, the published site) gets what the user's
umask gives a new file, the kernel applying it to 0666 as it opens the file (os.umask is never
read: it is process-wide and racy with threads); an existing shared file keeps its mode. A
private file (keys, the key ring, gradebook backups) is 0600 whatever the umask and whatever
mode an existing file had.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from grader.domain.errors import GraderError
from grader.durable.leftovers import FILE, clean_leftovers_once, temporary_name

PRIVATE_MODE = 0o600
NEW_SHARED_MODE = 0o666
"""Requested for a new shared file; the kernel takes the umask (or a folder's default ACL) off it."""
CREATE_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
"""os.open flags for a file that must not exist yet, and never through a link."""
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}


class Access(enum.Enum):
    """Who may read what is written."""

    SHARED = "shared"
    """The user's normal permissions: the umask's mode for a new file; an existing file keeps its own."""
    PRIVATE = "private"
    """The owner only: 0600, enforced on every write."""


class WriteFailed(GraderError):
    """The file could not be written; the old one (if any) is untouched and no temporary is left."""

    def __init__(self, display: str, reason: str) -> None:
        super().__init__(f"cannot write {display}: {reason}; nothing was written under that name")
        self.display = display
        self.reason = reason


class TargetExists(GraderError):
    """A write that must not replace anything found a file already there."""

    def __init__(self, display: str) -> None:
        super().__init__(f"{display} already exists; nothing was replaced")
        self.display = display


@dataclass(frozen=True)
class StagedFile:
    """The temporary file being written: ``stream`` for bytes, ``path`` for writers that need a name."""

    path: Path
    stream: BinaryIO


@contextlib.contextmanager
def staged_file(
    path: Path, access: Access, *, exclusive: bool = False, display: str | None = None
) -> Iterator[StagedFile]:
    """A temporary file that becomes ``path`` when the block ends without an error.

    ``exclusive``: never replace an existing ``path`` (TargetExists). ``display``: how errors name it.
    """
    shown = display or str(path)
    _check_target(path, shown, exclusive=exclusive)
    kept_mode = _existing_mode(path, shown) if access is Access.SHARED else None
    clean_leftovers_once(path.parent)
    temporary = path.parent / temporary_name(path.name, FILE)
    requested = PRIVATE_MODE if access is Access.PRIVATE else NEW_SHARED_MODE
    try:
        descriptor = os.open(temporary, CREATE_NEW, requested)
    except OSError as exc:
        raise WriteFailed(shown, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield StagedFile(temporary, stream)
            stream.flush()
            _set_mode(stream.fileno(), PRIVATE_MODE if access is Access.PRIVATE else kept_mode)
            os.fsync(stream.fileno())
        _commit(temporary, path, shown, exclusive=exclusive)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise WriteFailed(shown, exc.strerror or str(exc)) from None
        raise
    sync_folder(path.parent)


def write_shared(
    path: Path, data: bytes | Iterable[bytes], *, exclusive: bool = False, display: str | None = None
) -> None:
    """Write ``data`` (bytes, or chunks streamed one by one) to ``path`` with the user's normal mode."""
    _write(path, data, Access.SHARED, exclusive=exclusive, display=display)


def write_private(
    path: Path, data: bytes | Iterable[bytes], *, exclusive: bool = False, display: str | None = None
) -> None:
    """Write ``data`` (bytes, or chunks) to ``path``, readable and writable by its owner only."""
    _write(path, data, Access.PRIVATE, exclusive=exclusive, display=display)


def write_shared_text(path: Path, text: str, *, exclusive: bool = False) -> None:
    """write_shared for text, encoded as UTF-8."""
    _write(path, text.encode("utf-8"), Access.SHARED, exclusive=exclusive, display=None)


def write_private_text(path: Path, text: str, *, exclusive: bool = False) -> None:
    """write_private for text, encoded as UTF-8."""
    _write(path, text.encode("utf-8"), Access.PRIVATE, exclusive=exclusive, display=None)


def sync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable; skipped where a folder cannot be opened or synced."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # e.g. EINVAL on file systems that do not sync folders: the rename is done regardless
    finally:
        os.close(descriptor)


def _write(
    path: Path, data: bytes | Iterable[bytes], access: Access, *, exclusive: bool, display: str | None
) -> None:
    chunks: Iterable[bytes] = (data,) if isinstance(data, bytes) else data
    with staged_file(path, access, exclusive=exclusive, display=display) as staged:
        for chunk in chunks:
            staged.stream.write(chunk)


def _check_target(path: Path, shown: str, *, exclusive: bool) -> None:
    if path.is_dir():
        raise GraderError(f"{shown} is a folder; give a file name")
    if not path.parent.is_dir():
        raise GraderError(f"the folder {path.parent} does not exist; create it first or choose another place")
    if exclusive and os.path.lexists(path):
        raise TargetExists(shown)


def _existing_mode(path: Path, shown: str) -> int | None:
    """The permission bits of the file ``path`` replaces, or None for a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise WriteFailed(shown, exc.strerror or str(exc)) from None


def _set_mode(descriptor: int, wanted: int | None) -> None:
    """Give the open file ``wanted`` permission bits, when it does not have them already."""
    if wanted is not None and stat.S_IMODE(os.fstat(descriptor).st_mode) != wanted:
        os.fchmod(descriptor, wanted)


def _commit(temporary: Path, path: Path, shown: str, *, exclusive: bool) -> None:
    """Give the finished file its name: replacing what is there, or, if ``exclusive``, never."""
    if not exclusive:
        temporary.replace(path)
        return
    try:
        os.link(temporary, path)  # unlike a rename, fails when ``path`` appeared meanwhile
    except FileExistsError:
        raise TargetExists(shown) from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(path):  # a file system without hard links: check, then rename
            raise TargetExists(shown) from None
        temporary.replace(path)
        return
    with contextlib.suppress(OSError):
        temporary.unlink()  # the file has its name; a temporary left here is cleaned up later
