"""The CLI tests' database option: each test that takes ``db_args`` runs on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from postgres import BACKENDS, scratch_postgres


@pytest.fixture(params=BACKENDS)
def db_args(request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """The --db option for each backend: none (the course's own SQLite file), then a scratch
    PostgreSQL schema (skipped locally without a server, a failure in CI)."""
    if request.param == "sqlite":
        yield []
        return
    with scratch_postgres() as url:
        yield ["--db", url]
