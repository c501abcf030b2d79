"""`grader export grades` for an LMS never clears a grade by accident (issue 11, point 9).

The demo's a1-calculator has an autograded criterion ("tests") that nothing runs here: a student
graded on every manual criterion is not final until a grader gives it points. A blank cell in a
Canvas or Moodle import clears the grade the LMS holds, so such grades are left out and listed;
only --clear-missing writes them as blanks, and says how many grades that clears.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import time
from pathlib import Path

import pytest
from cli_helpers import run

from grader.cli.main import main
from grader.demo import build_demo_course
from grader.exports.lms_checks import check_canvas
from grader.exports.moodle_checks import check_moodle

A1, A2, A3 = "a1-calculator", "a2-webpage", "a3-dataanalysis"
A1_MANUAL = (
    ("correctness", "--level", "Proficient"),
    ("cli", "--level", "Exemplary"),
    ("code-quality", "--item", "Dead code"),
    ("readme", "--level", "Complete"),
    ("git-practice", "--item", "Descriptive messages"),
)
A2_FULL = (
    ("semantic-html", "--level", "Exemplary"),
    ("layout", "--level", "Proficient"),
    ("accessibility", "--no-items"),
    ("page-checks", "--points", "15"),
    ("going-further", "--no-items"),
    ("readme", "--level", "Complete"),
)


def quiet(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


def grade(root: Path, assignment: str, student: str, *choice: str) -> None:
    args = ("--course", str(root), "--as", "Ada", "grade", assignment, "--student", student, "--criterion")
    code, _ = quiet(*args, *choice)
    assert code == 0, (assignment, student, choice)


@pytest.fixture(scope="module")
def pending_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, pulled: four students graded on every manual a1 criterion (tests pending), and
    the first and third of them fully graded on a2."""
    root = tmp_path_factory.mktemp("not-final") / "course"
    for _ in build_demo_course(root, students=10, seed=3):
        pass
    assert quiet("--course", str(root), "pull", "--jobs", "4")[0] == 0
    for student in graded_students(root):
        for choice in A1_MANUAL:
            grade(root, A1, student, *choice)
    for student in graded_students(root)[::2]:
        for choice in A2_FULL:
            grade(root, A2, student, *choice)
    return root


def graded_students(root: Path) -> list[str]:
    """The first four students pulled on both a1 and a2."""
    pulled: list[set[str]] = []
    for assignment in (A1, A2):
        _, out = quiet("--course", str(root), "status", assignment, "--json")
        pulled.append({r["student_id"] for r in json.loads(out) if r["status"] != "missing"})
    roster = [r["student_id"] for r in csv.DictReader((root / "roster.csv").open(encoding="utf-8"))]
    chosen = [sid for sid in roster if sid in pulled[0] & pulled[1]][:4]
    assert len(chosen) == 4
    return chosen


@pytest.fixture
def course(pending_demo: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pending_demo, tmp_path / "course", symlinks=True))


def roster(root: Path) -> dict[str, dict[str, str]]:
    return {r["student_id"]: r for r in csv.DictReader((root / "roster.csv").open(encoding="utf-8"))}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a1_with_its_autograded_criterion_pending_writes_no_canvas_file_and_says_why(
    pending_demo: Path, tmp_path: Path, capsys
) -> None:
    target = tmp_path / "canvas.csv"
    code, out, err = run(
        capsys, pending_demo, "export", "grades", "--format", "canvas", "--assignment", A1, "-o", str(target)
    )
    assert code == 1 and out == ""
    assert not target.exists()
    people = roster(pending_demo)
    for sid in graded_students(pending_demo):
        assert f"left out {sid} {people[sid]['name']}, {A1}: autograde pending\n" in err
    assert f"left out {A1} whole: none of its grades can be written (" in err
    assert "4 autograde pending" in err
    assert "nothing to write: none of these grades can be written for Canvas" in err
    assert "Traceback" not in err


def test_only_the_students_given_points_for_the_autograded_criterion_are_in_the_file(
    course: Path, tmp_path: Path, capsys
) -> None:
    first, second, third, fourth = graded_students(course)
    grade(course, A1, first, "tests", "--points", "18")
    grade(course, A1, second, "tests", "--points", "0")  # zero is a score
    target = tmp_path / "canvas.csv"
    code, out, err = run(
        capsys, course, "export", "grades", "--format", "canvas", "--assignment", A1, "-o", str(target)
    )
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    rows = rows_of(text)
    people = roster(course)
    assert rows[0][5:] == ["Command-line calculator (482101)"]
    assert [row[1] for row in rows[2:]] == [people[first]["canvas_id"], people[second]["canvas_id"]]
    assert all(row[5] for row in rows[2:]), "no blank grade"
    assert check_canvas(text, str(target)) == []
    for sid in (third, fourth):
        assert f"left out {sid} {people[sid]['name']}, {A1}: autograde pending" in err
    assert f"wrote 2 student row(s) to {target} (canvas)" in err
    assert "importing this file clears no grade in Canvas; grader export grades --clear-missing writes" in err

    code, out, err = run(
        capsys, course, "export", "grades", "--format", "canvas", "--assignment", A1, "--clear-missing"
    )
    assert code == 0, err
    rows = rows_of(out)
    assert len(rows) == 2 + len(people)
    blanks = [row for row in rows[2:] if row[5] == ""]
    assert len(blanks) == len(people) - 2
    assert (
        f"--clear-missing: {len(blanks)} blank cell(s) in this file clear the grade Canvas holds ({A1}: {len(blanks)})"
        in err
    )
    assert "left out" not in err

    code, out, err = run(
        capsys,
        course,
        "export",
        "grades",
        "--format",
        "canvas",
        "--assignment",
        A1,
        "--clear-missing",
        "--against",
        str(target),
    )
    assert code == 0, err
    assert "Canvas would change 0 grade(s) (0 cleared):" in out, (
        "blank where Canvas has nothing clears nothing"
    )
    assert "--clear-missing: 8 blank cell(s)" in err and "dry run: nothing was written" in err


def test_moodle_leaves_out_what_is_not_final_and_excused_and_clears_only_when_asked(
    course: Path, capsys
) -> None:
    first, second, third, _ = graded_students(course)
    grade(course, A1, first, "tests", "--points", "18")
    assert run(capsys, course, "excuse", A1, "--student", second, "--reason", "medical note")[0] == 0
    people = roster(course)
    code, out, err = run(capsys, course, "export", "grades", "--format", "moodle", "--assignment", A1)
    assert code == 0, err
    rows = rows_of(out)
    assert rows[0] == [
        "ID number",
        "Assignment: Command-line calculator (Real)",
        "Assignment: Command-line calculator (Feedback)",
    ]
    assert [row[0] for row in rows[1:]] == [people[first]["moodle_idnumber"]]
    assert rows[1][1] == "86" and rows[1][2].startswith("Correct results: Proficient (28/35)")
    assert f"left out {third} {people[third]['name']}, {A1}: autograde pending" in err
    assert (
        f"left out {second} {people[second]['name']}, {A1}: excused: Moodle's grade import has no excused value"
        in err
    )
    assert "importing this file clears no grade in Moodle" in err
    assert check_moodle(out, "moodle.csv", now=int(time.time())) == []

    code, out, err = run(
        capsys, course, "export", "grades", "--format", "moodle", "--assignment", A1, "--clear-missing"
    )
    assert code == 0, err
    rows = rows_of(out)
    assert len(rows) == 1 + len(people)
    cleared = [row for row in rows[1:] if row[1:] == ["", ""]]
    assert len(cleared) == len(people) - 1, "grade and feedback blank together"
    assert f"--clear-missing: {len(cleared)} blank cell(s) in this file clear the grade Moodle holds" in err


def test_several_assignments_leave_out_columns_with_nothing_final_and_rows_with_a_gap(
    course: Path, capsys
) -> None:
    first, second, third, _ = graded_students(course)
    grade(course, A1, first, "tests", "--points", "18")
    grade(course, A1, second, "tests", "--points", "20")
    people = roster(course)
    code, out, err = run(capsys, course, "export", "grades", "--format", "canvas")
    assert code == 0, err
    rows = rows_of(out)
    assert rows[0][5:] == ["Command-line calculator (482101)", "Personal web page (482102)"]
    assert [row[1] for row in rows[2:]] == [people[first]["canvas_id"]], "the only row final in both"
    assert all(cell for cell in rows[2][5:])
    assert f"left out {A3} whole: none of its grades can be written" in err
    assert (
        f"left out {second} {people[second]['name']}, {A1}: final, but its row has a grade that cannot be "
        f"written: {A2}" in err
    )
    assert (
        f"left out {third} {people[third]['name']}, {A2}: final, but its row has a grade that cannot be written: {A1}"
        in err
    )
    assert (
        "left out 2 final grade(s) whose row has a grade that cannot be written: export each assignment alone"
        in err
    )
    code, out, err = run(capsys, course, "export", "grades", "--format", "canvas", "--assignment", A2)
    assert code == 0, err
    assert {row[1] for row in rows_of(out)[2:]} == {people[first]["canvas_id"], people[third]["canvas_id"]}


@pytest.mark.parametrize(
    ("fmt", "why"),
    [
        ("moodle-worksheet", "Moodle skips a blank grade in a worksheet, so it cannot clear one"),
        ("wide", "long and wide files keep every grade, blank where it is not final"),
    ],
)
def test_clear_missing_applies_only_where_a_blank_clears(
    pending_demo: Path, capsys, fmt: str, why: str
) -> None:
    code, out, err = run(capsys, pending_demo, "export", "grades", "--format", fmt, "--clear-missing")
    assert code == 2 and out == ""
    assert f"--clear-missing applies to --format canvas or moodle, not {fmt}: {why}" in err


def test_wide_keeps_blanks_and_says_why_each_is_not_final(pending_demo: Path, capsys) -> None:
    code, out, err = run(capsys, pending_demo, "export", "grades", "--format", "wide")
    assert code == 0, err
    rows = rows_of(out)
    header = rows[0]
    assert header[5:] == ["not_final", A1, A2, A3]
    first = graded_students(pending_demo)[0]
    row = dict(zip(header, next(r for r in rows if r[0] == first), strict=True))
    assert row[A1] == "" and row[A2] != ""
    assert row["not_final"].startswith(f"{A1}: autograde pending; {A3}: ")
    assert "grade(s) are not final: blank, and the not_final column says why" in err
