"""Accepted rubric snapshots and the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from store_helpers import NOW

from grader.domain.rubric import Criterion, CriterionKind, Level, Rubric
from grader.store import Store


def _rubric(title: str) -> Rubric:
    return Rubric(
        id="r1",
        title=title,
        skills={"git": "Uses git"},
        criteria=(
            Criterion(
                id="c1",
                title="Design",
                kind=CriterionKind.LEVELS,
                skills=("git",),
                levels=(Level("Poor", Decimal(0)), Level("Good", Decimal("2.5"))),
            ),
        ),
    )


def test_no_rubric_is_accepted_at_first(store: Store) -> None:
    assert store.accepted_rubric("hw1") is None


def test_the_latest_accepted_rubric_is_the_one_in_force(store: Store) -> None:
    first, second = _rubric("v1"), _rubric("v2")
    store.accept_rubric("hw1", first.content_hash, first.to_dict(), actor="ann", now=NOW)
    store.accept_rubric(
        "hw1", second.content_hash, second.to_dict(), actor="bob", now=NOW + timedelta(hours=1)
    )

    accepted = store.accepted_rubric("hw1")

    assert accepted is not None
    rubric_hash, content = accepted
    assert rubric_hash == second.content_hash
    assert Rubric.from_dict(content) == second
    assert store.accepted_rubric("hw2") is None


def test_accepting_an_earlier_rubric_again_makes_it_current(store: Store) -> None:
    first, second = _rubric("v1"), _rubric("v2")
    for rubric in (first, second, first):
        store.accept_rubric("hw1", rubric.content_hash, rubric.to_dict(), actor="ann", now=NOW)

    accepted = store.accepted_rubric("hw1")

    assert accepted is not None and accepted[0] == first.content_hash


def test_rubrics_of_different_assignments_are_independent(store: Store) -> None:
    first, second = _rubric("v1"), _rubric("v2")
    store.accept_rubric("hw1", first.content_hash, first.to_dict(), actor="ann", now=NOW)
    store.accept_rubric("hw2", second.content_hash, second.to_dict(), actor="ann", now=NOW)

    assert store.accepted_rubric("hw1") == (first.content_hash, first.to_dict())
    assert store.accepted_rubric("hw2") == (second.content_hash, second.to_dict())


def test_a_hash_that_does_not_match_the_content_is_refused(store: Store) -> None:
    rubric = _rubric("v1")
    changed = replace(rubric, title="edited")

    with pytest.raises(ValueError, match="does not match"):
        store.accept_rubric("hw1", rubric.content_hash, changed.to_dict(), actor="ann", now=NOW)
    assert store.accepted_rubric("hw1") is None


def test_audit_entries_come_back_in_order_with_their_details(store: Store) -> None:
    first = store.audit("backup", {"destination": "/tmp/x.db", "bytes": 12}, actor="ann", now=NOW)
    store.audit(
        "extension granted",
        {"student": "Zoë", "days": 2, "nested": {"ok": [1, 2]}},
        actor="bob",
        now=NOW + timedelta(seconds=1),
    )

    entries = store.audit_entries()

    assert [e.action for e in entries] == ["backup", "extension granted"]
    assert entries[0] == first
    assert entries[1].details == {"student": "Zoë", "days": 2, "nested": {"ok": [1, 2]}}
    assert entries[1].actor == "bob" and entries[1].at == NOW + timedelta(seconds=1)
    assert [e.action for e in store.audit_entries("backup")] == ["backup"]


def test_graders_accepting_one_rubric_at_the_same_moment_all_succeed(store_url: str) -> None:
    """Several processes open a fresh assignment at once: each accepts the same rubric, and
    exactly one snapshot is in force afterwards (PostgreSQL once raised a duplicate key here)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from grader.store import open_store

    rubric, other = _rubric("v1"), _rubric("v2")
    stores = [open_store(store_url) for _ in range(6)]
    barrier = Barrier(len(stores))

    def accept(index: int) -> None:
        chosen = rubric if index % 2 == 0 else other
        barrier.wait()
        stores[index].accept_rubric("hw1", chosen.content_hash, chosen.to_dict(), actor="ann", now=NOW)

    try:
        with ThreadPoolExecutor(len(stores)) as pool:
            for future in [pool.submit(accept, index) for index in range(len(stores))]:
                future.result()
        current = stores[0].accepted_rubric("hw1")
        assert current is not None and current[0] in {rubric.content_hash, other.content_hash}
    finally:
        for opened in stores:
            opened.close()
