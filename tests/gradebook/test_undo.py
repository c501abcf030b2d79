"""undo_last: the acting grader's latest choice comes back, as a new grade event, walking back."""

from __future__ import annotations

import pytest

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import EventSource
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.status import submission_statuses
from grader.gradebook.undo import undo_last

A1 = "a1-calculator"


def _level(ctx: CourseContext, student_id: str, level: str) -> None:
    record_choice(ctx, A1, student_id, "correctness", ChoiceRequest(level=level))


def _choice(ctx: CourseContext, student_id: str, criterion_id: str = "correctness") -> CriterionChoice:
    return ctx.store.grade(A1, student_id).choices.get(criterion_id, CriterionChoice())


def test_undo_walks_back_one_choice_at_a_time_then_says_nothing_is_left(ada: CourseContext) -> None:
    _level(ada, "00123", "Proficient")
    record_choice(ada, A1, "00123", "style", ChoiceRequest(items=()))
    _level(ada, "00123", "Exemplary")

    first = undo_last(ada)
    assert first is not None
    assert (first.criterion_id, first.restored, first.replaced, first.version) == (
        "correctness",
        CriterionChoice(level="Proficient"),
        CriterionChoice(level="Exemplary"),
        4,
    )
    assert _choice(ada, "00123") == CriterionChoice(level="Proficient")
    second = undo_last(ada)
    assert second is not None and second.criterion_id == "style"
    assert "style" not in ada.store.grade(A1, "00123").choices
    third = undo_last(ada)
    assert third is not None and third.restored == CriterionChoice()
    assert undo_last(ada) is None

    (row,) = [r for r in submission_statuses(ada, [A1]) if r.student_id == "00123"]
    assert (row.status, row.score, row.version) == ("not pulled", None, 6)
    sources = [e.source for e in ada.store.events(A1, "00123")]
    assert sources == [EventSource.GRADER] * 3 + [EventSource.UNDO] * 3


def test_undo_takes_only_the_acting_graders_choices(ada: CourseContext, bob: CourseContext) -> None:
    _level(ada, "00123", "Proficient")
    _level(bob, "00124", "Missing")

    undone = undo_last(ada)

    assert undone is not None and undone.student_id == "00123"
    assert _choice(ada, "00124") == CriterionChoice(level="Missing")
    assert undo_last(ada) is None


def test_undo_within_an_assignment_or_a_student(ada: CourseContext) -> None:
    _level(ada, "00123", "Proficient")
    _level(ada, "00124", "Developing")

    undone = undo_last(ada, assignment_id=A1, student_id="00123")

    assert undone is not None and undone.student_id == "00123"
    assert _choice(ada, "00124") == CriterionChoice(level="Developing")
    assert undo_last(ada, student_id="00123") is None
    assert undo_last(ada, assignment_id="other") is None


def test_undo_is_refused_naming_who_changed_the_criterion_since(
    ada: CourseContext, bob: CourseContext
) -> None:
    _level(ada, "00123", "Proficient")
    _level(bob, "00123", "Missing")

    with pytest.raises(GraderError, match=r"changed by Bob at .* after your change"):
        undo_last(ada)

    assert _choice(ada, "00123") == CriterionChoice(level="Missing")


def test_another_graders_change_to_another_criterion_does_not_block_undo(
    ada: CourseContext, bob: CourseContext
) -> None:
    _level(ada, "00123", "Proficient")
    record_choice(bob, A1, "00123", "style", ChoiceRequest(items=("Dead code",)))

    undone = undo_last(ada)

    assert undone is not None and undone.version == 3
    assert ada.store.grade(A1, "00123").choices == {"style": CriterionChoice(items=("Dead code",))}


def test_undo_is_refused_when_another_grader_changed_it_even_back_to_the_same_choice(
    ada: CourseContext, bob: CourseContext
) -> None:
    _level(ada, "00123", "Proficient")
    _level(bob, "00123", "Missing")
    _level(bob, "00123", "Proficient")  # Bob's own decision now, though it looks like Ada's

    with pytest.raises(GraderError, match=r"changed by Bob at .* after your change"):
        undo_last(ada)

    assert _choice(ada, "00123") == CriterionChoice(level="Proficient")
    assert ada.store.grade(A1, "00123").version == 3


def test_undo_walks_back_over_ones_own_undone_changes_to_the_same_criterion(ada: CourseContext) -> None:
    _level(ada, "00123", "Developing")
    _level(ada, "00123", "Proficient")
    assert undo_last(ada) is not None
    _level(ada, "00123", "Exemplary")

    assert [undo_last(ada) is not None for _ in range(3)] == [True, True, False]
    assert _choice(ada, "00123") == CriterionChoice()
