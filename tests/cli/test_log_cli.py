"""`grader log` as a script (or a curious instructor) uses it: every change and refused attempt,
oldest first, filtered, as text or JSON lines, never a control character reaching the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run

from grader.gradebook.conflicts import ChoiceConflict
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.history import LogQuery, log_entries
from grader.store import history

A1 = "a1-calculator"


def _grade(capsys: pytest.CaptureFixture[str], course: Path, student: str, *choice: str, actor: str) -> None:
    code, _, err = run(capsys, course, "grade", A1, "--student", student, *choice, actor=actor)
    assert code == 0, err


@pytest.fixture
def graded(course_dir: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Ada grades 00123, Bob changes it, Ada's stale attempt is refused; Ada flags 00124."""
    _grade(capsys, course_dir, "00123", "--criterion", "correctness", "--level", "Developing", actor="Ada")
    with open_course(course_dir, actor="Ada") as ada:
        seen = ada.store.grade(A1, "00123").version
    _grade(capsys, course_dir, "00123", "--criterion", "correctness", "--level", "Proficient", actor="Bob")
    with open_course(course_dir, actor="Ada") as ada, pytest.raises(ChoiceConflict):
        record_choice(
            ada, A1, "00123", "correctness", ChoiceRequest(level="Exemplary"), expected_version=seen
        )
    code, _, err = run(
        capsys, course_dir, "flag", A1, "--student", "00124", "--note", "look again", actor="Ada"
    )
    assert code == 0, err
    return course_dir


def test_each_change_and_refused_attempt_is_a_line_oldest_first(
    graded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, graded, "log")

    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 4
    assert "  Ada  grader  a1-calculator/00123  correctness  – → Developing  rubric " in lines[0]
    assert "  Bob  grader  a1-calculator/00123  correctness  Developing → Proficient  rubric " in lines[1]
    assert "  Ada  grader  a1-calculator/00123  correctness  Proficient → Exemplary  rubric " in lines[2]
    assert lines[2].endswith("REFUSED: the criterion had changed since version 1")
    assert (
        "  Ada  audit  submission flagged  assignment=a1-calculator, note=look again, student_id=00124"
        in lines[3]
    )
    assert all(line[:2] == "20" and line[19] == "Z" for line in lines), "when, in UTC, first"
    rubric = lines[0].split("rubric ")[1].split()[0]
    assert len(rubric) == 12


def test_filters_narrow_the_log(graded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(run(capsys, graded, "log", "--grader", "Bob")[1].splitlines()) == 1
    assert len(run(capsys, graded, "log", "--student", "00124")[1].splitlines()) == 1  # the flag
    assert len(run(capsys, graded, "log", "--student", "00123", "--grades-only")[1].splitlines()) == 3
    assert len(run(capsys, graded, "log", "--assignment", A1, "--since", "2000-01-01")[1].splitlines()) == 4

    code, out, err = run(capsys, graded, "log", "--since", "2999-01-01T00:00:00+02:00")
    assert (code, out, err.strip()) == (0, "", "log: nothing recorded that matches")
    code, out, err = run(capsys, graded, "log", "--student", "99999")
    assert (code, out, err.strip()) == (0, "", "log: nothing recorded (the roster has no student '99999')")


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", "2026-03-02T09:30:00"])
def test_a_bad_since_is_a_usage_error_saying_what_is_expected(
    graded: Path, capsys: pytest.CaptureFixture[str], since: str
) -> None:
    code, out, err = run(capsys, graded, "log", "--since", since)

    assert (code, out) == (2, "")
    assert "Invalid value for --since" in err and "with a UTC offset" in err and repr(since) in err


def test_json_is_one_object_per_line_with_stable_fields(
    graded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, graded, "log", "--json")

    assert code == 0, err
    entries = [json.loads(line) for line in out.splitlines()]
    assert [(e["kind"], e["actor"]) for e in entries] == [
        ("grade", "Ada"),
        ("grade", "Bob"),
        ("grade", "Ada"),
        ("audit", "Ada"),
    ]
    assert set(entries[0]) == {
        "kind", "id", "at", "actor", "source", "assignment", "student_id", "criterion", "old", "new",
        "rubric_hash", "outcome", "version",
    }  # fmt: skip
    assert (entries[2]["old"], entries[2]["new"], entries[2]["outcome"]) == (
        {"level": "Proficient"},
        {"level": "Exemplary"},
        "conflict",
    )
    assert entries[3]["details"] == {"assignment": A1, "student_id": "00124", "note": "look again"}


def test_a_students_or_graders_text_never_reaches_the_terminal_raw(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "ok\x1b[2J\u202eevil\x07"
    _grade(
        capsys,
        course_dir,
        "00123",
        "--criterion",
        "correctness",
        "--level",
        "Missing",
        "--comment",
        hostile,
        actor="Ada\x1b]0;x",
    )

    text = run(capsys, course_dir, "log")[1]
    raw_json = run(capsys, course_dir, "log", "--json")[1]

    for shown in (text, raw_json):
        assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown
    assert "comment: ok␛[2J" in text
    assert json.loads(raw_json.splitlines()[0])["new"]["comment"] == hostile


def test_a_long_log_is_read_in_chunks_in_order(
    course_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "STREAM_ROWS", 2)
    with open_course(course_dir, actor="Ada") as ada:
        for n, level in enumerate(["Missing", "Developing", "Proficient", "Exemplary"] * 2):
            record_choice(ada, A1, ("00123", "00124")[n % 2], "correctness", ChoiceRequest(level=level))
        entries = log_entries(ada, LogQuery(with_audit=False))
        first = next(entries)  # read before the rest is
        listed = [first, *entries]

    assert [e.id for e in listed] == list(range(1, 9))
    assert [getattr(e, "student_id", None) for e in listed] == ["00123", "00124"] * 4
