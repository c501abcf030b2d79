"""Consistent copies of an SQLite gradebook, taken while others keep writing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Engine

from grader.domain.errors import GraderError
from grader.durable import Access, TargetExists, staged_file


def copy_sqlite(engine: Engine, dest: Path, *, overwrite: bool = False) -> Path:
    """Copy the database behind ``engine`` to ``dest`` as one snapshot, never half-written, 0600."""
    if dest.exists() and not overwrite:
        raise GraderError(f"{dest} already exists; choose another name or allow overwriting it")
    if not dest.parent.is_dir():
        raise GraderError(f"cannot write a backup to {dest}: {dest.parent} is not a folder")
    try:
        with staged_file(dest, Access.PRIVATE, exclusive=not overwrite) as staged:
            _snapshot(engine, staged.path)
    except TargetExists:
        raise GraderError(f"{dest} already exists; choose another name") from None
    return dest


def _snapshot(engine: Engine, target_path: Path) -> None:
    """Copy every page into the empty file ``target_path`` (the writer syncs and names it)."""
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
