"""Flags, excused submissions, the choices in use, and the undo bookkeeping, on each backend."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session
from store_helpers import NOW, save

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError
from grader.domain.events import ChoiceChange, EventOutcome, EventSource
from grader.store import Store, open_store
from grader.store.codec import timestamp
from grader.store.engine import make_engine
from grader.store.saving import Stamp, apply_changes

GOOD = CriterionChoice(level="Good")
POOR = CriterionChoice(level="Poor")


def test_a_flag_and_an_excuse_read_back_without_bumping_the_version(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])

    store.set_flag("hw1", "s1", "look at line 3 [b]x[/b]", actor="bob", now=NOW)
    store.set_excused("hw1", "s1", True, "medical", actor="bob", now=NOW)

    grade = store.grade("hw1", "s1")
    assert (grade.version, grade.flag_note, grade.excused, grade.updated_by) == (
        1,
        "look at line 3 [b]x[/b]",
        True,
        "ann",
    )
    assert grade.choices == {"c1": GOOD}
    assert store.grades("hw1")["s1"].flag_note == "look at line 3 [b]x[/b]"
    assert store.grades_of("hw1", ["s1"])["s1"].excused is True


def test_flagging_a_never_graded_submission_creates_it_at_version_zero(store: Store) -> None:
    store.set_flag("hw1", "s9", "plagiarism?", actor="bob", now=NOW)

    grade = store.grade("hw1", "s9")
    assert (grade.version, grade.choices, grade.flag_note, grade.excused) == (0, {}, "plagiarism?", False)
    # A save naming version 0 still goes through: the flag did not move the version on.
    save(store, [ChoiceChange("hw1", "s9", "c1", GOOD, expected_version=0)])
    assert store.grade("hw1", "s9").version == 1


def test_clearing_and_withdrawing_are_audited_with_who_and_why(store: Store) -> None:
    store.set_flag("hw1", "s1", "odd commit", actor="bob", now=NOW)
    store.set_flag("hw1", "s1", "", actor="cy", now=NOW + timedelta(minutes=1))
    store.set_excused("hw1", "s1", True, "family emergency", actor="bob", now=NOW)
    store.set_excused("hw1", "s1", False, "came back", actor="cy", now=NOW)

    grade = store.grade("hw1", "s1")
    assert (grade.flag_note, grade.excused) == ("", False)
    entries = [(e.action, e.actor, e.details) for e in store.audit_entries()]
    assert entries == [
        ("submission flagged", "bob", {"assignment": "hw1", "student_id": "s1", "note": "odd commit"}),
        ("submission flag cleared", "cy", {"assignment": "hw1", "student_id": "s1", "note": ""}),
        (
            "submission excused",
            "bob",
            {"assignment": "hw1", "student_id": "s1", "reason": "family emergency"},
        ),
        (
            "submission excuse withdrawn",
            "cy",
            {"assignment": "hw1", "student_id": "s1", "reason": "came back"},
        ),
    ]


def test_choices_in_use_are_distinct_per_criterion_with_counts(store: Store) -> None:
    save(
        store,
        [
            ChoiceChange("hw1", "s1", "c1", GOOD),
            ChoiceChange("hw1", "s2", "c1", CriterionChoice(level="Good", comment="nice")),
            ChoiceChange("hw1", "s3", "c1", POOR),
            ChoiceChange("hw1", "s1", "c2", CriterionChoice(items=("a", "b"))),
            ChoiceChange("hw1", "s2", "c2", CriterionChoice(items=())),
            ChoiceChange("hw1", "s3", "c3", CriterionChoice(points=Decimal("2.5"))),
            ChoiceChange("hw2", "s1", "c1", CriterionChoice(level="Other")),
        ],
    )

    in_use = sorted(store.choices_in_use("hw1"), key=repr)

    assert in_use == sorted(
        [
            ("c1", GOOD, 2),  # comments do not make a choice distinct
            ("c1", POOR, 1),
            ("c2", CriterionChoice(items=("a", "b")), 1),
            ("c2", CriterionChoice(items=()), 1),
            ("c3", CriterionChoice(points=Decimal("2.5")), 1),
        ],
        key=repr,
    )


def test_choices_since_reads_only_newer_applied_events_of_the_assignment(sqlite_store: Store) -> None:
    store = sqlite_store  # on PostgreSQL it always answers None (see the test below)
    assert store.last_event_id() == 0
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])
    mark = store.last_event_id()
    save(store, [ChoiceChange("hw2", "s1", "c1", POOR), ChoiceChange("hw1", "s2", "c1", POOR)])
    with pytest.raises(ConflictError):
        save(store, [ChoiceChange("hw1", "s1", "c1", POOR, expected_version=0)])

    since = store.choices_since("hw1", mark)

    assert since is not None
    assert since[1] == [("c1", POOR)]
    assert since[0] == mark + 2  # the refused attempt is not a choice in use
    assert store.choices_since("hw1", mark, limit=1) is None


def test_undo_bookkeeping_walks_back_over_undone_events(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)], actor="ann")
    save(store, [ChoiceChange("hw1", "s1", "c1", POOR)], actor="ann")
    save(store, [ChoiceChange("hw1", "s2", "c1", POOR)], actor="bob")

    latest = store.last_undoable("ann")
    assert latest is not None and (latest.old, latest.new) == (GOOD, POOR)
    back = ChoiceChange("hw1", "s1", "c1", latest.old, expected_version=2)
    assert store.save_undo(back, latest, actor="ann", rubric_hash="h", now=NOW) == 3

    earlier = store.last_undoable("ann")
    assert earlier is not None and (earlier.old, earlier.new) == (CriterionChoice(), GOOD)
    assert store.last_undoable("ann", student_id="s2") is None
    bob = store.last_undoable("bob", assignment_id="hw1")
    assert bob is not None and bob.student_id == "s2"
    undo_event = store.events("hw1", "s1")[-1]
    assert (undo_event.source, undo_event.outcome, undo_event.new) == (
        EventSource.UNDO,
        EventOutcome.APPLIED,
        GOOD,
    )
    (mark,) = store.audit_entries("grade undone")
    assert mark.details["event_id"] == latest.id
    assert mark.details["version"] == 3


def test_a_stale_undo_is_refused_and_leaves_the_event_undoable(store: Store) -> None:
    save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)], actor="ann")
    event = store.last_undoable("ann")
    assert event is not None
    save(store, [ChoiceChange("hw1", "s1", "c1", POOR)], actor="bob")  # the same criterion

    with pytest.raises(ConflictError):
        store.save_undo(
            ChoiceChange("hw1", "s1", "c1", event.old, expected_version=1),
            event,
            actor="ann",
            rubric_hash="h",
            now=NOW,
        )

    assert store.audit_entries("grade undone") == []
    assert store.last_undoable("ann") == event
    assert store.grade("hw1", "s1").choices["c1"] == POOR


def test_choices_since_never_vouches_for_events_a_slower_writer_commits_later(postgres_url: str) -> None:
    """PostgreSQL numbers an event when it is inserted, not when it commits: an event with a lower
    id can become visible after a mark was taken past it, so the events since a mark are unknown
    there (None: check every choice in use). SQLite's writers commit in id order."""
    engine = make_engine(postgres_url)
    with open_store(postgres_url) as store:
        save(store, [ChoiceChange("hw1", "s1", "c1", GOOD)])
        try:
            with Session(engine) as slow, slow.begin():
                stamp = Stamp("bob", timestamp(NOW), "older rubric", EventSource.GRADER)
                apply_changes(slow, [ChoiceChange("hw1", "s2", "c1", POOR)], stamp)  # takes an id
                save(store, [ChoiceChange("hw1", "s3", "c1", GOOD)])  # a higher id, committed first
                mark = store.last_event_id()
                assert store.choices_since("hw1", 0) in (None, (mark, [("c1", GOOD), ("c1", GOOD)]))
            since = store.choices_since("hw1", mark)  # bob's event is committed now, below the mark
        finally:
            engine.dispose()

        assert store.grade("hw1", "s2").choices["c1"] == POOR
        assert since is None


def test_a_rubric_check_is_replaced_by_the_next_one_per_assignment(store: Store) -> None:
    assert store.rubric_check("hw1") is None
    store.record_rubric_check("hw1", "hash-a", 3, checked_at=NOW)
    store.record_rubric_check("hw2", "hash-b", 4, checked_at=NOW)
    later = NOW + timedelta(hours=1)

    store.record_rubric_check("hw1", "hash-c", 7, checked_at=later)

    assert store.rubric_check("hw1") == ("hash-c", 7, later)
    assert store.rubric_check("hw2") == ("hash-b", 4, NOW)
    assert store.events_in_commit_order is (store.dialect == "sqlite")
