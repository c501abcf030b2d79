"""`grader export grades` on the real demo course, after pulling and grading through the CLI."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
import time
from pathlib import Path

import pytest
from cli_helpers import run

from grader.cli.main import main
from grader.demo import build_demo_course
from grader.exports.formats import WORKSHEET_HEADER
from grader.exports.lms_checks import check_canvas
from grader.exports.moodle_checks import check_moodle, check_worksheet

A1 = "a1-calculator"
FULL_A1 = (
    ("correctness", "--level", "Proficient"),
    ("cli", "--level", "Exemplary"),
    ("tests", "--points", "18"),
    ("code-quality", "--item", "Dead code"),
    ("readme", "--level", "Complete"),
    ("git-practice", "--item", "Descriptive messages"),
)


def quiet(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(args))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def graded_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo course, pulled, with canvas ids for a1 and a2 and four students graded on a1."""
    root = tmp_path_factory.mktemp("export") / "course"
    for _ in build_demo_course(root, students=10, seed=3):
        pass
    yaml = (root / "course.yaml").read_text(encoding="utf-8")
    yaml = yaml.replace("canvas_id: 482101", "canvas_id: 111").replace("canvas_id: 482102", "canvas_id: 222")
    yaml = yaml.replace("    canvas_id: 482103   # the assignment's id in Canvas\n", "")
    (root / "course.yaml").write_text(yaml, encoding="utf-8")
    assert quiet("--course", str(root), "pull", "--jobs", "4")[0] == 0
    _, out = quiet("--course", str(root), "status", A1, "--json")
    pulled = [r["student_id"] for r in json.loads(out) if r["status"] == "pulled"]
    for sid in pulled[:3]:
        for criterion, *choice in FULL_A1:
            args = (
                "--course",
                str(root),
                "--as",
                "Ada",
                "grade",
                A1,
                "--student",
                sid,
                "--criterion",
                criterion,
            )
            assert quiet(*args, *choice)[0] == 0
    partial = ("--course", str(root), "grade", A1, "--student", pulled[3], "--criterion", "correctness")
    assert quiet(*partial, "--level", "Developing", "--comment", "=see me")[0] == 0
    return root


@pytest.fixture
def course(graded_demo: Path, tmp_path: Path) -> Path:
    """A private copy, for tests that change files or grades."""
    return Path(shutil.copytree(graded_demo, tmp_path / "course", symlinks=True))


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def status(capsys, course: Path, assignment: str = A1) -> dict[str, dict]:
    code, out, err = run(capsys, course, "status", assignment, "--json")
    assert code == 0, err
    return {r["student_id"]: r for r in json.loads(out)}


def test_wide_scores_are_the_status_scores_once_final(graded_demo: Path, capsys) -> None:
    code, out, err = run(capsys, graded_demo, "export", "grades", "--format", "wide", "--criteria")
    assert code == 0, err
    rows = rows_of(out)
    header = rows[0]
    assert header[:7] == ["student_id", "name", "email", "github", "section", "not_final", A1]
    statuses = status(capsys, graded_demo)
    finals = 0
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        expected = statuses[cells["student_id"]]
        final = expected["final"]
        assert cells[A1] == (str(expected["score"]) if final else ""), cells
        assert (f"{A1}: " in cells["not_final"]) is not final, cells
        finals += final
        for criterion, value in expected["criteria"].items():
            assert cells[f"{A1}:{criterion}"] == ("" if value["points"] is None else str(value["points"]))
    assert finals == 3
    assert "wrote 10 student row(s) to stdout (wide)" in err
    assert "grade(s) are not final: blank, and the not_final column says why" in err


def test_canvas_export_uses_roster_ids_and_passes_the_importer_check(graded_demo: Path, capsys) -> None:
    code, out, err = run(capsys, graded_demo, "export", "grades", "--format", "canvas", "--assignment", A1)
    assert code == 0, err
    rows = rows_of(out)
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Command-line calculator (111)",
    ]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "100"
    roster = {r["canvas_id"]: r for r in csv.DictReader((graded_demo / "roster.csv").open(encoding="utf-8"))}
    finals = {sid for sid, row in status(capsys, graded_demo).items() if row["final"]}
    assert len(finals) == 3
    assert {roster[r[1]]["student_id"] for r in rows[2:]} == finals, "only final grades"
    for row in rows[2:]:
        person = roster[row[1]]
        fields = ("name", "canvas_id", "sis_user_id", "sis_login_id", "section")
        assert row[:5] == [person[f] for f in fields]
    assert check_canvas(out, "canvas.csv") == []
    assert "importing this file clears no grade in Canvas" in err


def test_canvas_needs_an_id_per_assignment_or_titles_on_request(graded_demo: Path, capsys) -> None:
    code, out, err = run(capsys, graded_demo, "export", "grades", "--format", "canvas")
    assert code == 1 and out == ""
    assert "course.yaml gives none for: a3-dataanalysis" in err
    assert "canvas_id: 123456" in err and "--canvas-titles" in err
    titles = ("--format", "canvas", "--canvas-titles", "--clear-missing")  # every column, even blank
    code, out, err = run(capsys, graded_demo, "export", "grades", *titles)
    assert code == 0, err
    assert rows_of(out)[0][5:] == [
        "Command-line calculator (111)",
        "Personal web page (222)",
        "Weather data analysis",
    ]


def test_students_without_lms_ids_are_listed_or_skipped_on_request(course: Path, capsys) -> None:
    roster = course / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("canvas_id")] = ""
    cells[header.index("moodle_idnumber")] = ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    lines[1] = buffer.getvalue()
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sid, name = cells[0], cells[1]
    code, _, err = run(capsys, course, "export", "grades", "--format", "canvas", "--assignment", A1)
    assert code == 1
    assert f"1 student(s) cannot be matched in canvas:\n  {sid} {name}: no canvas_id" in err
    assert "--skip-unmatched" in err
    code, out, err = run(capsys, course, "export", "grades", "--format", "moodle", "--skip-unmatched")
    assert code == 0, err
    assert f"left out {sid} {name}: no moodle_idnumber" in err
    finals = {s for s, row in status(capsys, course).items() if row["final"] and s != sid}
    assert {row[0] for row in rows_of(out)[1:]} == finals
    assert check_moodle(out, "moodle.csv", now=int(time.time())) == []


def test_moodle_file_pairs_grades_with_feedback(graded_demo: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "moodle.csv"
    args = ("--format", "moodle", "--moodle-key", "email", "--last-downloaded", "now", "-o", str(target))
    code, out, err = run(capsys, graded_demo, "export", "grades", *args)
    assert code == 0, err
    assert out == ""
    text = target.read_text(encoding="utf-8")
    rows = rows_of(text)
    assert rows[0][:3] == [
        "Email address",
        "Assignment: Command-line calculator (Real)",
        "Assignment: Command-line calculator (Feedback)",
    ]
    assert rows[0][-1] == "Last downloaded from this course"
    graded = [r for r in rows[1:] if r[1]]
    assert len(graded) == 3
    assert all(
        r[2].startswith("Correct results: Proficient (28/35) | Command-line interface: Exemplary")
        for r in graded
    )
    assert check_moodle(text, str(target), now=int(time.time())) == []


def test_moodle_worksheet_takes_participant_numbers_from_the_downloaded_worksheet(
    graded_demo: Path, tmp_path: Path, capsys
) -> None:
    people = list(csv.DictReader((graded_demo / "roster.csv").open(encoding="utf-8")))
    worksheet = tmp_path / "worksheet.csv"
    with worksheet.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(WORKSHEET_HEADER)
        for n, person in enumerate(people):
            identity = [f"Participant {7000 + n}", person["name"], person["email"].upper()]
            writer.writerow(
                [*identity, "Submitted for grading", "", "100.00", "Yes", "Mon, 3 March 2025", "-", ""]
            )
    args = ("export", "grades", "--format", "moodle-worksheet")
    code, _, err = run(capsys, graded_demo, *args, "--worksheet", str(worksheet))
    assert code == 1 and "a Moodle grading worksheet holds one assignment: add --assignment ID" in err
    code, _, err = run(capsys, graded_demo, *args, "--assignment", A1)
    assert code == 1 and "pass it with --worksheet FILE" in err
    code, out, err = run(capsys, graded_demo, *args, "--assignment", A1, "--worksheet", str(worksheet))
    assert code == 0, err
    rows = rows_of(out)
    assert len(rows) == 4, "only final grades"
    by_email = {p["email"]: n for n, p in enumerate(people)}
    for row in rows[1:]:
        assert row[0] == f"Participant {7000 + by_email[row[2]]}"
        assert row[8] == "-" and row[5] == "100.00"
    assert check_worksheet(out, "ws.csv") == []


def test_against_lists_what_the_lms_would_change_and_writes_nothing(course: Path, capsys) -> None:
    previous = course / "canvas-before.csv"
    code, _, err = run(
        capsys, course, "export", "grades", "--format", "canvas", "--assignment", A1, "-o", str(previous)
    )
    assert code == 0, err
    before = previous.read_bytes()
    sid, old = next(
        (s, r["score"]) for s, r in status(capsys, course).items() if r["status"] == "graded" and r["score"]
    )
    code, _, err = run(
        capsys, course, "grade", A1, "--student", sid, "--criterion", "readme", "--level", "Missing"
    )
    assert code == 0, err
    new = status(capsys, course)[sid]["score"]
    assert new < old
    files = sorted(p.name for p in course.iterdir())
    args = ("--format", "canvas", "--assignment", A1, "--against", str(previous))
    code, out, err = run(capsys, course, "export", "grades", *args)
    assert code == 0, err
    assert "Canvas would change 1 grade(s) (0 cleared):" in out
    change = next(line for line in out.splitlines() if line.startswith("  "))
    assert change.endswith(f"  Command-line calculator (111): {old:g} → {new:g}")
    assert "unchanged: 2 grade(s)" in out, "the other two final grades; what is not final is left out"
    assert "dry run: nothing was written" in err
    assert previous.read_bytes() == before
    assert sorted(p.name for p in course.iterdir()) == files


def test_a_refused_rubric_edit_stops_the_export(course: Path, capsys) -> None:
    rubric = course / "rubrics" / "calculator.yaml"
    rubric.write_text(
        rubric.read_text(encoding="utf-8").replace("label: Proficient", "label: Solid"), encoding="utf-8"
    )
    code, out, err = run(capsys, course, "export", "grades")
    assert code == 1 and out == ""
    assert "no longer has choices that grades use" in err and "grader rubric apply a1-calculator" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--format", "canvas", "--criteria"), "--criteria applies to --format wide, not canvas"),
        (("--format", "wide", "--worksheet", "x.csv"), "--worksheet applies to --format moodle-worksheet"),
        (("--against", "a.csv", "-o", "b.csv"), "--against is a dry run that writes nothing; leave out -o"),
        (
            (
                "--format",
                "xlsx",
            ),
            "'xlsx' is not one of",
        ),
        (("--format", "moodle", "--last-downloaded", "yesterday"), "expected 'now' or a Unix time"),
    ],
)
def test_usage_errors_exit_2(graded_demo: Path, capsys, args: tuple[str, ...], expected: str) -> None:
    code, out, err = run(capsys, graded_demo, "export", "grades", *args)
    assert code == 2 and out == ""
    assert expected in err


def test_unknown_assignment_and_missing_files_are_named(graded_demo: Path, tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, graded_demo, "export", "grades", "--assignment", "a9")
    assert (
        code == 1
        and "unknown assignment 'a9' (the course has: a1-calculator, a2-webpage, a3-dataanalysis)" in err
    )
    missing = tmp_path / "nope.csv"
    code, _, err = run(capsys, graded_demo, "export", "grades", "--against", str(missing))
    assert code == 1 and f"{missing} does not exist" in err
    code, _, err = run(capsys, graded_demo, "export", "grades", "-o", str(tmp_path))
    assert code == 1 and "is a folder; give a file name" in err
    assert "Traceback" not in err


def test_course_yaml_canvas_ids_are_checked(course: Path, capsys) -> None:
    yaml = course / "course.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("canvas_id: 111", "canvas_id: abc"), encoding="utf-8"
    )
    code, _, err = run(capsys, course, "check")
    assert code == 1
    assert "course.yaml:" in err
    assert "assignments[0].canvas_id: expected the Canvas assignment id, the number ending its URL" in err


def test_a_file_that_fails_its_import_check_is_not_written(course: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "moodle.csv"
    args = (
        "export",
        "grades",
        "--format",
        "moodle",
        "--assignment",
        A1,
        "--moodle-grade-max",
        "50",
        "-o",
        str(target),
    )
    code, out, err = run(capsys, course, *args)
    assert code == 1 and out == ""
    where = re.escape(f"{target}:") + r"\d+ " + re.escape("Assignment: Command-line calculator (Real): ")
    assert re.search(
        where + r"[0-9.]+ is above 50, which Moodle refuses unless the site allows unlimited", err
    )
    assert f"{target} failed the moodle import check; nothing was written" in err
    assert not target.exists()
    yaml = course / "course.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("Command-line calculator", "Final Grade calc"), "utf-8"
    )
    code, _, err = run(capsys, course, "export", "grades", "--format", "canvas", "--assignment", A1)
    assert code == 1
    assert (
        "<stdout>:1 Final Grade calc (111): Canvas ignores a column whose title contains 'Final Grade'" in err
    )
