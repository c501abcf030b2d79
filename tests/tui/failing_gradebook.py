"""Real failures of a gradebook, made from a test: every grade event refused by a trigger, and a
held write lock so that several choices queue up behind the one that is going to fail.

Two kinds of failure: ``fails``, a database error grader expects (an I/O error: the store says
"could not write the gradebook"), and ``dies``, one it does not (the save worker dies on it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

KINDS = ("fails", "dies")
TRIGGER = "grader_test_failure"
SQLITE_BODIES = {
    # A table that is not there: SQLite reports it as an operational error when the insert runs.
    "fails": 'INSERT INTO "simulated disk I/O error" VALUES (1);',
    # RAISE(ABORT) is reported as an integrity error, which grader does not expect from a save.
    "dies": "SELECT RAISE(ABORT, 'disk I/O error');",
}
POSTGRES_RAISES = {
    "fails": "RAISE EXCEPTION 'disk I/O error' USING ERRCODE = 'io_error';",  # an OperationalError
    "dies": "RAISE EXCEPTION 'disk I/O error';",  # P0001, a ProgrammingError
}


class FailingGradebook:
    """Breaks and mends the saving of grade events of the gradebook at ``url``."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.backend = self.url.get_backend_name()

    @contextmanager
    def _connected(self) -> Iterator[Any]:
        """A connection of our own, statements committed as they run unless a BEGIN says otherwise."""
        if self.backend == "sqlite":
            assert self.url.database is not None
            connection: Any = sqlite3.connect(Path(self.url.database), isolation_level=None, timeout=30)
        else:
            conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            connection = psycopg.connect(conninfo, autocommit=True)
        try:
            yield connection
        finally:
            connection.close()

    def _break(self, connection: Any, kind: str) -> None:
        if self.backend == "sqlite":
            body = SQLITE_BODIES[kind]
            connection.execute(f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON grade_event BEGIN {body} END")
            return
        connection.execute(
            f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {POSTGRES_RAISES[kind]} END $$"
        )
        connection.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE INSERT ON grade_event FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )

    def break_saves(self, kind: str) -> None:
        """From now on every save of a choice fails (``kind``: how)."""
        with self._connected() as connection:
            self._break(connection, kind)

    @contextmanager
    def held(self, kind: str | None) -> Iterator[None]:
        """Writes of grade events wait while the block runs; when it ends, saves fail (``kind``;
        None: they go through).

        Choices made inside the block queue up behind the first one, which waits for the lock:
        then all of them meet the failure, in order, however fast the machine is.
        """
        with self._connected() as connection:
            if self.backend == "sqlite":
                connection.execute("BEGIN IMMEDIATE")
            else:
                connection.execute("BEGIN")
                connection.execute("LOCK TABLE grade_event IN EXCLUSIVE MODE")
            yield
            if kind is not None:
                self._break(connection, kind)
            connection.execute("COMMIT")

    def mend(self) -> None:
        """Saving works again."""
        with self._connected() as connection:
            if self.backend == "sqlite":
                connection.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")
            else:
                connection.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON grade_event")
                connection.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
