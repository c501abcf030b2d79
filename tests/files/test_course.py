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
        "course.yaml:25 assignments[0].deadline: expected a date and time with a UTC offset, "
        'e.g. 2026-10-01T23:59:00-04:00, got "2026-10-01 23:59"',
        'roster.csv:2 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-x"',
        'rubrics/calculator.yaml:18 criteria[1].points: expected a number, got "twenty"',
    ]
    course_yaml.write_text(text.replace("deadline: 2026-10-01 23:59", "deadline: 2026-10-01T23:59:00-04:00"))
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    assert [str(p) for p in info.value.problems] == [
        "course.yaml:24 assignments[0].repo: unknown placeholder {handle} (expected {course}, {github}, "
        "{student_id})",
        "course.yaml:36 badges[0].requires.assignments[0]: badge 'python-foundations' names unknown assignment 'a9'",
        'roster.csv:2 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-x"',
        'rubrics/calculator.yaml:18 criteria[1].points: expected a number, got "twenty"',
    ]


def test_a_folder_without_course_yaml_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="grader init"):
        load_course(tmp_path)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  did: web:badges.example.edu", "issuer.did: expected did:web: and a domain"),
        ("  did: did:web:Badges.Example.EDU", "issuer.did: expected did:web: and a domain"),
        ("  site: http://badges.example.edu", "issuer.site: expected an https:// address"),
        ("  site: https://badges.example.edu?x=1", "issuer.site: expected an https:// address"),
    ],
)
def test_issuer_settings_are_checked(course_dir: Path, line: str, expected: str) -> None:
    course_yaml = course_dir / "course.yaml"
    text = course_yaml.read_text().replace(
        "  email: badges@example.edu\n", f"  email: badges@example.edu\n{line}\n"
    )
    course_yaml.write_text(text)
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    assert any(expected in str(p) for p in info.value.problems), info.value.problems


def test_the_issuer_site_comes_from_the_did_or_the_url(course_dir: Path) -> None:
    course_yaml = course_dir / "course.yaml"
    plain = load_course(course_dir).course.issuer
    assert (plain.auto_issue, plain.site_url) == (True, "https://example.edu")
    text = course_yaml.read_text().replace(
        "  email: badges@example.edu\n", "  email: badges@example.edu\n  did: did:web:example.edu:cs101\n"
    )
    course_yaml.write_text(text)
    assert load_course(course_dir).course.issuer.site_url == "https://example.edu/cs101"
    course_yaml.write_text(
        text.replace("did: did:web:example.edu:cs101", "site: https://badges.example.edu/")
    )
    assert load_course(course_dir).course.issuer.site_url == "https://badges.example.edu"


def test_auto_issue_must_be_true_or_false(course_dir: Path) -> None:
    course_yaml = course_dir / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("auto_issue: true", "auto_issue: yes"))
    with pytest.raises(ValidationFailed, match=r"issuer.auto_issue: expected true or false"):
        load_course(course_dir)
    course_yaml.write_text(course_yaml.read_text().replace("auto_issue: yes", "auto_issue: false"))
    assert load_course(course_dir).course.issuer.auto_issue is False
