"""rubric_in_force answers as effective_rubric over every grade does, without reading them."""

from __future__ import annotations

import pytest

from grader.domain.choices import CriterionChoice
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import ChoiceChange, EventSource
from grader.files.course import load_course
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.rubrics import effective_rubric, rubric_in_force

A1 = "a1-calculator"


def _grade(ctx: CourseContext, student_id: str, level: str) -> None:
    record_choice(ctx, A1, student_id, "correctness", ChoiceRequest(level=level))


def _edit_rubric(ctx: CourseContext, old: str, new: str) -> None:
    path = ctx.root / "rubrics" / "calculator.yaml"
    path.write_text(path.read_text().replace(old, new))
    ctx.files = load_course(ctx.root)


def _refusal(call: object) -> str:
    with pytest.raises(RubricChangeRefused) as refused:
        call()  # type: ignore[operator]
    return str(refused.value)


def test_same_answer_as_effective_rubric_before_and_after_an_edit(ada: CourseContext) -> None:
    for student_id, level in (("00123", "Proficient"), ("00124", "Proficient"), ("00125", "Missing")):
        _grade(ada, student_id, level)
    record_choice(ada, A1, "00123", "style", ChoiceRequest(items=("Dead code",)))
    assert rubric_in_force(ada, A1) == effective_rubric(ada, A1, ada.store.grades(A1))

    _edit_rubric(ada, "{label: Proficient, points: 30}", "{label: Good, points: 30}")
    _edit_rubric(ada, "{label: Dead code,     points: -3}", "{label: Unused code, points: -3}")

    expected = _refusal(lambda: effective_rubric(ada, A1, ada.store.grades(A1)))
    assert _refusal(lambda: rubric_in_force(ada, A1)) == expected
    assert "level 'Proficient' (used by 2 submission(s))" in expected
    assert "item 'Dead code' (used by 1 submission(s))" in expected


def test_a_stale_choice_saved_after_a_check_is_caught_by_the_next_one(
    ada: CourseContext, bob: CourseContext
) -> None:
    _grade(ada, "00123", "Proficient")
    rubric = rubric_in_force(ada, A1)  # checked in full, now remembered
    # Bob's copy of the rubric still had a level that Ada's file no longer has.
    bob.store.save(
        [ChoiceChange(A1, "00124", "correctness", CriterionChoice(level="Outstanding"))],
        actor="Bob",
        rubric_hash="older",
        source=EventSource.GRADER,
        now=utc_now(),
    )

    assert "level 'Outstanding'" in _refusal(lambda: rubric_in_force(ada, A1))
    assert rubric.content_hash == ada.files.rubric(A1).content_hash


def test_record_choice_refuses_while_the_rubric_is_refused(ada: CourseContext) -> None:
    _grade(ada, "00123", "Proficient")
    _edit_rubric(ada, "{label: Proficient, points: 30}", "{label: Good, points: 30}")

    assert "map each one" in _refusal(lambda: _grade(ada, "00124", "Good"))
    assert ada.store.grade(A1, "00124").version == 0


def test_record_choice_takes_the_rubric_in_force(ada: CourseContext) -> None:
    rubric = rubric_in_force(ada, A1)

    recorded = record_choice(ada, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"), rubric=rubric)

    assert (recorded.version, str(recorded.criterion_points)) == (1, "40")
    (event,) = ada.store.events(A1, "00123")
    assert event.rubric_hash == rubric.content_hash
