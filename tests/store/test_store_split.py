"""The work split in the store, on both backends: replaced with its audit entry, refused when
changed meanwhile, cleared; and the reads that say what work has started."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange
from grader.domain.split import SplitMode
from grader.store import Store
from grader.store.split import SPLIT_CLEARED, SPLIT_MADE


def put(store: Store, owners: dict[str, str], *, actor: str = "ann", mode: SplitMode = SplitMode.SUBMISSIONS):
    return store.replace_split(
        "a1",
        mode,
        owners,
        based_on=store.work_split("a1"),
        details={"assignment": "a1", "graders": sorted(set(owners.values()))},
        actor=actor,
        now=NOW,
    )


def test_a_split_is_kept_in_order_and_audited(store: Store) -> None:
    assert store.work_split("a1") is None
    entry = put(store, {"s3": "ben", "s1": "ann", "s2": "ben"})
    split = store.work_split("a1")
    assert split is not None
    assert list(split.owners.items()) == [("s3", "ben"), ("s1", "ann"), ("s2", "ben")]
    assert (split.mode, split.assigned_by, split.assigned_at) == (SplitMode.SUBMISSIONS, "ann", NOW)
    assert split.items_of("BEN") == ("s3", "s2")
    assert split.graders == ("ann", "ben")
    assert store.audit_entries(SPLIT_MADE) == [entry]
    assert entry.details == {"assignment": "a1", "graders": ["ann", "ben"]}
    assert store.work_split("a2") is None


def test_a_new_split_replaces_the_old_one_whole(store: Store) -> None:
    put(store, {"s1": "ann", "s2": "ben"})
    put(store, {"correctness": "cat"}, mode=SplitMode.CRITERIA, actor="dan")
    split = store.work_split("a1")
    assert split is not None
    assert (split.mode, split.owners, split.assigned_by) == (
        SplitMode.CRITERIA,
        {"correctness": "cat"},
        "dan",
    )
    assert len(store.audit_entries(SPLIT_MADE)) == 2


def test_a_split_computed_from_one_that_changed_meanwhile_is_refused(store: Store) -> None:
    put(store, {"s1": "ann"})
    seen = store.work_split("a1")
    store.replace_split(
        "a1", SplitMode.SUBMISSIONS, {"s1": "ben"}, based_on=seen, details={}, actor="ben", now=NOW
    )
    with pytest.raises(GraderError, match=r"changed by ben at 2026-03-02 09:30:00 UTC .*nothing was saved"):
        store.replace_split(
            "a1",
            SplitMode.SUBMISSIONS,
            {"s1": "cat"},
            based_on=seen,
            details={},
            actor="cat",
            now=NOW + timedelta(minutes=1),
        )
    split = store.work_split("a1")
    assert split is not None and split.owners == {"s1": "ben"}
    assert len(store.audit_entries(SPLIT_MADE)) == 2  # the refused run left no entry


def test_clearing_removes_the_split_and_says_so_in_the_audit_log(store: Store) -> None:
    assert store.clear_split("a1", actor="ann", now=NOW) is None
    assert store.audit_entries(SPLIT_CLEARED) == []  # nothing happened, nothing to audit
    put(store, {"s1": "ann", "s2": "ben"})
    removed = store.clear_split("a1", actor="cat", now=NOW)
    assert removed is not None and removed.owners == {"s1": "ann", "s2": "ben"}
    assert store.work_split("a1") is None
    (entry,) = store.audit_entries(SPLIT_CLEARED)
    assert (entry.actor, entry.details) == (
        "cat",
        {"assignment": "a1", "mode": "submissions", "graders": ["ann", "ben"], "removed": 2},
    )


def test_what_has_started_is_read_per_student_and_per_criterion(store: Store) -> None:
    level = CriterionChoice(level="Good")
    save(store, [ChoiceChange("a1", "s1", "c1", level), ChoiceChange("a1", "s1", "c2", level)], actor="ann")
    save(store, [ChoiceChange("a1", "s2", "c1", level)], actor="ben")
    save(store, [ChoiceChange("a1", "s3", "c1", CriterionChoice(comment="looked"))], actor="cat")
    save(store, [ChoiceChange("a2", "s1", "c1", level)], actor="dan")
    store.set_excused("a1", "s4", True, "ill", actor="ann", now=NOW)
    assert store.last_graders("a1") == {"s1": "ann", "s2": "ben", "s3": "cat"}
    # A comment alone scores nothing: cat started no criterion.
    assert store.criterion_graders("a1") == {"c1": {"ann": 1, "ben": 1}, "c2": {"ann": 1}}
    assert store.scored_counts("a1") == {"c1": 2, "c2": 1}
    assert store.scored_counts("a1", ["s2", "s9"]) == {"c1": 1}
    assert store.submission_students("a1") == ["s1", "s2", "s3", "s4"]
    assert store.submission_students("a1", excused=True) == ["s4"]
    assert set(store.summary_states("a1")) == {"s1", "s2", "s3", "s4"}


def test_the_database_refuses_an_unknown_mode(store: Store, store_url: str) -> None:
    put(store, {"s1": "ann"})
    engine = create_engine(store_url)
    try:
        with pytest.raises(Exception, match=r"(?i)check"), engine.begin() as connection:
            connection.execute(text("UPDATE grader_split SET mode = 'by-mood'"))
    finally:
        engine.dispose()
