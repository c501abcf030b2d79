"""The CLI tests' database option: each test that takes ``db_args`` runs on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from required_tools import require_tool

from grader.store.testing import postgres_test_url, scratch_postgres_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def db_args(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The --db option for each backend: none (the course's own SQLite file), then a scratch
    PostgreSQL schema (skipped locally without a server, a failure in CI)."""
    if request.param == "sqlite":
        yield []
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url:
        yield ["--db", url]
