"""Rubric edits after grading: refusals are clean, mappings apply once, kinds can change."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run, status_row

from grader.domain.errors import ConflictError
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice

RUBRIC = "rubrics/calculator.yaml"


def grade(capsys, course: Path, student: str, criterion: str, *choice: str) -> None:
    code, _, err = run(
        capsys, course, "grade", "a1-calculator", "--student", student, "--criterion", criterion, *choice
    )
    assert code == 0, err


def criteria_of(capsys, course: Path, student: str) -> dict:
    return status_row(capsys, course, student)["criteria"]


def edit(course: Path, old: str, new: str) -> None:
    path = course / RUBRIC
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_reverting_a_rubric_that_was_graded_under_is_a_clean_refusal(course_dir: Path, capsys) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    original = (course_dir / RUBRIC).read_text()
    edit(
        course_dir,
        "      - {label: Dead code,     points: -3}",
        "      - {label: Dead code,     points: -3}\n      - {label: Typo, points: -1}",
    )
    grade(capsys, course_dir, "00123", "style", "--item", "Typo")
    (course_dir / RUBRIC).write_text(original)
    code, _, err = run(capsys, course_dir, "status", "a1-calculator", "--json")
    assert code == 1
    assert "style: item 'Typo' (used by 1 submission(s))" in err
    assert "internal error" not in err
    events_before = len(open_course_events(course_dir))
    code, _, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00124",
        "--criterion",
        "correctness",
        "--level",
        "Exemplary",
    )
    assert code == 1 and "internal error" not in err
    assert len(open_course_events(course_dir)) == events_before
    code, out, _ = run(capsys, course_dir, "rubric", "diff", "a1-calculator")
    assert "unchanged" not in out
    assert "needs a mapping: style: item 'Typo'" in out
    assert run(capsys, course_dir, "rubric", "apply", "a1-calculator", "--map", "style:Typo=")[0] == 0
    assert criteria_of(capsys, course_dir, "00123")["style"] == {
        "choice": [],
        "points": 20,
        "words": "no item applies",
    }


def open_course_events(course: Path) -> list:
    with open_course(course, actor="t") as ctx:
        return ctx.store.events()


def test_mappings_apply_to_the_original_labels_once(course_dir: Path, capsys) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    grade(capsys, course_dir, "00124", "correctness", "--level", "Developing")
    edit(course_dir, "{label: Proficient, points: 30}", "{label: Good, points: 30}")
    edit(course_dir, "{label: Developing, points: 15}", "{label: Proficient, points: 15}")
    code, _out, err = run(
        capsys,
        course_dir,
        "rubric",
        "apply",
        "a1-calculator",
        "--map",
        "correctness:Developing=Proficient",
        "--map",
        "correctness:Proficient=Good",
    )
    assert code == 0, err
    assert criteria_of(capsys, course_dir, "00123")["correctness"] == {
        "choice": "Good",
        "points": 30,
        "words": "Good (30)",
    }
    assert criteria_of(capsys, course_dir, "00124")["correctness"] == {
        "choice": "Proficient",
        "points": 15,
        "words": "Proficient (15)",
    }


def test_a_criterion_that_changes_kind_needs_its_choices_mapped(course_dir: Path, capsys) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    grade(capsys, course_dir, "00124", "style", "--item", "Dead code")
    edit(
        course_dir,
        """    levels:
      - {label: Exemplary,  points: 40, description: "All operations correct, edge cases included"}
      - {label: Proficient, points: 30}
      - {label: Developing, points: 15}
      - {label: Missing,    points: 0}""",
        "    points: 40",
    )
    edit(
        course_dir,
        """    points: 20
    items:
      - {label: Unclear names, points: -5}
      - {label: No docstrings, points: -5}
      - {label: Dead code,     points: -3}""",
        """    levels:
      - {label: Clean, points: 20}
      - {label: Messy, points: 10}""",
    )
    code, out, _ = run(capsys, course_dir, "rubric", "diff", "a1-calculator")
    assert "needs a mapping: correctness: level 'Proficient' is used by 1 submission(s)" in out
    assert "needs a mapping: style: item 'Dead code' is used by 1 submission(s)" in out
    code, _, err = run(
        capsys, course_dir, "rubric", "apply", "a1-calculator", "--map", "correctness:Proficient=Messy"
    )
    assert (
        code == 1 and "'Messy' is not a choice of 'correctness' (expected one of: points from 0 to 40)" in err
    )
    code, _, err = run(
        capsys,
        course_dir,
        "rubric",
        "apply",
        "a1-calculator",
        "--map",
        "correctness:Proficient=31",
        "--map",
        "style:Dead code=Messy",
    )
    assert code == 0, err
    after = criteria_of(capsys, course_dir, "00123")
    assert after["correctness"] == {"choice": 31, "points": 31, "words": "31 points"}
    assert criteria_of(capsys, course_dir, "00124")["style"] == {
        "choice": "Messy",
        "points": 10,
        "words": "Messy (10)",
    }


def test_a_merge_based_on_a_stale_read_is_refused(course_dir: Path, capsys) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    with open_course(course_dir, actor="alice") as alice:
        seen = alice.store.grade("a1-calculator", "00123").version
        grade(capsys, course_dir, "00123", "correctness", "--level", "Exemplary")
        with pytest.raises(ConflictError, match="Ada"):
            record_choice(
                alice,
                "a1-calculator",
                "00123",
                "correctness",
                ChoiceRequest(comment="nice"),
                expected_version=seen,
            )
    assert criteria_of(capsys, course_dir, "00123")["correctness"] == {
        "choice": "Exemplary",
        "points": 40,
        "words": "Exemplary (40)",
    }


def test_a_zero_adjustment_keeps_the_comment(course_dir: Path, capsys) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    grade(capsys, course_dir, "00123", "correctness", "--adjust", "0", "--comment", "well argued")
    assert criteria_of(capsys, course_dir, "00123")["correctness"] == {
        "choice": "Proficient",
        "points": 30,
        "words": "Proficient (30); comment: well argued",
        "comment": "well argued",
    }


def save_racing_with(course: Path, capsys, monkeypatch, *other: str) -> None:  # type: ignore[no-untyped-def]
    """Alice saves correctness=Exemplary while Ada's `grader grade ... OTHER` lands in between."""
    with open_course(course, actor="alice") as alice:
        original = alice.store.save
        raced: list[int] = []

        def racing(changes, **kwargs):  # type: ignore[no-untyped-def]
            if not raced:
                raced.append(1)
                grade(capsys, course, "00123", *other)
            return original(changes, **kwargs)

        monkeypatch.setattr(alice.store, "save", racing)
        record_choice(alice, "a1-calculator", "00123", "correctness", ChoiceRequest(level="Exemplary"))


def test_a_save_racing_with_another_criterion_goes_through(course_dir: Path, capsys, monkeypatch) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    save_racing_with(course_dir, capsys, monkeypatch, "style", "--no-items")
    criteria = criteria_of(capsys, course_dir, "00123")
    assert criteria["correctness"]["choice"] == "Exemplary"
    assert criteria["style"]["choice"] == []


def test_a_save_racing_with_the_same_criterion_is_refused(course_dir: Path, capsys, monkeypatch) -> None:
    grade(capsys, course_dir, "00123", "correctness", "--level", "Proficient")
    with pytest.raises(ConflictError, match="Ada"):
        save_racing_with(course_dir, capsys, monkeypatch, "correctness", "--level", "Missing")
    assert criteria_of(capsys, course_dir, "00123")["correctness"]["choice"] == "Missing"
