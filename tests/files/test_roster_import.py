"""`roster import`: reading Canvas and GitHub Classroom files, matching, conflicts, rewriting roster.csv."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from grader.domain.errors import GraderError, ValidationFailed
from grader.files.course import load_course
from grader.files.roster import parse_roster
from grader.files.roster_import import CANVAS, CLASSROOM, parse_lms_roster
from grader.files.roster_write import replace_file
from grader.gradebook.roster_import import import_roster

CANVAS_HEADER = "Student,ID,SIS User ID,SIS Login ID,Section,Project 1 (123456),Current Score"
CLASSROOM_HEADER = "identifier,github_username,github_id,name"


def csv_bytes(rows: list[list[str]], *, ending: str = "\n", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


def canvas(*rows: list[str], bom: bool = True) -> bytes:
    """A Canvas gradebook export as Canvas writes it: BOM, Points Possible row, test student."""
    return csv_bytes(
        [
            CANVAS_HEADER.split(","),
            ["    Points Possible", "", "", "", "", "100", "(read only)"],
            *[[*row, "87.5", "87.5"] for row in rows],
            ["Student, Test", "999", "", "", "CS101-01", "", ""],
        ],
        bom=bom,
    )


def classroom(*rows: str) -> bytes:
    return ("\n".join([CLASSROOM_HEADER, *rows]) + "\n").encode()


def problems(raw: bytes, file: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_lms_roster(raw, file)
    return [str(p) for p in info.value.problems]


def do_import(course: Path, name: str, raw: bytes, **options: bool):  # type: ignore[no-untyped-def]
    source = course.parent / name
    source.write_bytes(raw)
    return import_roster(course, source, display=name, **options)


def roster_rows(course: Path) -> dict[str, dict[str, str]]:
    with (course / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


# Reading the two kinds of file


def test_a_canvas_export_is_recognised_and_its_special_rows_skipped() -> None:
    lms = parse_lms_roster(canvas(["Doe, Jane", "98765", "S0012345", "jdoe", "CS101-01"]), "grades.csv")
    assert lms.kind == CANVAS
    (jane,) = lms.people
    assert (jane.line, jane.name, jane.names) == (3, "Jane Doe", ("Doe, Jane",))
    assert dict(jane.values) == {
        "canvas_id": "98765",
        "sis_user_id": "S0012345",
        "sis_login_id": "jdoe",
        "section": "CS101-01",
    }
    assert lms.skipped == ((2, "the Points Possible row"), (4, "Canvas's test student"))


def test_a_semicolon_canvas_export_without_sis_columns_is_read() -> None:
    raw = b"Student;ID;Section;Project 1 (1)\nRoe, Rick;98766;CS101-02;12,5\n"
    (rick,) = parse_lms_roster(raw, "ta.csv").people
    assert dict(rick.values) == {"canvas_id": "98766", "section": "CS101-02"}


def test_a_classroom_roster_is_recognised_in_any_column_order() -> None:
    raw = b"name,github_username,identifier,github_id\nAnn Lee,ann-lee,ann@x.edu,1\n,,00124,\n,ghost,,2\n"
    lms = parse_lms_roster(raw, "classroom.csv")
    assert lms.kind == CLASSROOM
    ann, not_joined, unlinked = lms.people
    assert (ann.identifier, dict(ann.values), ann.proposed_id) == (
        "ann@x.edu",
        {"github": "ann-lee", "email": "ann@x.edu"},
        "",
    )
    assert (not_joined.identifier, dict(not_joined.values), not_joined.proposed_id) == ("00124", {}, "00124")
    assert (unlinked.label, dict(unlinked.values)) == ("ghost", {"github": "ghost"})


def test_an_unknown_header_says_which_files_are_expected() -> None:
    assert problems(b"student_id,name,email,github\n1,A,a@x.edu,a\n", "roster.csv") == [
        "roster.csv:1 header: expected a Canvas gradebook export (Student,ID,SIS User ID,SIS Login ID,"
        "Section,… or LastName,FirstName,ID,…) or a GitHub Classroom roster "
        '(identifier,github_username,github_id,name), got "student_id,name,email,github"'
    ]


def test_every_bad_cell_is_reported_at_once_with_line_and_column() -> None:
    raw = csv_bytes(
        [
            CANVAS_HEADER.split(","),
            ["Doe, Jane", "98x65", "S1", "jdoe", "A", "1", "1"],
            ["", "98766", "S2", "rroe", "A", "1", "1"],
            ["Poe, Ed", "98767", "S3", "epoe", "A", "1", "1", "", "90"],
            ["Poe, Ed", "98768", "S\x1b[2J3", "epoe", "A", "1", "1"],
            ["Lee, Al", "98766", "S4", "alee", "A", "1", "1"],
        ]
    )
    assert problems(raw, "grades.csv") == [
        'grades.csv:2 ID (column B): expected digits, got "98x65"',
        "grades.csv:3 Student (column A): is empty; expected the student's name",
        "grades.csv:4 unnamed (column I): is past the header's last column: expected at most 7 fields "
        'like the header, got 9 (this one holds "90")',
        'grades.csv:5 SIS User ID (column C): expected text without control characters, got "S␛[2J3"',
        'grades.csv:6 ID (column B): "98766" is used twice (lines 3 and 6)',
    ]


def test_classroom_problems_name_the_column() -> None:
    raw = classroom("a@x.edu,bad handle,1,A", "b@x.edu,Ann-Lee,2,B", "c@x.edu,ann-lee,3,C", "a@x.edu,,4,D")
    assert problems(raw, "classroom.csv") == [
        'classroom.csv:2 github_username (column B): expected a GitHub handle, got "bad handle"',
        'classroom.csv:4 github_username (column B): "ann-lee" is used twice (lines 3 and 4)',
        'classroom.csv:5 identifier (column A): "a@x.edu" is used twice (lines 2 and 5)',
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "classroom.csv:1 is empty; expected a Canvas gradebook export"),
        (
            b"identifier,github_username\nJos\xe9,x\n",
            "classroom.csv:2 is not valid UTF-8 (byte 0xE9 at column 4)",
        ),
        (
            b'identifier,github_username\n"a@x.edu,x\n',
            "classroom.csv:2 is not valid CSV: unexpected end of data",
        ),
    ],
)
def test_broken_files_are_refused_with_their_position(raw: bytes, expected: str) -> None:
    assert problems(raw, "classroom.csv")[0].startswith(expected)


def test_a_missing_file_or_a_folder_is_refused(course_dir: Path) -> None:
    with pytest.raises(ValidationFailed, match=r"nope\.csv does not exist"):
        import_roster(course_dir, course_dir / "nope.csv", display="nope.csv")
    with pytest.raises(ValidationFailed, match=r"rubrics is a folder, expected a file"):
        import_roster(course_dir, course_dir / "rubrics", display="rubrics")


# Matching and merging (the course_dir roster: 00123 Zoë … 00127 张伟, with github handles)


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        ("00123,,,", "identifier = student_id"),
        ("zoe@example.edu,,,", "email"),
        ("ZOE@example.edu,,,", "email"),
        ("someone,Zoe-A,,", "github"),
        ("someone,,,Zoë Ångström", "name"),
    ],
)
def test_each_classroom_matching_rule_is_named(course_dir: Path, row: str, rule: str) -> None:
    result = do_import(course_dir, "classroom.csv", classroom(row), dry_run=True)
    (match,) = result.plan.matches
    assert (match.student_id, match.rule) == ("00123", rule)


@pytest.mark.parametrize(
    ("cells", "rule"),
    [
        (["Ångström, Zoë", "98765", "", "", ""], "name"),
        (["Someone", "98765", "00123", "", ""], "student_id = SIS User ID"),
        (["Someone", "98765", "", "zoe@example.edu", ""], "email = SIS Login ID"),
    ],
)
def test_each_canvas_matching_rule_is_named(course_dir: Path, cells: list[str], rule: str) -> None:
    result = do_import(course_dir, "grades.csv", canvas(cells), dry_run=True)
    (match,) = result.plan.matches
    assert (match.student_id, match.rule, match.fills["canvas_id"]) == ("00123", rule, "98765")


def test_ids_already_in_the_roster_match_before_anything_else(course_dir: Path) -> None:
    do_import(course_dir, "grades.csv", canvas(["Ångström, Zoë", "98765", "S1", "zoe", "A"]))
    renamed = canvas(["Zoë Ångström-Berg", "98765", "S1", "zoe", "A"], ["Nobody", "5", "00123", "nob", "A"])
    result = do_import(course_dir, "grades.csv", renamed, dry_run=True)
    assert [(m.student_id, m.rule) for m in result.plan.matches] == [("00123", "canvas_id")]
    (again,) = result.plan.unmatched
    assert (again.line, again.reason) == (4, "is 00123 again (line 3 matched first)")


def test_a_name_shared_by_two_students_matches_nobody(course_dir: Path) -> None:
    roster = course_dir / "roster.csv"
    roster.write_text(roster.read_text() + "00128,Zoë Ångström,zoe2@example.edu,zoe-b,B\n")
    result = do_import(course_dir, "classroom.csv", classroom("x,,,Zoë Ångström"), dry_run=True)
    assert result.plan.matches == ()
    assert result.plan.unmatched[0].reason == "its name fits more than one student (00123, 00128)"


def test_a_name_listed_twice_in_the_file_matches_nobody(course_dir: Path) -> None:
    result = do_import(course_dir, "classroom.csv", classroom("x,,,张伟", "y,,,张伟"), dry_run=True)
    assert [u.reason for u in result.plan.unmatched] == ["its name appears more than once in the file"] * 2


def test_conflicts_are_reported_and_never_overwrite(course_dir: Path) -> None:
    before = (course_dir / "roster.csv").read_bytes()
    raw = canvas(
        ["Ångström, Zoë", "98765", "00123", "zoe", "C"], ["Иванова, Анна", "98767", "00125", "anna", "B"]
    )
    result = do_import(course_dir, "grades.csv", raw)
    assert [
        (c.student_id, c.line, c.column, c.roster_value, c.file_value) for c in result.plan.conflicts
    ] == [("00123", 3, "section", "A", "C")]
    rows = roster_rows(course_dir)
    assert (rows["00123"]["section"], rows["00123"]["canvas_id"]) == ("A", "98765")
    assert result.written and (course_dir / "roster.csv").read_bytes() != before


def test_identifiers_that_name_two_students_match_neither(course_dir: Path) -> None:
    before = (course_dir / "roster.csv").read_bytes()
    raw = classroom("00123,zoe-new,1,", "00124,anna-iv,2,", "giorgos@example.edu,GiorgosP,3,")
    result = do_import(course_dir, "classroom.csv", raw)
    assert [(c.student_id, c.column, c.roster_value, c.file_value) for c in result.plan.conflicts] == [
        ("00123", "github", "zoe-a", "zoe-new")
    ]
    assert [(u.line, u.reason) for u in result.plan.unmatched] == [
        (3, "its github is 00125's but its identifier = student_id is 00124's")
    ]
    assert [(m.student_id, m.rule) for m in result.plan.matches] == [
        ("00123", "identifier = student_id"),
        ("00124", "email"),
    ]
    assert not result.written
    assert (course_dir / "roster.csv").read_bytes() == before


def test_unmatched_rows_and_absent_students_are_reported_and_not_added(course_dir: Path) -> None:
    raw = canvas(
        ["Ångström, Zoë", "98765", "00123", "zoe", "A"], ["Roe, Rick", "98766", "S0012346", "rroe", "B"]
    )
    result = do_import(course_dir, "grades.csv", raw)
    assert [(u.line, u.name, u.reason) for u in result.plan.unmatched] == [
        (4, "Rick Roe", "matches no student")
    ]
    assert [s.student_id for s in result.plan.absent] == ["00124", "00125", "00126", "00127"]
    assert "S0012346" not in (course_dir / "roster.csv").read_text()


def test_add_adds_only_people_who_make_a_valid_roster_line(course_dir: Path) -> None:
    raw = classroom(
        "00200,new-one,1,Nia Okafor", "nia@x.edu,nia2,2,Nia Two", "00201,,3,No Handle", "00202,x2,4,"
    )
    result = do_import(course_dir, "classroom.csv", raw, add=True)
    assert [(line, s.student_id, s.name, s.github) for line, s in result.plan.added] == [
        (2, "00200", "Nia Okafor", "new-one")
    ]
    assert [u.reason for u in result.plan.unmatched] == [
        "matches no student and cannot be added: the file gives no student id for it (an email is not used as one)",
        "matches no student and cannot be added: no GitHub handle, which the course's repository URLs need",
        "matches no student and cannot be added: the file gives no name",
    ]
    assert roster_rows(course_dir)["00200"]["name"] == "Nia Okafor"
    assert [s.student_id for s in load_course(course_dir).students][-1] == "00200"


# Writing roster.csv


def test_fills_go_into_new_columns_at_the_end_and_grader_check_still_passes(course_dir: Path) -> None:
    raw = canvas(
        ["Ångström, Zoë", "98765", "00123", "zoe", "A"], ["Иванова, Анна", "98767", "00125", "anna", "B"]
    )
    result = do_import(course_dir, "grades.csv", raw)
    assert result.written
    assert result.plan.new_columns == ("canvas_id", "sis_user_id", "sis_login_id")
    text = (course_dir / "roster.csv").read_text()
    assert text.splitlines()[:3] == [
        "student_id,name,email,github,section,canvas_id,sis_user_id,sis_login_id",
        "00123,Zoë Ångström,zoe@example.edu,zoe-a,A,98765,00123,zoe",
        "00124,Γιώργος Παπαδόπουλος,giorgos@example.edu,giorgosp,A,,,",
    ]
    students = {s.student_id: s for s in load_course(course_dir).students}
    assert (students["00125"].canvas_id, students["00125"].sis_login_id) == ("98767", "anna")


def test_untouched_bytes_stay_as_they_were(course_dir: Path) -> None:
    roster = course_dir / "roster.csv"
    original = (
        b"\xef\xbb\xbfname,student_id,github,email,canvas_id\r\n"
        b'"Ng, Mai",001,mai,mai@x.edu,\r\n'
        b"\r\n"
        b'"Line\r\nbreak",002,lb,lb@x.edu,5\r\n'
        b"Al,003,al,al@x.edu,"
    )
    roster.write_bytes(original)
    os.chmod(roster, 0o640)
    result = do_import(course_dir, "classroom.csv", classroom("003,,,", "001,,,"), dry_run=True)
    assert not result.plan.changes_roster
    do_import(course_dir, "grades.csv", canvas(["Al", "77", "S3", "al", "B"]))
    assert roster.read_bytes() == (
        b"\xef\xbb\xbfname,student_id,github,email,canvas_id,section,sis_user_id,sis_login_id\r\n"
        b'"Ng, Mai",001,mai,mai@x.edu,,,,\r\n'
        b"\r\n"
        b'"Line\r\nbreak",002,lb,lb@x.edu,5,,,\r\n'
        b"Al,003,al,al@x.edu,77,B,S3,al"
    )
    assert oct(roster.stat().st_mode & 0o777) == "0o640"
    assert [s.canvas_id for s in parse_roster(roster.read_bytes())] == ["", "5", "77"]


def test_an_added_student_follows_the_file_s_line_endings(course_dir: Path) -> None:
    roster = course_dir / "roster.csv"
    roster.write_bytes(b"student_id,name,email,github\r\n001,Ann,a@x.edu,ann")
    do_import(course_dir, "classroom.csv", classroom("002,bob,1,Bob"), add=True)
    assert roster.read_bytes() == b"student_id,name,email,github\r\n001,Ann,a@x.edu,ann\r\n002,Bob,,bob\r\n"


def test_dry_run_plans_but_writes_nothing(course_dir: Path) -> None:
    before = (course_dir / "roster.csv").read_bytes()
    result = do_import(
        course_dir, "grades.csv", canvas(["Ångström, Zoë", "98765", "00123", "zoe", "A"]), dry_run=True
    )
    assert result.plan.changes_roster and not result.written
    assert result.plan.updated[0].fills == {
        "canvas_id": "98765",
        "sis_user_id": "00123",
        "sis_login_id": "zoe",
    }
    assert (course_dir / "roster.csv").read_bytes() == before


def test_a_roster_link_is_written_through(course_dir: Path) -> None:
    real = course_dir / "people.csv"
    (course_dir / "roster.csv").rename(real)
    (course_dir / "roster.csv").symlink_to("people.csv")
    do_import(course_dir, "grades.csv", canvas(["Ångström, Zoë", "98765", "00123", "zoe", "A"]))
    assert (course_dir / "roster.csv").is_symlink()
    assert "98765" in real.read_text()


def test_an_invalid_roster_is_refused_before_anything_is_planned(course_dir: Path) -> None:
    roster = course_dir / "roster.csv"
    roster.write_text("student_id,name,email,github\n1,Ann,a@x.edu,ann\n1,Bob,b@x.edu,bob\n")
    before = roster.read_bytes()
    with pytest.raises(ValidationFailed, match=r'roster.csv:3 student_id: "1" is used twice'):
        do_import(course_dir, "classroom.csv", classroom("1,ann,1,"))
    assert roster.read_bytes() == before


def test_a_roster_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"new content")
    with pytest.raises(GraderError, match="changed while this command ran; nothing was written"):
        replace_file(path, b"merged", expected=b"old content", display="roster.csv")
    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["roster.csv"]


def test_a_failed_write_leaves_the_roster_whole(course_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = (course_dir / "roster.csv").read_bytes()

    def disk_full(self: Path, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", disk_full)
    with pytest.raises(
        GraderError, match=r"cannot write roster\.csv: No space left on device; it is unchanged"
    ):
        do_import(course_dir, "grades.csv", canvas(["X", "1", "00123", "", ""]))
    assert (course_dir / "roster.csv").read_bytes() == before
    assert sorted(p.name for p in course_dir.iterdir()) == [
        ".gitignore",
        "course.yaml",
        "roster.csv",
        "rubrics",
    ]
