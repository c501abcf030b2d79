"""Writing a file all at once or not at all: a temporary file beside it, fsync, then rename."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from grader.domain.errors import GraderError

PRIVATE = 0o600
"""Grades are personal data: a new export is readable by its owner only."""


def _target_problem(path: Path) -> str | None:
    folder = path.parent
    if path.is_dir():
        return f"{path} is a folder; give a file name, e.g. {path / 'grades.csv'}"
    if not folder.is_dir():
        return f"the folder {folder} does not exist; create it first or choose another -o FILE"
    return None


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a no-op where folders cannot be opened, e.g. Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def write_atomically(path: Path, chunks: Iterable[bytes], *, new_mode: int = PRIVATE) -> None:
    """Write ``chunks`` to ``path``: either the whole new file is there, or the old one is untouched.

    An existing file keeps its permission bits; a new one gets ``new_mode`` (0600 unless told).
    """
    problem = _target_problem(path)
    if problem:
        raise GraderError(problem)
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = new_mode
    except OSError as exc:
        raise GraderError(f"cannot write {path}: {exc.strerror}") from None
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise GraderError(f"cannot write in {path.parent}: {exc.strerror}") from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(mode)
        temporary.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise GraderError(
                f"cannot write {path}: {exc.strerror or exc}; nothing was written under that name"
            ) from None
        raise
    _sync_folder(path.parent)
