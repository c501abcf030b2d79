"""A small course whose students' repositories are real local git repositories holding real
Python projects and tests, pulled (real checkouts), for the autograde tests; and its fixtures
(a plugin of tests/conftest.py): the course pulled, and autograded, once per session, copied for
each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from course_folder import copy_course, write_course_folder

from grader.domain.progress import Progress
from grader.git.env import run_git
from grader.git.fabricate import CommitSpec, Person, Push, fabricate, push
from grader.gradebook.autograde import AutogradeRecorded, autograde
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.pull import pull

STUDENTS = {"00123": "zoe-a", "00124": "giorgosp", "00125": "anna-iv", "00126": "m-ali", "00127": "zhangwei"}
"""The roster of tests/course_folder.py: student id → GitHub handle."""
DEADLINE = datetime.fromisoformat("2099-10-01T23:59:00-04:00")
"""Far ahead: every pull grades the head."""
ANN = Person("Ann", "ann@example.edu")

RUBRIC = """\
id: calculator
title: Calculator project
skills:
  python-basics: Python fundamentals
  testing: Automated testing
criteria:
  - id: correctness
    title: Correct results
    skills: [python-basics]
    levels:
      - {label: Exemplary, points: 40}
      - {label: Proficient, points: 30}
      - {label: Missing, points: 0}
  - id: tests
    title: Test suite passes
    skills: [testing]
    points: 20
    check: {run: python -m pytest -q -p no:cacheprovider --disable-plugin-autoload, timeout: TIMEOUT}
  - id: unit
    title: Unit tests
    skills: [testing]
    points: 30
    check:
      junit: python -m pytest -q -p no:cacheprovider --disable-plugin-autoload --junitxml=.grader-report.xml
      report: .grader-report.xml
      timeout: TIMEOUT
"""

CALC = "def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n"
TESTS = """\
from calc import add, div


def test_add():
    assert add(2, 3) == 5


def test_div():
    assert div(7, 2) == 3.5


def test_div_by_one():
    assert div(4, 1) == 4
"""
GOOD = {"calc.py": CALC, "test_calc.py": TESTS}
PARTIAL = {"calc.py": CALC.replace("return a / b", "return a // b"), "test_calc.py": TESTS}
"""test_div fails: 2 of 3 tests pass."""
HANGS = {"calc.py": CALC, "test_calc.py": TESTS + "\n\ndef test_forever():\n    while True:\n        pass\n"}


def write_course(
    course_dir: Path, projects: Mapping[str, Mapping[str, str]], *, timeout: int = 20, tag: str = ""
) -> Path:
    """The test course with ``RUBRIC`` and, per student id in ``projects``, a local repository
    holding those files, committed a day before the deadline. Nothing pulled yet.

    ``tag`` goes into both check commands (as ``-p no:TAG``, which pytest accepts and ignores),
    so a test can find its own checks among every process on the machine."""
    course = course_dir / "course.yaml"
    text = course.read_text()
    text = text.replace("https://github.com/cs101-fall26/a1-calculator-{github}", "remotes/{github}.git")
    text = text.replace("allow_local: false", "allow_local: true")
    text = text.replace("deadline: 2026-10-01T23:59:00-04:00", f"deadline: {DEADLINE.isoformat()}")
    course.write_text(text)
    rubric = RUBRIC.replace("TIMEOUT", str(timeout))
    if tag:
        rubric = rubric.replace("-p no:cacheprovider", f"-p no:cacheprovider -p no:{tag}")
    (course_dir / "rubrics" / "calculator.yaml").write_text(rubric)
    for student_id, files in projects.items():
        push_files(course_dir, student_id, files, DEADLINE - timedelta(days=1))
    return course_dir


def push_files(course_dir: Path, student_id: str, files: Mapping[str, str], at: datetime) -> None:
    """Push a commit holding ``files`` to the student's repository (created when new)."""
    repo = course_dir / "remotes" / f"{STUDENTS[student_id]}.git"
    spec = CommitSpec(f"work at {at:%H:%M}", ANN, at, dict(files))
    if repo.exists():
        head = run_git([f"--git-dir={repo}", "rev-parse", "main"], timeout=30).stdout.decode().strip()
        push(repo, [spec], onto=head)
    else:
        fabricate(repo, [Push((spec,))])


def pull_all(course_dir: Path, database_url: str | None = None) -> None:
    with open_course(course_dir, actor="Ada", database_url=database_url) as ctx:
        for _ in pull(ctx):
            pass


def run_autograde(ctx: CourseContext, **options: object) -> list[AutogradeRecorded]:
    """Every result of one autograde run (progress left out)."""
    steps: Iterator[Progress | AutogradeRecorded] = autograde(ctx, **options)  # type: ignore[arg-type]
    return [step for step in steps if isinstance(step, AutogradeRecorded)]


def by_key(results: Sequence[AutogradeRecorded]) -> dict[tuple[str, str], AutogradeRecorded]:
    return {(r.student_id, r.criterion_id): r for r in results}


@dataclass(frozen=True)
class Autograded:
    """A course after one autograde run, and what that run recorded."""

    root: Path
    results: tuple[AutogradeRecorded, ...]


@pytest.fixture(scope="session")
def calculator_pulled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``GOOD`` pushed for 00123 and ``PARTIAL`` for 00124, pulled; built once per session and
    never changed (``pulled_course`` copies it for each test)."""
    root = write_course_folder(tmp_path_factory.mktemp("calculator-pulled") / "course")
    write_course(root, {"00123": GOOD, "00124": PARTIAL})
    pull_all(root)
    return root


@pytest.fixture(scope="session")
def calculator_autograded(calculator_pulled: Path, tmp_path_factory: pytest.TempPathFactory) -> Autograded:
    """The pulled course autograded once by Ada (every check really ran in the sandbox: none was
    cached) and never changed after (``autograded_course`` copies it for each test)."""
    root = copy_course(calculator_pulled, tmp_path_factory.mktemp("calculator-autograded") / "course")
    with open_course(root, actor="Ada") as ctx:
        results = tuple(run_autograde(ctx))
    assert len(results) == 4 and not any(r.cached for r in results)
    return Autograded(root, results)


@pytest.fixture
def pulled_course(calculator_pulled: Path, tmp_path: Path) -> Path:
    """A private copy of the pulled course: nothing autograded yet."""
    return copy_course(calculator_pulled, tmp_path / "calculator")


@pytest.fixture
def autograded_course(calculator_autograded: Autograded, tmp_path: Path) -> Path:
    """A private copy of the course autograded once (00123 passed, 00124 partial)."""
    return copy_course(calculator_autograded.root, tmp_path / "calculator")
