from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from grader.domain.errors import GraderError, ValidationFailed
from grader.domain.rubric import CriterionKind
from grader.files.course import load_course
from grader.files.skeleton import write_skeleton


def test_the_skeleton_is_a_valid_course(course_dir: Path) -> None:
    files = load_course(course_dir)
    assignment = files.course.assignments[0]
    assert assignment.deadline.utcoffset() == timedelta(hours=-4)
    assert assignment.late.penalty_per_day == Decimal("0.1")
    assert assignment.late.max_days == 3
    rubric = files.rubric(assignment.id)
    assert [c.kind for c in rubric.criteria] == [
        CriterionKind.LEVELS,
        CriterionKind.CHECKLIST,
        CriterionKind.AUTOGRADED,
    ]
    assert rubric.max_points == 80
    assert files.course.badges[0].skill_thresholds == {
        "python-basics": Decimal("0.8"),
        "testing": Decimal("0.7"),
    }
    assert len(files.students) == 5


def test_init_never_overwrites(course_dir: Path) -> None:
    with pytest.raises(GraderError, match="already exists"):
        write_skeleton(course_dir)


def test_problems_from_every_file_are_reported_together(course_dir: Path) -> None:
    course_yaml = course_dir / "course.yaml"
    text = course_yaml.read_text()
    text = text.replace("deadline: 2026-10-01T23:59:00-04:00", "deadline: 2026-10-01 23:59")
    text = text.replace("{github}", "{handle}")
    text = text.replace("assignments: [a1-calculator]", "assignments: [a9]")
    course_yaml.write_text(text)
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("points: 20\n    items", "points: twenty\n    items"))
    (course_dir / "roster.csv").write_text("student_id,name,email,github\n1,Ann,a@x.edu,-x\n")
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    assert [str(p) for p in info.value.problems] == [
        "course.yaml:23 assignments[0].deadline: expected a date and time with a UTC offset, "
        'e.g. 2026-10-01T23:59:00-04:00, got "2026-10-01 23:59"',
        'roster.csv:2 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-x"',
        'rubrics/calculator.yaml:18 criteria[1].points: expected a number, got "twenty"',
    ]
    course_yaml.write_text(text.replace("deadline: 2026-10-01 23:59", "deadline: 2026-10-01T23:59:00-04:00"))
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    assert [str(p) for p in info.value.problems] == [
        "course.yaml:22 assignments[0].repo: unknown placeholder {handle} (expected {course}, {github}, "
        "{student_id})",
        "course.yaml:34 badges[0].requires.assignments[0]: badge 'python-foundations' names unknown assignment 'a9'",
        'roster.csv:2 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-x"',
        'rubrics/calculator.yaml:18 criteria[1].points: expected a number, got "twenty"',
    ]


def test_a_folder_without_course_yaml_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="grader init"):
        load_course(tmp_path)
