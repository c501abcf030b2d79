"""Stale saves (a change to the same criterion since the grader saw it) are refused and logged;
a batch is saved all or nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from store_helpers import NOW, save

from grader.domain.autograde import CheckResult, RunStatus
from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError
from grader.domain.events import AutogradeRun, ChoiceChange, EventOutcome, EventSource
from grader.store import Store, open_store


def test_a_stale_save_names_who_changed_the_criterion_when_and_to_what(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="ann")
    seen = store.grade("hw1", "s1")
    later = NOW + timedelta(minutes=3)
    save(
        store,
        [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B", comment="tidy"), seen.version)],
        actor="bob",
        now=later,
    )

    with pytest.raises(ConflictError) as refused:
        save(
            store,
            [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), seen.version)],
            actor="ann",
        )

    message = str(refused.value)
    assert "s1's c1 in hw1 was changed by bob at 2026-03-02 09:33:00 UTC" in message
    assert "now B; comment: tidy" in message
    assert "you had version 1, it is now version 2" in message and "reload" in message.lower()
    assert refused.value.changed_by == "bob"
    assert refused.value.version == 2
    assert refused.value.changed_at.startswith("2026-03-02T09:33")
    assert store.grade("hw1", "s1").choices["c1"] == CriterionChoice(level="B", comment="tidy")


def test_changes_to_different_criteria_of_one_submission_both_succeed(store_url: str) -> None:
    with open_store(store_url) as ann, open_store(store_url) as bob:
        save(ann, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="setup")
        seen_by_ann, seen_by_bob = ann.grade("hw1", "s1"), bob.grade("hw1", "s1")

        save(
            bob,
            [ChoiceChange("hw1", "s1", "c2", CriterionChoice(level="B"), seen_by_bob.version)],
            actor="bob",
        )
        save(
            ann,
            [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), seen_by_ann.version)],
            actor="ann",
        )

        grade = ann.grade("hw1", "s1")
        assert grade.choices == {"c1": CriterionChoice(level="C"), "c2": CriterionChoice(level="B")}
        assert grade.version == 3
        assert [e.outcome for e in ann.events("hw1", "s1")] == [EventOutcome.APPLIED] * 3


def test_a_change_to_another_criterion_does_not_hide_one_to_this_criterion(store: Store) -> None:
    """Ann saw version 1; Bob changed c1 (version 2); Ann's own c2 made version 3: her c1 save,
    still based on what she saw of c1, is refused however far the version moved on."""
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="setup")
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"), 1)], actor="bob")
    save(store, [ChoiceChange("hw1", "s1", "c2", CriterionChoice(level="X"), 1)], actor="ann")

    with pytest.raises(ConflictError, match="changed by bob"):
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), 1)], actor="ann")
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), 2)], actor="ann")

    assert store.grade("hw1", "s1").choices["c1"] == CriterionChoice(level="C")


def test_an_autograde_run_on_the_criterion_is_no_conflict(store: Store) -> None:
    """Runs are a layer of their own: one landing meanwhile never makes a grader's override stale."""
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="setup")
    seen = store.grade("hw1", "s1")
    found = CheckResult(
        status=RunStatus.PASSED,
        points=Decimal(20),
        max_points=Decimal(20),
        exit_code=0,
        duration_s=0.1,
        reason="passed",
        sandbox="bwrap",
    )
    store.record_autograde(
        [AutogradeRun("hw1", "s1", "tests", "c0ffee", "digest", found, "rubric-hash")], actor="auto", now=NOW
    )
    save(store, [ChoiceChange("hw1", "s1", "c2", CriterionChoice(level="B"), seen.version)], actor="bob")

    save(store, [ChoiceChange("hw1", "s1", "tests", CriterionChoice(points=Decimal(5)), seen.version)])

    assert store.grade("hw1", "s1").choices["tests"] == CriterionChoice(points=Decimal(5))
    assert [e.source for e in store.events("hw1", "s1")].count(EventSource.AUTOGRADER) == 1


def test_an_undo_by_someone_else_is_a_change_of_the_criterion(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="bob")
    seen = store.grade("hw1", "s1")
    save(
        store,
        [ChoiceChange("hw1", "s1", "c1", CriterionChoice(), seen.version)],
        actor="bob",
        source=EventSource.UNDO,
    )

    with pytest.raises(ConflictError, match="changed by bob"):
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), seen.version)])


def test_the_refused_attempt_is_kept_as_a_conflict_event(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="ann")
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"), 1)], actor="bob")

    with pytest.raises(ConflictError):
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="C"), 1)], actor="cy")

    refused = store.events()[-1]
    assert refused.outcome is EventOutcome.CONFLICT
    assert (refused.actor, refused.new, refused.old, refused.version) == (
        "cy",
        CriterionChoice(level="C"),
        CriterionChoice(level="B"),
        1,
    )
    assert store.grade("hw1", "s1").version == 2
    assert store.replay("hw1") == {"s1": {"c1": CriterionChoice(level="B")}}


def test_a_save_naming_the_current_version_goes_through(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"), 0)])
    versions = save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"), 1)])

    assert versions == {("hw1", "s1"): 2}


def test_a_save_without_an_expected_version_overwrites(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"))], actor="ann")
    save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"))], actor="bob")

    assert store.grade("hw1", "s1").choices["c1"] == CriterionChoice(level="B")


def test_expecting_a_version_of_a_never_saved_grade_conflicts(store: Store) -> None:
    with pytest.raises(ConflictError, match="version 0"):
        save(store, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"), 4)])

    assert store.grade("hw1", "s1").choices == {}
    assert [e.outcome for e in store.events()] == [EventOutcome.CONFLICT]


def test_one_stale_change_refuses_the_whole_batch(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="A"))])
    save(store, [ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="B"))], actor="bob")
    events_before = store.events()

    batch = [
        ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"), 0),
        ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="C"), 1),  # stale
        ChoiceChange("hw1", "s3", "c1", CriterionChoice(level="A")),
    ]
    with pytest.raises(ConflictError, match="batch of 3"):
        save(store, batch)

    grades = store.grades("hw1")
    assert set(grades) == {"s2"}
    assert grades["s2"].choices["c1"] == CriterionChoice(level="B")
    new_events = store.events()[len(events_before) :]
    assert [(e.student_id, e.outcome) for e in new_events] == [("s2", EventOutcome.CONFLICT)]


def test_a_batch_that_fails_midway_leaves_nothing_behind(store: Store) -> None:
    batch = [
        ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A")),
        ChoiceChange("hw1", "s2", "c1", CriterionChoice(points=Decimal("NaN"))),
    ]

    with pytest.raises(ValueError, match="finite"):
        save(store, batch)

    assert store.grades("hw1") == {}
    assert store.events() == []


def test_two_changes_to_one_submission_in_a_batch_make_one_version(store: Store) -> None:
    versions = save(
        store,
        [
            ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"), 0),
            ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"), 0),
            ChoiceChange("hw1", "s1", "c2", CriterionChoice(comment="hi"), 0),
        ],
    )

    assert versions == {("hw1", "s1"): 1}
    events = store.events()
    assert [(e.old.level, e.new.level) for e in events[:2]] == [(None, "A"), ("A", "B")]
    assert {e.version for e in events} == {1}
    assert store.grade("hw1", "s1").choices == {
        "c1": CriterionChoice(level="B"),
        "c2": CriterionChoice(comment="hi"),
    }


def test_two_stores_on_one_database_see_each_others_saves(store_url: str) -> None:
    with open_store(store_url) as ann, open_store(store_url) as bob:
        seen_by_ann = ann.grade("hw1", "s1")
        save(bob, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="B"), 0)], actor="bob")

        with pytest.raises(ConflictError, match="bob"):
            save(ann, [ChoiceChange("hw1", "s1", "c1", CriterionChoice(level="A"), seen_by_ann.version)])

        assert ann.grade("hw1", "s1").choices["c1"] == CriterionChoice(level="B")
