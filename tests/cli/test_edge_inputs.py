"""Inputs at the edges: huge numbers, special files, a state folder that is a file."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run


@pytest.mark.parametrize("value", ["1e1000000", "1e5000", "0.123456", "NaN", "Infinity"])
def test_absurd_adjustments_are_usage_errors(course_dir: Path, capsys, value: str) -> None:
    run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00123",
        "--criterion",
        "correctness",
        "--level",
        "Missing",
    )
    code, _, err = run(
        capsys,
        course_dir,
        "grade",
        "a1-calculator",
        "--student",
        "00123",
        "--criterion",
        "correctness",
        "--adjust",
        value,
        "--comment",
        "x",
    )
    assert code == 2
    assert "expected" in err and "internal error" not in err
    assert run(capsys, course_dir, "status", "--json")[0] == 0


@pytest.mark.parametrize("points", ["1" + "0" * 5000, "1e5000", "1e1000000"])
def test_absurd_rubric_numbers_are_reported_by_check(course_dir: Path, capsys, points: str) -> None:
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("points: 20\n    items", f"points: {points}\n    items"))
    code, _, err = run(capsys, course_dir, "check")
    assert code == 1
    assert err.startswith(
        "rubrics/calculator.yaml:18 criteria[1].points: expected a number from -1,000,000 to"
    )


def test_a_checklist_without_points_is_refused(course_dir: Path, capsys) -> None:
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("    points: 20\n    items", "    items"))
    code, _, err = run(capsys, course_dir, "check")
    assert code == 1
    assert (
        err.splitlines()[0]
        == "rubrics/calculator.yaml:15 criteria[1]: a criterion with items needs points (its maximum)"
    )


def test_a_rubric_that_is_a_device_is_refused(course_dir: Path, capsys) -> None:
    course = course_dir / "course.yaml"
    course.write_text(course.read_text().replace("rubric: rubrics/calculator.yaml", "rubric: /dev/zero"))
    code, _, err = run(capsys, course_dir, "check")
    assert (code, err.splitlines()[0]) == (1, "/dev/zero is not a regular file (a device or a pipe?)")


def test_every_file_is_checked_even_when_course_yaml_is_invalid(course_dir: Path, capsys) -> None:
    course = course_dir / "course.yaml"
    course.write_text(course.read_text().replace("python-basics: 80%", "python-basics: 180%"))
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("points: 20\n    items", "pionts: 20\n    items"))
    (course_dir / "roster.csv").write_text("student_id,name,email,github\n1,,bad,ann\n")
    code, _, err = run(capsys, course_dir, "check")
    assert code == 1
    files = [line.split(":")[0] for line in err.splitlines()[:-1]]
    assert files == [
        "course.yaml",
        "roster.csv",
        "roster.csv",
        "rubrics/calculator.yaml",
        "rubrics/calculator.yaml",
    ]


def test_a_state_folder_that_is_a_file_is_explained(course_dir: Path, capsys) -> None:
    (course_dir / ".grader").write_text("oops")
    code, _, err = run(capsys, course_dir, "status")
    assert code == 1
    assert "must be a folder" in err and "internal error" not in err
