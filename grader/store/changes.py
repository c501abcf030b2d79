"""Noticing what other graders saved: a cheap signal that something changed, then which rows.

The signal: on SQLite, ``PRAGMA data_version`` on one long-lived connection of its own (it moves
only when another connection commits), read every ``poll`` seconds; on PostgreSQL, ``LISTEN``
on the channel every write of a summary or a claim notifies (migration 0008), waited on with
psycopg's ``notifies(timeout=…)``; if that connection drops, a wake-up every ``FALLBACK_SECONDS``
(polling) until it is back. Which rows: the summaries whose ``changed_at`` (the database's own
clock, set by triggers) is later than a moment, read back by index.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import ColumnClause, Engine, literal_column, select
from sqlalchemy.exc import DBAPIError

from grader.store.base import StoreBase
from grader.store.engine import sqlite_file
from grader.store.tables import SUMMARY

if TYPE_CHECKING:
    import psycopg

CHANNEL = "grader_gradebook"
FALLBACK_SECONDS = 2.0
"""While the PostgreSQL listener is down, how often a screen is told to look anyway."""
_CLOCK = {
    "sqlite": "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    "postgresql": "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}
"""The database's clock in the format the triggers write ``changed_at`` in (0008)."""

Key = tuple[str, str]


class ChangeSignal(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True when the gradebook may have changed since the
        last call (or since the signal was made)."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class ChangedRows:
    clock: str
    """The database's clock when read: pass it (less a margin) as the next ``since``."""
    keys: dict[Key, str]
    """(assignment, student) → when its summary last changed."""
    overflow: bool = False
    """More rows changed than asked for: ``keys`` is incomplete; reload everything."""


def earlier(clock: str, seconds: float) -> str:
    """A clock text moved back by ``seconds``, in the same format (same fraction digits)."""
    moment = datetime.fromisoformat(clock) - timedelta(seconds=seconds)
    fraction = clock.rstrip("Z").partition(".")[2]
    digits = len(fraction)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += "." + f"{moment.microsecond:06d}"[:digits]
    return text + ("Z" if clock.endswith("Z") else "")


class DataVersionSignal:
    """SQLite: ``PRAGMA data_version`` of a connection of its own, read every ``poll`` seconds."""

    def __init__(self, path: Path, *, poll: float) -> None:
        self.path = path
        self.poll = poll
        self._connection: sqlite3.Connection | None = None
        self._version: int | None = None
        self._closed = threading.Event()

    def _read(self) -> int:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self.path, timeout=30, isolation_level=None, check_same_thread=False
            )
        row = self._connection.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not self._closed.is_set():
            try:
                version = self._read()
            except sqlite3.Error:  # the file went away or is busy: look anyway, connect again
                self._drop()
                return True
            if self._version is None:
                self._version = version  # the first look only sets the baseline
            elif version != self._version:
                self._version = version
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._closed.wait(min(self.poll, left))
        return False

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._version = None  # a version belongs to its connection: the next one sets a new baseline
        if connection is not None:
            with contextlib.suppress(sqlite3.Error):
                connection.close()

    def close(self) -> None:
        self._closed.set()
        self._drop()


class NotifySignal:
    """PostgreSQL: ``LISTEN`` on a connection of its own; polling while it is down."""

    def __init__(self, engine: Engine, *, fallback: float = FALLBACK_SECONDS) -> None:
        self.engine = engine
        self.fallback = fallback
        self._connection: psycopg.Connection[Any] | None = None
        self._schema = ""
        self._dropped = False
        """The listener was lost (or never connected): the next connection first says "look"."""
        self._closed = threading.Event()

    def _listen(self) -> psycopg.Connection[Any]:
        raw = self.engine.raw_connection()
        connection: psycopg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
        raw.detach()  # kept for listening, never returned to the pool
        connection.rollback()
        connection.autocommit = True
        row = connection.execute("SELECT current_schema()").fetchone()
        self._schema = str(row[0]) if row else ""
        connection.execute(f"LISTEN {CHANNEL}")
        return connection

    def wait(self, timeout: float) -> bool:
        import psycopg  # PostgreSQL only: SQLite gradebooks never load it

        if self._connection is None:
            try:
                self._connection = self._listen()
            except (psycopg.Error, DBAPIError):
                self._dropped = True
                self._closed.wait(min(self.fallback, timeout))
                return not self._closed.is_set()  # down: look anyway (polling)
            if self._dropped:
                self._dropped = False
                return True  # listening again: what changed meanwhile was not heard
        deadline = time.monotonic() + timeout
        try:
            while (left := deadline - time.monotonic()) > 0 and not self._closed.is_set():
                for note in self._connection.notifies(timeout=left, stop_after=1):
                    if note.payload == self._schema:  # other schemas: other gradebooks
                        return True
        except psycopg.Error:
            self._drop()
            return True
        return False

    def _drop(self) -> None:
        self._dropped = True
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing to save
                connection.close()

    def close(self) -> None:
        self._closed.set()
        self._drop()


class ChangeAccess(StoreBase):
    """What changed since when, and a signal to wait on for the next change."""

    def change_signal(self, *, poll: float = 0.5) -> ChangeSignal:
        """A new signal (for one thread), listening from now on: data_version polled every
        ``poll`` s, or LISTEN."""
        path = sqlite_file(self._engine)
        signal: ChangeSignal = DataVersionSignal(path, poll=poll) if path else NotifySignal(self._engine)
        signal.wait(0)  # the baseline version is read, or the LISTEN connection made, now
        return signal

    def changed_since(self, since: str | None, *, limit: int = 2_000) -> ChangedRows:
        """The summaries changed after ``since`` (a clock this returned; None: just the clock)."""
        clock: ColumnClause[str] = literal_column(_CLOCK[self.dialect])
        with self._reading() as session:
            now = str(session.execute(select(clock)).scalar_one())
            if since is None:
                return ChangedRows(now, {})
            statement = (
                select(SUMMARY.c.assignment_id, SUMMARY.c.student_id, SUMMARY.c.changed_at)
                .where(SUMMARY.c.changed_at > since)
                .limit(limit + 1)
            )
            rows = session.execute(statement).all()
        keys = {(row[0], row[1]): row[2] for row in rows[:limit]}
        return ChangedRows(now, keys, overflow=len(rows) > limit)
