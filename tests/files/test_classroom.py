"""GitHub Classroom's tests (autograding.json and the workflow format) into a rubric whose checks run."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from required_tools import needs_tool
from sandboxes import make_course

from grader.domain.autograde import RawRun, RunStatus, score_io, score_run
from grader.domain.checks import Check, CheckKind
from grader.domain.course import ChecksConfig
from grader.domain.errors import GraderError, ValidationFailed
from grader.files.classroom import ClassroomTest, load_classroom, read_classroom
from grader.files.classroom_rubric import PYTEST, REPORT, classroom_rubric, rubric_id, write_rubric
from grader.files.rubric import parse_rubric
from grader.sandbox import policy_for, run_in_sandbox

D = Decimal
CALC = """\
import sys
line = sys.stdin.readline().strip()
if not line:
    sys.exit(2)
print(eval(line, {"__builtins__": {}}))
"""
STUDENT_TESTS = """\
from calc_lib import double
def test_double(): assert double(2) == 4
def test_double_negative(): assert double(-2) == -4
"""
AUTOGRADING = {
    "tests": [
        {
            "name": "Unit tests",
            "setup": "pip install pytest",
            "run": "python -m pytest -q -p no:cacheprovider",
            "input": "",
            "output": "",
            "comparison": "included",
            "timeout": 10,
            "points": 10,
        },
        {"name": "Adds", "setup": "", "run": "python calc.py", "input": "2 + 3", "output": "5", "points": 5},
        {
            "name": "Lines, exactly",
            "setup": "javac *.java",
            "run": "printf 'a  \\r\\nb\\n' | cat",
            "input": "",
            "output": "a\nb",
            "comparison": "exact",
            "timeout": 0.5,
            "points": 2.5,
        },
        {
            "name": "Divides",
            "run": "python calc.py",
            "input": "7 / 2\n",
            "output": "^3\\.5$",
            "comparison": "regex",
            "timeout": 1,
            "points": 2,
        },
        {"name": "Starts", "setup": "npm ci", "run": "python --version", "timeout": 90},
    ]
}
WORKFLOW = """\
name: Autograding Tests
'on': [push, workflow_dispatch, repository_dispatch]
permissions: {checks: write, actions: read, contents: read}
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
    - name: Checkout code
      uses: actions/checkout@v4
    - name: Adds
      id: adds
      uses: classroom-resources/autograding-io-grader@v1
      with:
        test-name: Adds
        setup-command: ''
        command: python calc.py
        input: 2 + 3
        expected-output: '5'
        comparison-method: contains
        timeout: 10
        max-score: 5
    - name: Runs
      id: runs
      uses: classroom-resources/autograding-command-grader@v1
      with:
        test-name: Runs
        setup-command: sudo apt-get install -y make
        command: python -c "import calc_lib"
        timeout: 10
        max-score: 3
    - name: Python tests
      id: python-tests
      uses: classroom-resources/autograding-python-grader@v1
      with:
        timeout: 10
        max-score: 12
        setup-command: pip install pytest
    - name: Autograding Reporter
      uses: classroom-resources/autograding-grading-reporter@v1
      env:
        ADDS_RESULTS: "${{steps.adds.outputs.result}}"
      with:
        runners: adds,runs,python-tests
"""


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, indent=2))
    return path


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A course folder (with secrets in .grader/ the checks must never see)."""
    return make_course(tmp_path / "course")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A student's checkout: a calculator reading stdin, and a test suite with one failing test."""
    root = tmp_path / "checkout"
    (root / "tests").mkdir(parents=True)
    (root / "calc.py").write_text(CALC)
    (root / "calc_lib.py").write_text("def double(n):\n    return abs(n) * 2\n")
    (root / "tests" / "test_calc.py").write_text(STUDENT_TESTS)
    return root


def run_sandboxed(check: Check, checkout: Path, course: Path, stdin: str = "") -> RawRun:
    """The check's arguments run as `grader autograde` runs them: bwrap, grader's own Python."""
    policy = policy_for(course, ChecksConfig())
    collect = [check.report] if check.report else []
    return run_in_sandbox(
        checkout, check.argv(), policy=policy, kind="bwrap", timeout=60, stdin=stdin.encode(), collect=collect
    )


def scored(check: Check, points: Decimal, checkout: Path, course: Path) -> tuple[RunStatus, Decimal | None]:
    if check.kind is CheckKind.IO:
        runs = [(case, run_sandboxed(check, checkout, course, case.input)) for case in check.cases]
        result = score_io(check, points, runs)
    else:
        result = score_run(check, points, run_sandboxed(check, checkout, course))
    assert result.sandbox == "bwrap"
    return result.status, result.points


@needs_tool("bubblewrap")
def test_autograding_json_becomes_one_criterion_per_test_whose_checks_run(
    tmp_path: Path, checkout: Path, course: Path
) -> None:
    source = write_json(tmp_path / "autograding.json", AUTOGRADING)
    imported = classroom_rubric(
        load_classroom(source, "autograding.json"),
        rubric_id="calc",
        title="Calculator",
        source=".github/classroom/autograding.json",
        display="rubrics/calc.yaml",
    )
    assert parse_rubric(imported.text, "rubrics/calc.yaml") == imported.rubric
    criteria = imported.rubric.criteria
    assert [(c.id, c.title, c.points) for c in criteria] == [
        ("unit-tests", "Unit tests", D(10)),
        ("adds", "Adds", D(5)),
        ("lines-exactly", "Lines, exactly", D("2.5")),
        ("divides", "Divides", D(2)),
        ("starts", "Starts", D(0)),
    ]
    checks = [c.check for c in criteria]
    assert all(check is not None for check in checks)
    unit, adds, lines, divides, starts = checks  # type: ignore[misc]
    assert (unit.kind, unit.run, unit.timeout) == (
        CheckKind.RUN,
        "python -m pytest -q -p no:cacheprovider",
        600,
    )
    assert (adds.kind, adds.timeout, adds.cases[0].input, adds.cases[0].comparison) == (
        CheckKind.IO,
        60,
        "2 + 3",
        "included",
    )
    assert lines.run == "sh -c 'printf '\"'\"'a  \\r\\nb\\n'\"'\"' | cat'" and lines.timeout == 30
    assert lines.cases[0].expected == "a\nb" and lines.cases[0].comparison == "exact"
    assert divides.cases[0].comparison == "regex" and starts.kind is CheckKind.RUN and starts.timeout == 3600
    assert (
        criteria[0].description
        == "GitHub Classroom test “Unit tests”; its setup “pip install pytest” is not run"
    )
    assert [(c.id, scored(c.check, c.points, checkout, course)) for c in criteria if c.check] == [
        ("unit-tests", (RunStatus.FAILED, D(0))),  # one of the student's two tests fails
        ("adds", (RunStatus.PASSED, D(5))),
        ("lines-exactly", (RunStatus.PASSED, D("2.5"))),
        ("divides", (RunStatus.PASSED, D(2))),
        ("starts", (RunStatus.PASSED, D(0))),
    ]


def test_the_notes_list_every_setup_never_run_and_what_to_prepare(tmp_path: Path) -> None:
    source = write_json(tmp_path / "autograding.json", AUTOGRADING)
    imported = classroom_rubric(
        load_classroom(source, "a.json"), rubric_id="r", title="R", source="a.json", display="r.yaml"
    )
    notes = imported.notes
    assert (
        "“Unit tests”: setup “pip install pytest” is not run; it installs Python packages, which needs the "
        "network: install them into the environment checks use instead (course.yaml checks: {python: …}; by "
        "default the one grader runs in)"
    ) in notes
    assert any(
        n.startswith("“Lines, exactly”: setup “javac *.java” is not run; it builds the code") for n in notes
    )
    assert any(n.startswith("“Starts”: setup “npm ci” is not run; it installs Node packages") for n in notes)
    assert "“Lines, exactly”: runs through sh -c, as its command uses shell syntax" in notes
    assert "“Starts”: its timeout of 90 minutes became 60 (the most)" in notes
    assert "“Starts”: Classroom gave it no points; set points: to count it" in notes
    assert all(f"# - {note}" in imported.text for note in notes)


@needs_tool("bubblewrap")
def test_the_workflow_format_becomes_a_rubric_whose_checks_run(
    tmp_path: Path, checkout: Path, course: Path
) -> None:
    workflow = tmp_path / "classroom.yml"
    workflow.write_text(WORKFLOW)
    tests = load_classroom(workflow, ".github/workflows/classroom.yml")
    assert [(t.name, t.kind, t.points, t.timeout_minutes) for t in tests] == [
        ("Adds", "io", D(5), D(10)),
        ("Runs", "run", D(3), D(10)),
        ("Python tests", "pytest", D(12), D(10)),
    ]
    assert tests[0].line == 11 and tests[0].where == "jobs.run-autograding-tests.steps[1]"
    imported = classroom_rubric(
        tests, rubric_id="calc", title="Calc", source="classroom.yml", display="r.yaml"
    )
    unit = imported.rubric.criteria[2]
    assert unit.check == Check(PYTEST, 600, CheckKind.JUNIT, report=REPORT)
    assert any(
        "sudo apt-get install -y make" in n and "installs system software" in n for n in imported.notes
    )
    assert [scored(c.check, c.points, checkout, course) for c in imported.rubric.criteria if c.check] == [
        (RunStatus.PASSED, D(5)),
        (RunStatus.PASSED, D(3)),
        (RunStatus.PARTIAL, D(6)),  # junit: one of the two tests passes, as Classroom's Python grader would
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"tests": [}', ["a.json:1 is not valid JSON: Expecting value"]),
        (b'{"tests": [], "tests": []}', ['a.json is not usable JSON: duplicate key "tests"']),
        (b'{"tests": {}}', ["a.json tests: expected a list of Classroom tests, got a mapping"]),
        (b'{"tests": []}', ["a.json tests: lists no tests"]),
        (b'{"tests": [3]}', ["a.json tests[0]: expected a mapping, got 3"]),
        (
            b'{"tests": [{"name": "", "run": ["x"], "points": -1, "timeout": "soon", "comparison": "fuzzy"}]}',
            [
                'a.json tests[0].comparison: expected included, contains, exact or regex, got "fuzzy"',
                "a.json tests[0].name: is required but missing",
                "a.json tests[0].points: expected a number >= 0, got -1",
                "a.json tests[0].run: expected text, got a list",
                'a.json tests[0].timeout: expected a number >= 0, got "soon"',
            ],
        ),
        (b"\xff\xfe{}", ["a.json:1 is not valid UTF-8 (byte 0xFF at column 1); save the file as UTF-8"]),
    ],
)
def test_bad_autograding_json_is_reported_with_where(data: bytes, expected: list[str]) -> None:
    with pytest.raises(ValidationFailed) as info:
        read_classroom(data, "a.json")
    found = [str(p) for p in info.value.problems]
    assert len(found) == len(expected)
    assert all(f.startswith(e) for f, e in zip(found, expected, strict=True)), found


def test_a_regex_python_cannot_use_is_reported_at_the_classroom_test(tmp_path: Path) -> None:
    tests = read_classroom(
        json.dumps(
            {
                "tests": [
                    {"name": "a", "run": "x", "output": "(?<name>x)", "comparison": "regex"},
                    {"name": "b", "run": "x", "output": "(a+)+$", "comparison": "regex"},
                ]
            }
        ).encode(),
        "a.json",
    )
    with pytest.raises(ValidationFailed) as info:
        classroom_rubric(tests, rubric_id="r", title="R", source="a.json", display="r.yaml")
    assert [str(p) for p in info.value.problems] == [
        "a.json tests[0].output: is not a valid regular expression: unknown extension ?<n at position 1 "
        "(Python's re)",
        "a.json tests[1].output: repeats a group that itself repeats, as in (a+)+, which can take "
        "exponential time on hostile output; rewrite it without the nested repetition (Python's re)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "jobs:\n  t:\n    steps:\n    - uses: education/autograding@v1\n",
            "w.yml:1 jobs: holds no GitHub Classroom tests; it runs education/autograding, which reads "
            ".github/classroom/autograding.json: import that file",
        ),
        (
            "name: CI\njobs: {}\n",
            "w.yml:1 jobs: holds no GitHub Classroom tests; expected steps that use "
            "classroom-resources/autograding-io-grader, -command-grader or -python-grader",
        ),
        (
            "jobs:\n  t:\n    steps:\n    - uses: classroom-resources/autograding-command-grader@v1\n"
            "      with: {test-name: a, command: '${{ inputs.cmd }}'}\n",
            "w.yml:5 jobs.t.steps[0].with.command: uses a GitHub Actions expression (${{ … }}), which grader "
            "cannot evaluate",
        ),
        (
            "jobs:\n  t:\n    steps:\n    - uses: classroom-resources/autograding-io-grader@v1\n"
            "      with: {test-name: a, command: x, expected-output: y, comparison-method: near}\n",
            'w.yml:5 jobs.t.steps[0].with.comparison-method: expected included, contains, exact or regex, got "near"',
        ),
        (
            "jobs:\n  t:\n    steps:\n    - uses: classroom-resources/autograding-io-grader@v1\n"
            "      with: {test-name: a, command: x}\n",
            "w.yml:5 jobs.t.steps[0].with.expected-output: is required but missing",
        ),
        ("a: &x 1\n", "w.yml:1 anchors and aliases are not allowed (found &x)"),
    ],
)
def test_bad_workflows_are_reported_with_where(text: str, expected: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        read_classroom(text.encode(), "w.yml")
    assert [str(p) for p in info.value.problems] == [expected]


def test_names_with_controls_stay_inside_comments_and_ids_stay_unique() -> None:
    hostile = ClassroomTest(name="x\n- id: injected\n\x1b[31m", kind="run", run="true", setup="a\nb: c")
    same = [
        hostile,
        ClassroomTest(name="X", kind="run", run="true"),
        ClassroomTest(name="!!!", kind="run", run="true"),
    ]
    imported = classroom_rubric(same, rubric_id="r", title="R", source="a.json", display="r.yaml")
    assert [c.id for c in imported.rubric.criteria] == ["x-id-injected-31m", "x", "test"]
    assert "\n- id: injected" not in imported.text and "\nb: c" not in imported.text
    assert imported.rubric.criteria[0].title == "x␊- id: injected␊␛[31m"


def test_the_rubric_file_is_written_once_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "rubrics" / "new.yaml"
    write_rubric(target, "id: a\n", force=False)
    with pytest.raises(
        GraderError, match=r"new.yaml already exists; nothing was written \(--force replaces it\)"
    ):
        write_rubric(target, "id: b\n", force=False)
    assert target.read_text() == "id: a\n"
    write_rubric(target, "id: c\n", force=True)
    assert target.read_text() == "id: c\n"
    assert (rubric_id(target), rubric_id(Path("Lab 2 (final).yaml")), rubric_id(None)) == (
        "new",
        "lab-2-final",
        "classroom",
    )
