"""Stores on real databases: an SQLite file in tmp_path, and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import scratch_postgres

from grader.store import Store, open_store

BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


def _postgres_url() -> Iterator[str]:
    with scratch_postgres() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL for an empty gradebook on each backend; PostgreSQL gets a fresh schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'grades.db'}"
    else:
        yield from _postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """An empty PostgreSQL schema; without a server, a skip (a failure in CI)."""
    yield from _postgres_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    return tmp_path / "grades.db"


@pytest.fixture
def sqlite_store(sqlite_file: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{sqlite_file}") as opened:
        yield opened
