"""rubric_in_force answers as effective_rubric over every grade does, without reading them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from grader.domain.choices import CriterionChoice
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import ChoiceChange, EventSource
from grader.files.course import load_course
from grader.gradebook.context import CourseContext, open_course, utc_now
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.rubrics import RECHECK_AFTER, effective_rubric, rubric_in_force
from grader.store import Store

A1 = "a1-calculator"


@pytest.fixture
def grouped_queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The assignments whose choices in use were read in full (the grouped query), in order."""
    calls: list[str] = []
    real = Store.choices_in_use

    def counting(store: Store, assignment_id: str) -> object:
        calls.append(assignment_id)
        return real(store, assignment_id)

    monkeypatch.setattr(Store, "choices_in_use", counting)
    return calls


@contextmanager
def _fresh(root: Path) -> Iterator[CourseContext]:
    """The course as a new process opens it: its own Store, nothing remembered in memory."""
    with open_course(root, actor="Cy") as ctx:
        yield ctx


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


def test_a_new_process_checks_only_the_events_saved_since_the_recorded_check(
    ada: CourseContext, grouped_queries: list[str]
) -> None:
    _grade(ada, "00123", "Proficient")
    rubric = rubric_in_force(ada, A1)
    assert grouped_queries == [A1]
    _grade(ada, "00124", "Exemplary")  # saved after the check: read as an event by the next process

    with _fresh(ada.root) as cy:
        assert rubric_in_force(cy, A1) == rubric
        assert rubric_in_force(cy, A1) == rubric

    assert grouped_queries == [A1]


def test_a_stale_choice_saved_after_the_recorded_check_is_refused_by_a_new_process(
    ada: CourseContext, grouped_queries: list[str]
) -> None:
    _grade(ada, "00123", "Proficient")
    rubric_in_force(ada, A1)
    ada.store.save(
        [ChoiceChange(A1, "00124", "correctness", CriterionChoice(level="Outstanding"))],
        actor="Bob",
        rubric_hash="older",
        source=EventSource.GRADER,
        now=utc_now(),
    )

    with _fresh(ada.root) as cy:
        assert "level 'Outstanding' (used by 1 submission(s))" in _refusal(lambda: rubric_in_force(cy, A1))
        assert "level 'Outstanding'" in _refusal(lambda: rubric_in_force(cy, A1))


def test_a_changed_rubric_file_is_checked_in_full_by_a_new_process(
    ada: CourseContext, grouped_queries: list[str]
) -> None:
    _grade(ada, "00123", "Proficient")
    rubric_in_force(ada, A1)
    _edit_rubric(ada, "{label: Proficient, points: 30}", "{label: Good, points: 30}")

    with _fresh(ada.root) as cy:
        assert "level 'Proficient'" in _refusal(lambda: rubric_in_force(cy, A1))

    assert grouped_queries == [A1, A1]


def test_a_recorded_check_older_than_the_recheck_age_is_redone_in_full(
    ada: CourseContext, grouped_queries: list[str]
) -> None:
    _grade(ada, "00123", "Proficient")
    rubric = rubric_in_force(ada, A1)
    old = utc_now() - RECHECK_AFTER - timedelta(minutes=1)
    ada.store.record_rubric_check(A1, rubric.content_hash, ada.store.last_event_id(), checked_at=old)

    with _fresh(ada.root) as cy:
        assert rubric_in_force(cy, A1) == rubric
        recorded = cy.store.rubric_check(A1)

    assert grouped_queries == [A1, A1]
    assert recorded is not None and recorded[2] > old
