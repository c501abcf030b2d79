"""Observations (append-only), extensions (latest wins, audited) and the resolved pull state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from grader.domain.pulls import Extension, PullState
from grader.domain.submission import Observation
from grader.store import Store, open_store

NOW = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)


def state(student: str, commit: str | None, late: int | None = 0, flags: tuple[str, ...] = ()) -> PullState:
    return PullState("hw1", student, "cloned", "", commit, late, flags, NOW)


def test_pulls_append_observations_and_replace_the_state(store: Store) -> None:
    first = Observation(NOW - timedelta(days=1), "cloned", "", "refs/heads/main", "a" * 40)
    second = Observation(NOW, "updated", "", "refs/heads/main", "b" * 40)
    store.record_pull(first, state("s1", "a" * 40))
    store.record_pull(second, state("s1", "b" * 40, 90, ("dated by commit time",)))
    store.record_pull(Observation(NOW, "missing", "repository not found"), state("s2", None, None))
    assert store.observations("hw1", "s1") == [first, second]
    states = store.pull_states("hw1")
    assert states["s1"] == state("s1", "b" * 40, 90, ("dated by commit time",))
    assert states["s2"].graded_commit is None
    assert store.pull_states("hw1", "s2") == {"s2": states["s2"]}


def test_the_latest_extension_is_in_force_and_each_is_audited(store: Store) -> None:
    for days, reason in ((2, "illness"), (1, "corrected")):
        store.grant_extension(Extension("hw1", "s1", NOW + timedelta(days=days), reason, "ann", NOW))
    assert store.extensions("hw1")["s1"].until == NOW + timedelta(days=1)
    assert [e.details["reason"] for e in store.audit_entries("extension granted")] == ["illness", "corrected"]


def test_observations_and_extensions_cannot_be_rewritten(store_url: str) -> None:
    with open_store(store_url) as store:
        store.record_pull(Observation(NOW, "cloned", "", "refs/heads/main", "a" * 40), state("s1", "a" * 40))
        store.grant_extension(Extension("hw1", "s1", NOW, "", "ann", NOW))
    statements = [
        "UPDATE observation SET sha = 'f'",
        "DELETE FROM observation",
        "UPDATE extension SET until = 'x'",
        "DELETE FROM extension",
    ]
    if store_url.startswith("sqlite"):
        statements.append("REPLACE INTO observation SELECT * FROM observation WHERE id = 1")
    engine = create_engine(store_url)
    try:
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as raw:
                raw.exec_driver_sql(statement)
    finally:
        engine.dispose()
