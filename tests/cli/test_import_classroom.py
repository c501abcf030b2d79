"""`grader rubric import-classroom`: from autograding.json to a rubric `grader check` accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run

import grader.cli.classroom_cmds  # noqa: F401  (registers the command on `grader rubric`)
from grader.files.course import load_course
from grader.files.rubric import parse_rubric

AUTOGRADING = {
    "tests": [
        {
            "name": "Unit tests",
            "setup": "pip install pytest",
            "run": "python -m pytest -q",
            "timeout": 5,
            "points": 10,
        },
        {
            "name": "Adds",
            "run": "python calc.py",
            "input": "2 + 3",
            "output": "5",
            "comparison": "included",
            "points": 5,
        },
        {
            "name": "Says hi",
            "run": "echo hi | tr a-z A-Z",
            "output": "HI",
            "comparison": "exact",
            "points": 5,
        },
    ]
}
A2 = """\
  - id: a2-classroom
    title: Classroom lab
    rubric: rubrics/classroom-lab.yaml
    repo: https://github.com/cs101-fall26/a2-{github}
    deadline: 2026-10-15T23:59:00-04:00
"""


@pytest.fixture
def course(course_dir: Path) -> Path:
    """The skeleton course with a second assignment whose rubric file does not exist yet."""
    course_yaml = course_dir / "course.yaml"
    text = course_yaml.read_text()
    course_yaml.write_text(text.replace("badges:\n", A2 + "badges:\n", 1))
    source = course_dir / ".github" / "classroom" / "autograding.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(AUTOGRADING))
    return course_dir


def test_import_for_an_assignment_writes_its_rubric_and_grader_check_accepts_it(
    capsys: pytest.CaptureFixture[str], course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(course)
    code, out, err = run(
        capsys,
        course,
        "rubric",
        "import-classroom",
        ".github/classroom/autograding.json",
        "--assignment",
        "a2-classroom",
    )
    assert code == 0, err
    written = course / "rubrics" / "classroom-lab.yaml"
    assert out == f"wrote {written}: 3 criteria (2 io, 1 run), 20 points\nnext: grader check\n"
    assert err.splitlines() == [
        "note: “Unit tests”: setup “pip install pytest” is not run; it installs Python packages, which needs the "
        "network: install them into the environment checks use instead (course.yaml checks: {python: …}; by "
        "default the one grader runs in)",
        "note: “Says hi”: runs through sh -c, as its command uses shell syntax",
    ]
    code, out, err = run(capsys, course, "check")
    assert code == 0, err
    rubric = load_course(course).rubric("a2-classroom")
    assert (rubric.id, rubric.title, rubric.max_points) == ("classroom-lab", "Classroom lab", 20)
    assert [c.id for c in rubric.criteria] == ["unit-tests", "adds", "says-hi"]


def test_an_existing_rubric_is_kept_unless_forced(capsys: pytest.CaptureFixture[str], course: Path) -> None:
    source = str(course / ".github" / "classroom" / "autograding.json")
    existing = course / "rubrics" / "calculator.yaml"
    before = existing.read_bytes()
    code, out, err = run(
        capsys, course, "rubric", "import-classroom", source, "--assignment", "a1-calculator"
    )
    assert code == 1 and out == ""
    assert err == f"error: {existing} already exists; nothing was written (--force replaces it)\n"
    assert existing.read_bytes() == before
    code, out, err = run(
        capsys, course, "rubric", "import-classroom", source, "--assignment", "a1-calculator", "--force"
    )
    assert code == 0, err
    assert parse_rubric(existing.read_text(), "calculator.yaml").id == "calculator"


def test_without_a_target_the_rubric_goes_to_stdout_and_notes_to_stderr(
    capsys: pytest.CaptureFixture[str], course: Path
) -> None:
    source = str(course / ".github" / "classroom" / "autograding.json")
    code, out, err = run(capsys, course, "rubric", "import-classroom", source)
    assert code == 0, err
    rubric = parse_rubric(out, "stdout.yaml")
    assert (rubric.id, rubric.title, len(rubric.criteria)) == ("classroom", "GitHub Classroom tests", 3)
    assert out.startswith(f"# Imported from {source} by `grader rubric import-classroom`:\n")
    assert err.startswith("note: ")
    assert not (course / "rubrics" / "classroom.yaml").exists()


def test_output_option_names_the_file_and_the_rubric_id(
    capsys: pytest.CaptureFixture[str], course: Path, tmp_path: Path
) -> None:
    source = str(course / ".github" / "classroom" / "autograding.json")
    target = tmp_path / "out" / "Lab 3.yaml"
    code, _, err = run(capsys, course, "rubric", "import-classroom", source, "-o", str(target))
    assert code == 0, err
    assert parse_rubric(target.read_text(), "Lab 3.yaml").id == "lab-3"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--assignment", "a9"],
            "error: course.yaml has no assignment 'a9' (it has: a1-calculator, a2-classroom)\n",
        ),
        (["-o", "{tmp}/x.yaml"], None),
    ],
)
def test_bad_input_is_refused_with_where_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], course: Path, tmp_path: Path, args: list[str], expected: str | None
) -> None:
    source = course / ".github" / "classroom" / "autograding.json"
    if expected is None:
        source.write_text('{"tests": [{"name": "x", "run": "", "points": "many"}]}')
        expected = (
            f'{source} tests[0].points: expected a number >= 0, got "many"\n'
            f"{source} tests[0].run: is required but missing\n"
            "2 problem(s) found; nothing was changed\n"
        )
    code, out, err = run(
        capsys, course, "rubric", "import-classroom", str(source), *[a.format(tmp=tmp_path) for a in args]
    )
    assert (code, out, err) == (1, "", expected)
    assert not (tmp_path / "x.yaml").exists()


def test_a_missing_source_file_says_so(capsys: pytest.CaptureFixture[str], course: Path) -> None:
    code, out, err = run(capsys, course, "rubric", "import-classroom", str(course / "nope.json"))
    assert (code, out) == (1, "")
    assert err.startswith(f"{course / 'nope.json'} does not exist\n")
