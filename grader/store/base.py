"""What every part of the store shares: the engine, a session per unit of work, and database
failures turned into messages."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from grader.domain.errors import GradebookUnavailable
from grader.store.engine import writer
from grader.store.migrate import current_revision

ID_CHUNK = 2_000
"""Student ids per IN (...) list, well under every database's parameter limit."""


def serialise(session: Session, kind: str, assignment_id: str) -> None:
    """Serialise one kind of write to one assignment until the transaction ends, so that two
    graders doing it at once never both insert (SQLite's write transactions are serial already)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"{kind}:{assignment_id}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


class StoreBase:
    """One gradebook's engine; every method of a store is one unit of work with its own session,
    so a store may be shared by threads."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = writer(engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def revision(self) -> str | None:
        """The database's schema revision (the code's head once opened)."""
        return current_revision(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._failing_as("read"), Session(self._engine) as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction: BEGIN IMMEDIATE on SQLite; committed, or rolled back on error."""
        with self._failing_as("write"), Session(self._writer) as session, session.begin():
            yield session

    @contextmanager
    def _failing_as(self, verb: str) -> Iterator[None]:
        """Turn a database the user must attend to (locked, full, read-only, gone) into a message."""
        try:
            yield
        except OperationalError as error:
            where = self._engine.url.render_as_string(hide_password=True)
            raise GradebookUnavailable(f"could not {verb} the gradebook {where}: {error.orig}") from error
