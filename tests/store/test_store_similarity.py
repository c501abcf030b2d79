"""The store's part of similar submissions, on both backends: cached pairs found by their key,
runs remembered with their pairs, verdicts append-only (the database refuses UPDATE, DELETE and
INSERT OR REPLACE) with the latest in force and each in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from grader.domain.similarity import VERDICT_RECORDED
from grader.domain.similarity_pairs import Fragment, PairScore
from grader.domain.similarity_records import PairKey, Verdict
from grader.store import Store

NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)
KEY = PairKey("a1", "00123", "00124", "c1", "c2", "s:x:y")
SCORE = PairScore(
    "00123", "00124", Decimal("0.9"), Decimal("0.75"), (Fragment("a.py", 3, 20, "b.py", 5, 22, 9),)
)


def test_pairs_are_cached_by_key_and_runs_keep_their_pairs(store: Store) -> None:
    assert store.latest_similarity_run("a1") is None
    first = store.save_similarity_run("a1", [(KEY, SCORE, "")], [], {"k": 12}, actor="Ada", now=NOW)
    cached = store.cached_pairs("a1", ["s:x:y", "other"])
    assert list(cached) == [KEY] and cached[KEY].score == SCORE
    again = store.save_similarity_run("a1", [], [cached[KEY].id], {"k": 12}, actor="Bob", now=NOW)
    assert (again.compared, again.reused, again.pair_ids) == (0, 1, first.pair_ids)
    latest = store.latest_similarity_run("a1")
    assert latest is not None and latest[0].actor == "Bob" and [p.score for p in latest[1]] == [SCORE]
    assert store.cached_pairs("a2", ["s:x:y"]) == {}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE similarity_verdict SET verdict = 'dismissed'",
        "DELETE FROM similarity_verdict",
    ],
)
def test_verdicts_are_append_only_and_audited(store: Store, statement: str) -> None:
    for verdict in ("to discuss", "confirmed"):
        store.record_similarity_verdict(
            Verdict("a1", "00123", "00124", verdict, "why", "Ada", NOW), {"verdict": verdict}
        )
    assert store.similarity_verdicts("a1")[("00123", "00124")].verdict == "confirmed"
    assert [e.details["verdict"] for e in store.audit_entries(VERDICT_RECORDED)] == [
        "to discuss",
        "confirmed",
    ]
    with pytest.raises(DBAPIError, match="append-only"), store._writing() as session:
        session.execute(text(statement))
    if store.dialect == "sqlite":
        with pytest.raises(DBAPIError, match="append-only"), store._writing() as session:
            session.execute(
                text(
                    "INSERT OR REPLACE INTO similarity_verdict (id, at, actor, assignment_id, student_a, "
                    "student_b, verdict, note) VALUES (1, 'x', 'x', 'a1', '00123', '00124', 'dismissed', '')"
                )
            )
    assert store.similarity_verdicts("a1")[("00123", "00124")].verdict == "confirmed"
