"""`grader roster import` on the demo course, as an instructor runs it."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run

from grader.demo import build_demo_course

IDENTITY = ("section", "canvas_id", "sis_user_id", "sis_login_id")


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """The demo course with a roster cut back to student_id,name,email,github; the full rows."""
    root = tmp_path / "demo"
    for _ in build_demo_course(root, students=5, seed=7, repos=False):
        pass
    roster = root / "roster.csv"
    with roster.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [["student_id", "name", "email", "github"]]
        + [[r["student_id"], r["name"], r["email"], r["github"]] for r in rows]
    )
    roster.write_text(out.getvalue(), encoding="utf-8")
    return root, rows


def canvas_export(path: Path, rows: list[dict[str, str]], *extra: list[str]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Calculator (101)"])
    writer.writerow(["Points Possible", "", "", "", "", "100"])
    for r in rows:
        writer.writerow([r["name"], r["canvas_id"], r["sis_user_id"], r["sis_login_id"], r["section"], "90"])
    writer.writerows(extra)
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode())
    return path


def roster_of(course: Path) -> dict[str, dict[str, str]]:
    with (course / "roster.csv").open(encoding="utf-8", newline="") as handle:
        return {r["student_id"]: r for r in csv.DictReader(handle)}


def test_a_canvas_export_fills_the_identity_columns_after_a_dry_run(demo, capsys) -> None:
    course, rows = demo
    export = canvas_export(
        course / "grades.csv", rows[:4], ["Roe, Rick", "98766", "S0012346", "rroe", "X", "1"]
    )
    before = (course / "roster.csv").read_bytes()

    code, out, err = run(capsys, course, "roster", "import", str(export), "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    first = rows[0]
    assert lines[0] == f"{export}: Canvas gradebook export, 5 people"
    assert lines[1] == (
        f"{first['student_id']} {first['name']}: {export}:3 by student_id = SIS User ID; fill "
        f"section={first['section']}, canvas_id={first['canvas_id']}, sis_user_id={first['sis_user_id']}, "
        f"sis_login_id={first['sis_login_id']}"
    )
    assert f"no match: {export}:7 Rick Roe: matches no student (add with --add)" in lines
    assert f"not in {export}: {rows[4]['student_id']} {rows[4]['name']}" in lines
    assert f"skipped: {export}:2 the Points Possible row" in lines
    assert lines[-1] == (
        "dry run: roster.csv is unchanged; planned: 4 student(s) updated, 0 added, "
        "column(s) added: section, canvas_id, sis_user_id, sis_login_id"
    )
    assert (course / "roster.csv").read_bytes() == before

    code, out, err = run(capsys, course, "roster", "import", str(export))
    assert code == 0, err
    assert out.splitlines()[-1].startswith("wrote roster.csv: 4 student(s) updated, 0 added")
    after = roster_of(course)
    for row in rows[:4]:
        assert {c: after[row["student_id"]][c] for c in IDENTITY} == {c: row[c] for c in IDENTITY}
    assert {c: after[rows[4]["student_id"]][c] for c in IDENTITY} == dict.fromkeys(IDENTITY, "")
    assert run(capsys, course, "check")[0] == 0

    code, out, _ = run(capsys, course, "roster", "import", str(export))
    assert code == 0
    assert out.splitlines()[-1] == "roster.csv needs no change: 0 student(s) updated, 0 added"


def test_a_classroom_roster_fills_handles_and_reports_conflicts(demo, capsys) -> None:
    course, rows = demo
    lost, other = rows[1], rows[2]
    roster = course / "roster.csv"
    roster.write_text(
        roster.read_text(encoding="utf-8").replace(f",{lost['github']}\n", ",\n"), encoding="utf-8"
    )
    code, _, err = run(capsys, course, "check")
    assert code == 1 and f"student '{lost['student_id']}' has no GitHub handle" in err

    classroom = course / "classroom.csv"
    classroom.write_text(
        "identifier,github_username,github_id,name\n"
        f"{lost['student_id']},{lost['github']},11,\n"
        f"{other['email']},someone-else,12,{other['name']}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, course, "roster", "import", str(classroom))
    assert code == 0, err
    assert (
        f"{lost['student_id']} {lost['name']}: {classroom}:2 by identifier = student_id; fill github={lost['github']}"
        in out
    )
    assert (
        f'conflict: {other["student_id"]} github: roster.csv has "{other["github"]}", {classroom}:3 has '
        f'"someone-else"; kept "{other["github"]}"'
    ) in out
    assert roster_of(course)[lost["student_id"]]["github"] == lost["github"]
    assert roster_of(course)[other["student_id"]]["github"] == other["github"]
    assert err == ""
    assert run(capsys, course, "check")[0] == 0


def test_add_brings_in_new_students_only_when_they_can_be_pulled(demo, capsys) -> None:
    course, rows = demo
    export = canvas_export(course / "grades.csv", rows, ["Roe, Rick", "98766", "S0012346", "rroe", "X", "1"])
    code, out, _ = run(capsys, course, "roster", "import", str(export), "--add")
    assert code == 0
    assert (
        f"no match: {export}:8 Rick Roe: matches no student and cannot be added: "
        "no GitHub handle, which the course's repository URLs need"
    ) in out
    classroom = course / "classroom.csv"
    classroom.write_text(
        "identifier,github_username,github_id,name\nS0012346,rick-roe,13,Rick Roe\n", encoding="utf-8"
    )
    code, out, err = run(capsys, course, "roster", "import", str(classroom), "--add")
    assert code == 0, err
    assert f"added: S0012346 Rick Roe ({classroom}:2)" in out
    assert roster_of(course)["S0012346"]["github"] == "rick-roe"
    code, out, _ = run(capsys, course, "check")
    assert code == 0 and "6 student(s)" in out


def test_a_malformed_file_changes_nothing_and_says_where(demo, capsys) -> None:
    course, rows = demo
    export = canvas_export(
        course / "grades.csv", rows[:2], ["Roe, Rick", "98x66", "S1", "rroe", "X", "1", "", "80"]
    )
    before = (course / "roster.csv").read_bytes()
    code, out, err = run(capsys, course, "roster", "import", str(export))
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{export}:5 unnamed (column H): is past the header's last column: expected at most 6 fields "
        'like the header, got 8 (this one holds "80")',
        "1 problem(s) found; nothing was changed",
    ]
    export.write_bytes(export.read_bytes().replace(b"X,1,,80\r\n", b"X,1\r\n"))
    code, _, err = run(capsys, course, "roster", "import", str(export))
    assert code == 1
    assert err.splitlines()[0] == f'{export}:5 ID (column B): expected digits, got "98x66"'
    assert (course / "roster.csv").read_bytes() == before


def test_a_spreadsheet_saved_in_latin_1_gives_advice_not_a_traceback(demo) -> None:
    course, _ = demo
    (course / "classroom.csv").write_bytes(b"identifier,github_username,github_id,name\n1,jose,1,Jos\xe9\n")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "roster", "import", "classroom.csv"],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        "classroom.csv:2 is not valid UTF-8 (byte 0xE9 at column 13); "
        "save the file as 'CSV UTF-8' and import it again"
    )
    assert "Traceback" not in done.stderr


def test_the_import_needs_no_gradebook(demo) -> None:
    course, rows = demo
    export = canvas_export(course / "grades.csv", rows[:1])
    code = (
        "import sys\nfrom grader.cli.main import main\n"
        f"code = main(['--course', {str(course)!r}, 'roster', 'import', {str(export)!r}, '--dry-run'])\n"
        "print(code, 'sqlalchemy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "0 False"
    assert not (course / ".grader" / "grades.db").exists()


CANVAS_LAST_FIRST = (
    "\ufeffLastName,FirstName,ID,SIS User ID,SIS Login ID,Section,Project 1 (123456),Current Score\r\n"
    ",,,,,,Manual Posting,\r\n"
    "    Points Possible,,,,,,100,(read only)\r\n"
    "Ångström,Zoë,98765,00123,zoe@example.edu,A,87.5,87.5\r\n"
    "Иванова,Анна,98767,00125,anna,B\r\n"  # cut short after its last value
    "Roe,Rick,98766,S0012346,rroe,C,12,12\r\n"
    "Student,Test,999,,,A\r\n"
)


def test_a_real_canvas_export_dry_run_lists_every_row_then_the_import_keeps_it(
    course_dir: Path, capsys
) -> None:
    export = course_dir.parent / "grades.csv"
    export.write_bytes(CANVAS_LAST_FIRST.encode())
    before = (course_dir / "roster.csv").read_bytes()
    code, out, err = run(capsys, course_dir, "roster", "import", str(export), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{export}: Canvas gradebook export, 3 people",
        f"00123 Zoë Ångström: {export}:4 by student_id = SIS User ID; "
        "fill canvas_id=98765, sis_user_id=00123, sis_login_id=zoe@example.edu",
        f"00125 Анна Иванова: {export}:5 by student_id = SIS User ID; "
        "fill canvas_id=98767, sis_user_id=00125, sis_login_id=anna",
        f"no match: {export}:6 Rick Roe: matches no student (add with --add)",
        f"not in {export}: 00124 Γιώργος Παπαδόπουλος",
        f"not in {export}: 00126 محمد علي",
        f"not in {export}: 00127 张伟",
        f"skipped: {export}:2 the Manual Posting row (grades posted by hand)",
        f"skipped: {export}:3 the Points Possible row",
        f"skipped: {export}:7 Canvas's test student",
        "dry run: roster.csv is unchanged; planned: 2 student(s) updated, 0 added, "
        "column(s) added: canvas_id, sis_user_id, sis_login_id",
    ]
    assert (course_dir / "roster.csv").read_bytes() == before

    code, out, err = run(capsys, course_dir, "roster", "import", str(export))
    assert (code, err) == (0, "")
    assert out.splitlines()[-1] == (
        "wrote roster.csv: 2 student(s) updated, 0 added, column(s) added: canvas_id, sis_user_id, sis_login_id"
    )
    lines = (course_dir / "roster.csv").read_text(encoding="utf-8").splitlines()
    old = before.decode().splitlines()
    assert lines == [
        f"{old[0]},canvas_id,sis_user_id,sis_login_id",
        f"{old[1]},98765,00123,zoe@example.edu",
        f"{old[2]},,,",
        f"{old[3]},98767,00125,anna",
        f"{old[4]},,,",
        f"{old[5]},,,",
    ]
    assert run(capsys, course_dir, "check")[0] == 0


def test_classroom_students_not_linked_yet_are_named_and_keep_their_handles(course_dir: Path, capsys) -> None:
    roster = course_dir / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace(",giorgosp,", ",,"), encoding="utf-8")
    before = roster.read_bytes()
    classroom = course_dir.parent / "classroom.csv"
    classroom.write_bytes(
        '\ufeff"identifier","github_username","github_id","name"\r\n'
        '"00123","","",""\r\n'
        '"00124","","",""\r\n'
        '"00200","","","Nia Okafor"\r\n'.encode()
    )
    code, out, err = run(capsys, course_dir, "roster", "import", str(classroom), "--add")
    assert code == 0
    assert out.splitlines() == [
        f"{classroom}: GitHub Classroom roster, 3 people",
        f"00123 Zoë Ångström: {classroom}:2 by identifier = student_id; nothing to fill; "
        "not linked to a GitHub account yet",
        f"00124 Γιώργος Παπαδόπουλος: {classroom}:3 by identifier = student_id; nothing to fill; "
        "not linked to a GitHub account yet",
        f"no match: {classroom}:4 Nia Okafor: matches no student and cannot be added: no GitHub handle, "
        "which the course's repository URLs need; not linked to a GitHub account yet",
        f"not in {classroom}: 00125 Анна Иванова",
        f"not in {classroom}: 00126 محمد علي",
        f"not in {classroom}: 00127 张伟",
        "roster.csv needs no change: 0 student(s) updated, 0 added, 3 row(s) not linked to a GitHub account yet",
    ]
    assert err.splitlines() == [
        "warning: 1 student(s) have no GitHub handle, which the repository URLs need: 00124 (1 of them not "
        f"linked to a GitHub account yet in {classroom}); import a GitHub Classroom roster (again, once "
        "they have linked) or fill the github column"
    ]
    assert roster.read_bytes() == before, "zoe-a is kept: an empty handle in the file clears nothing"
