"""Locks on this machine: one pull (or extension) at a time per course; one issuer key creation."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from grader.domain.errors import GraderError


@contextmanager
def course_lock(state_dir: Path, action: str) -> Iterator[None]:
    """Hold ``state_dir/pull.lock``; refuse at once, saying so, when another process holds it."""
    path = state_dir / "pull.lock"
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise GraderError(f"cannot open {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip() or "another process"
            raise GraderError(
                f"cannot {action}: a pull or extension is already running on this course ({holder}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(handle)


@contextmanager
def waiting_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``, waited for: for short work that must not run twice at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)
