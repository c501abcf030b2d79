"""Alembic environment for the gradebook; grader.store.migrate runs it with an open connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from grader.store.tables import METADATA


def run_offline() -> None:
    """Print the SQL instead of running it (``alembic upgrade --sql``), e.g. for a DBA."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=METADATA,
        literal_binds=True,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=METADATA, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("run gradebook migrations through grader.store.migrate.upgrade()")
    run_online(connection)
