"""Scratch databases for tests: a throw-away PostgreSQL schema per test, named by URL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

POSTGRES_URL_VARIABLE = "GRADER_TEST_POSTGRES_URL"


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
