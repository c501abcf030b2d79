"""Schema versions: create a new gradebook, upgrade an older one after a backup, refuse a newer one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from grader.domain.errors import GraderError
from grader.store.backup import copy_sqlite
from grader.store.engine import make_engine, sqlite_file, writer
from grader.store.revision import HEAD

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")

_MIGRATION_LOCK = 0x67726164  # any constant: serialises concurrent creators on PostgreSQL


def head_revision(*, script_location: Path | None = None) -> str:
    """The newest schema revision this code knows."""
    head = _scripts(script_location).get_current_head()
    if head is None:
        raise GraderError(f"no migrations found in {script_location or MIGRATIONS}")
    return head


def current_revision(engine_or_url: Engine | str) -> str | None:
    """The database's schema revision; None for a database without one (new or foreign)."""
    with _engine(engine_or_url) as engine, engine.connect() as connection:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine_or_url: Engine | str, *, script_location: Path | None = None) -> None:
    """Upgrade to the head revision (``grader db upgrade``), backing an SQLite file up first.

    PostgreSQL is upgraded as asked: back it up with pg_dump beforehand.
    """
    with _engine(engine_or_url) as engine:
        try:
            _migrate(engine, script_location, unbacked_upgrade=True)
        except DBAPIError as error:
            where = engine.url.render_as_string(hide_password=True)
            raise GraderError(f"cannot upgrade the gradebook {where}: {error.orig}") from None


def prepare(engine: Engine, *, script_location: Path | None = None) -> None:
    """Bring a gradebook being opened to the head revision.

    A new database is created at head. An older SQLite database is first copied to
    ``FILE.bak-<revision>-<UTC time>``. A newer database, a database of some other program, and
    an older PostgreSQL database (back it up with pg_dump first) are refused.
    """
    if script_location is None and _stamped_revision(engine) == HEAD:
        return
    head = head_revision(script_location=script_location)
    if current_revision(engine) != head:
        _migrate(engine, script_location, unbacked_upgrade=False)


def _stamped_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL; None when there is none."""
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    except DBAPIError:
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def _migrate(engine: Engine, script_location: Path | None, *, unbacked_upgrade: bool) -> None:
    head = head_revision(script_location=script_location)
    with writer(engine).begin() as connection:  # one process migrates; the others wait
        _lock(connection)
        from alembic.runtime.migration import MigrationContext

        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            return
        _refuse_unknown(connection, script_location)
        if current is not None:
            path = sqlite_file(engine)
            if path is not None:
                _back_up(engine, path, current)
            elif not unbacked_upgrade:
                raise GraderError(
                    f"the gradebook's schema is at revision {current} and this grader needs "
                    f"{head}. Back the database up (pg_dump), then run `grader db upgrade`."
                )
        _upgrade(connection, script_location)


def _refuse_unknown(connection: Connection, script_location: Path | None) -> None:
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        foreign = [name for name in inspect(connection).get_table_names() if name]
        if foreign:
            raise GraderError(
                f"{_where(connection)} is not a grader gradebook (it has tables "
                f"{', '.join(sorted(foreign)[:5])} but no schema revision); use a new file"
            )
        return
    known = {script.revision for script in _scripts(script_location).walk_revisions()}
    if current not in known:
        raise GraderError(
            f"{_where(connection)} was written by a newer version of grader (schema revision "
            f"{current}; this version knows up to {head_revision(script_location=script_location)})."
            " Upgrade grader to open it."
        )


def _back_up(engine: Engine, path: Path, revision: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")  # the store's only clock read
    copy_sqlite(engine, path.with_name(f"{path.name}.bak-{revision}-{stamp}"))


def _upgrade(connection: Connection, script_location: Path | None) -> None:
    config = _config(script_location)
    config.attributes["connection"] = connection
    from alembic import command

    command.upgrade(config, "head")


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})


def _where(connection: Connection) -> str:
    return connection.engine.url.render_as_string(hide_password=True)


def _config(script_location: Path | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    return config


def _scripts(script_location: Path | None) -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(script_location))


@contextmanager
def _engine(engine_or_url: Engine | str) -> Iterator[Engine]:
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(engine_or_url)
    try:
        yield engine
    finally:
        engine.dispose()
