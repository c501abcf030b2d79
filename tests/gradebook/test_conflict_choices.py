"""record_choice and keep_mine between two graders: only a change to the same criterion since a
grader saw it is a conflict; mine is what that grader asked for on what they saw; keeping it
saves it over theirs, and every attempt is in the log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome
from grader.gradebook.conflicts import ChoiceConflict
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, keep_mine, record_choice

A1 = "a1-calculator"


def _outcomes(ctx: CourseContext) -> list[tuple[str, str, str | None, EventOutcome]]:
    return [(e.actor, e.criterion_id, e.new.level, e.outcome) for e in ctx.store.events(A1, "00123")]


def test_graders_on_different_criteria_of_one_submission_both_save(
    ada: CourseContext, bob: CourseContext
) -> None:
    seen = ada.store.grade(A1, "00123").version
    record_choice(bob, A1, "00123", "style", ChoiceRequest(items=("Dead code",)), expected_version=seen)

    recorded = record_choice(
        ada, A1, "00123", "correctness", ChoiceRequest(level="Proficient"), expected_version=seen
    )

    assert recorded.version == 2
    assert ada.store.grade(A1, "00123").choices == {
        "style": CriterionChoice(items=("Dead code",)),
        "correctness": CriterionChoice(level="Proficient"),
    }


def test_a_change_to_the_same_criterion_is_refused_with_mine_and_theirs(
    ada: CourseContext, bob: CourseContext
) -> None:
    record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Developing", comment="edge cases"))
    seen = ada.store.grade(A1, "00123").version
    record_choice(bob, A1, "00123", "correctness", ChoiceRequest(level="Proficient", comment="fine"))

    with pytest.raises(ChoiceConflict) as refused:
        record_choice(
            ada, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"), expected_version=seen
        )

    conflict = refused.value.seen
    # Mine: Ada's request on the choice as *she* saw it (her comment, not Bob's).
    assert conflict.mine == CriterionChoice(level="Exemplary", comment="edge cases")
    assert conflict.theirs == CriterionChoice(level="Proficient", comment="fine")
    assert (conflict.mine_by, conflict.theirs_by, conflict.version) == ("Ada", "Bob", 2)
    assert (conflict.mine_points, conflict.theirs_points) == (Decimal(40), Decimal(30))
    assert "00123's correctness in a1-calculator was changed by Bob" in str(refused.value)
    assert "now Proficient; comment: fine" in str(refused.value)
    assert ada.store.grade(A1, "00123").choices["correctness"] == conflict.theirs

    kept = keep_mine(ada, conflict)

    assert (kept.choice, kept.version, kept.criterion_points) == (conflict.mine, 3, Decimal(40))
    assert ada.store.grade(A1, "00123").choices["correctness"] == conflict.mine
    assert _outcomes(ada) == [
        ("Ada", "correctness", "Developing", EventOutcome.APPLIED),
        ("Bob", "correctness", "Proficient", EventOutcome.APPLIED),
        ("Ada", "correctness", "Exemplary", EventOutcome.CONFLICT),
        ("Ada", "correctness", "Exemplary", EventOutcome.APPLIED),
    ]


def test_keeping_mine_after_theirs_changed_again_asks_again(ada: CourseContext, bob: CourseContext) -> None:
    record_choice(bob, A1, "00123", "correctness", ChoiceRequest(level="Proficient"))
    with pytest.raises(ChoiceConflict) as refused:
        record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"), expected_version=0)
    record_choice(bob, A1, "00123", "correctness", ChoiceRequest(level="Missing"))

    with pytest.raises(ChoiceConflict) as again:
        keep_mine(ada, refused.value.seen)

    assert again.value.seen.theirs == CriterionChoice(level="Missing")
    assert again.value.seen.mine == CriterionChoice(level="Exemplary")
    assert ada.store.grade(A1, "00123").choices["correctness"] == CriterionChoice(level="Missing")
    assert [e.outcome for e in ada.store.events(A1, "00123")].count(EventOutcome.CONFLICT) == 2


def test_a_one_shot_choice_goes_over_a_change_to_another_criterion(
    ada: CourseContext, bob: CourseContext
) -> None:
    """The CLI's grade names no version: it is based on what it just read, as before."""
    record_choice(bob, A1, "00123", "style", ChoiceRequest(items=()))

    recorded = record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Missing"))

    assert recorded.version == 2
    assert {e.outcome for e in ada.store.events(A1, "00123")} == {EventOutcome.APPLIED}


def _bob_saves_first(ada: CourseContext, bob: CourseContext, criterion_id: str, *levels: str) -> None:
    """Bob's choices land between ada's reading the grade and her save (once)."""
    save = ada.store.save

    def bob_then_ada(*args: object, **kwargs: object) -> object:
        ada.store.save = save  # type: ignore[method-assign]
        for level in levels:
            record_choice(bob, A1, "00123", criterion_id, ChoiceRequest(level=level))
        return save(*args, **kwargs)  # type: ignore[arg-type]

    ada.store.save = bob_then_ada  # type: ignore[method-assign]


def test_a_one_shot_choice_raced_by_a_change_undone_is_saved_on_the_newer_version(
    ada: CourseContext, bob: CourseContext
) -> None:
    """The criterion moved on but holds the choice the merge started from again: saved."""
    record_choice(bob, A1, "00123", "correctness", ChoiceRequest(level="Proficient"))
    _bob_saves_first(ada, bob, "correctness", "Exemplary", "Proficient")

    recorded = record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Missing"))

    assert recorded.version == 4
    assert ada.store.grade(A1, "00123").choices["correctness"] == CriterionChoice(level="Missing")
    assert [(actor, level, outcome) for actor, _, level, outcome in _outcomes(ada)] == [
        ("Bob", "Proficient", EventOutcome.APPLIED),
        ("Bob", "Exemplary", EventOutcome.APPLIED),
        ("Bob", "Proficient", EventOutcome.APPLIED),
        ("Ada", "Missing", EventOutcome.CONFLICT),
        ("Ada", "Missing", EventOutcome.APPLIED),
    ]


def test_a_one_shot_choice_raced_on_its_own_criterion_is_refused(
    ada: CourseContext, bob: CourseContext
) -> None:
    _bob_saves_first(ada, bob, "correctness", "Proficient")

    with pytest.raises(ChoiceConflict) as refused:
        record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Missing"))

    assert refused.value.seen.theirs == CriterionChoice(level="Proficient")
    assert refused.value.seen.mine == CriterionChoice(level="Missing")
    assert ada.store.grade(A1, "00123").choices["correctness"] == CriterionChoice(level="Proficient")
