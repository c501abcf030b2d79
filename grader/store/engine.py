"""Engines: SQLite set up for several writers at once, or PostgreSQL for a team on many machines."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import ConnectionPoolEntry

from grader.domain.errors import GraderError
from grader.store.mounts import PROC_MOUNTS, file_system_type, is_network_file_system

BUSY_TIMEOUT_SECONDS = 30
WRITE_OPTION = "grader_write"
"""Execution option: this transaction will write, so SQLite takes the write lock at BEGIN."""


def make_engine(url: str, *, mounts_file: Path = PROC_MOUNTS) -> Engine:
    """An engine for a ``sqlite:///FILE`` or ``postgresql+psycopg://…`` gradebook URL."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise GraderError(f"not a database URL: {url!r} ({error})") from None
    backend = parsed.get_backend_name()
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed, mounts_file)
        if backend == "postgresql":
            return create_engine(parsed, pool_pre_ping=True)
    except NoSuchModuleError as error:
        raise GraderError(f"no database driver for {parsed.drivername}: {error}") from None
    raise GraderError(
        f"unsupported database {parsed.drivername!r}: use sqlite:///FILE or postgresql+psycopg://USER@HOST/DB"
    )


def writer(engine: Engine) -> Engine:
    """The same engine (same pool), marked so each transaction starts as a write transaction."""
    return engine.execution_options(**{WRITE_OPTION: True})


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of an SQLite engine; None for PostgreSQL."""
    database = engine.url.database
    return Path(database) if engine.dialect.name == "sqlite" and database else None


def _sqlite_engine(url: URL, mounts_file: Path) -> Engine:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise GraderError(
            "the gradebook must be a file (sqlite:///PATH/grades.db): an in-memory database "
            "would lose every grade when grader exits"
        )
    _refuse_network_file_system(Path(database), mounts_file)
    _create_private(Path(database))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _create_private(path: Path) -> None:
    """A new gradebook is readable by its owner only (grades are personal data); SQLite gives
    its -wal and -shm files the mode of the database file. An existing file keeps its mode."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # SQLite's own open reports a missing folder or a refusal with its own words
    os.close(handle)


def _refuse_network_file_system(path: Path, mounts_file: Path) -> None:
    if is_network_file_system(path.absolute().parent, mounts_file):
        kind = file_system_type(path.absolute().parent, mounts_file)
        raise GraderError(
            f"{path} is on a network file system ({kind}), where SQLite's locking is unsafe and "
            "grades could be lost or corrupted. Keep the gradebook on a local disk, or let "
            "several graders share a PostgreSQL database: --db postgresql+psycopg://USER@HOST/DB"
        )


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    # SQLAlchemy issues BEGIN itself (see _begin_sqlite_transaction), not the sqlite3 module.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    # A read that later writes fails with "database is locked" whatever the busy timeout,
    # unless the transaction took the write lock when it began.
    options: dict[str, Any] = dict(connection.get_execution_options())
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION) else "BEGIN")
