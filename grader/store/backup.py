"""Consistent copies of an SQLite gradebook, taken while others keep writing."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from grader.domain.errors import GraderError


def copy_sqlite(engine: Engine, dest: Path, *, overwrite: bool = False) -> Path:
    """Copy the database behind ``engine`` to ``dest`` as one snapshot, never half-written."""
    if dest.exists() and not overwrite:
        raise GraderError(f"{dest} already exists; choose another name or allow overwriting it")
    if not dest.parent.is_dir():
        raise GraderError(f"cannot write a backup to {dest}: {dest.parent} is not a folder")
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        _snapshot(engine, partial)
        _publish(partial, dest, overwrite=overwrite)
    finally:
        partial.unlink(missing_ok=True)
    return dest


def _snapshot(engine: Engine, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source = engine.raw_connection()
        try:
            # pages=-1 copies everything in one step, inside one read transaction: a snapshot.
            driver = source.driver_connection
            if not isinstance(driver, sqlite3.Connection):
                raise TypeError(f"not an SQLite connection: {driver!r}")
            driver.backup(target, pages=-1)
        finally:
            source.close()
        # The copy is one self-contained file, without -wal or -shm companions.
        target.execute("PRAGMA journal_mode = DELETE")
        target.commit()
    finally:
        target.close()
    with target_path.open("rb+") as copied:
        os.fsync(copied.fileno())


def _publish(partial: Path, dest: Path, *, overwrite: bool) -> None:
    """Give the finished copy its final name; refuse to replace a file unless asked to."""
    if overwrite:
        partial.replace(dest)
    else:
        try:
            os.link(partial, dest)  # fails if dest appeared meanwhile, unlike a rename
        except FileExistsError:
            raise GraderError(f"{dest} already exists; choose another name") from None
        except OSError:  # a file system without hard links
            if dest.exists():
                raise GraderError(f"{dest} already exists; choose another name") from None
            partial.replace(dest)
    with contextlib.suppress(OSError):
        directory = os.open(dest.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
