"""Scratch databases for tests: a throw-away PostgreSQL schema per test, named by URL, and the
database of each backend a test runs on (test helpers live under tests/, never in the package)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from required_tools import require_tool
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

POSTGRES_URL_VARIABLE = "GRADER_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
"""The usual parameters of a test that runs on both backends."""


def postgres_test_url() -> str | None:
    """The PostgreSQL server tests may use (``$GRADER_TEST_POSTGRES_URL``), if any."""
    return os.environ.get(POSTGRES_URL_VARIABLE) or None


@contextmanager
def scratch_postgres_url(base_url: str) -> Iterator[str]:
    """A URL whose tables live in a fresh schema, dropped with everything in it afterwards."""
    schema = f"grader_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A fresh schema on the test server; without a server, a skip (a failure in CI)."""
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None, "require_tool found the URL"
    with scratch_postgres_url(base) as url:
        yield url


def database_url_for(backend: str) -> Iterator[str | None]:
    """For a fixture: None on SQLite (the course's own file), a scratch schema's URL otherwise."""
    if backend == "sqlite":
        yield None
        return
    with scratch_postgres() as url:
        yield url
