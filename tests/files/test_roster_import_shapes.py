"""`roster import` on the files Canvas and GitHub Classroom really produce, built here row by row.

The Canvas shapes follow its exporter (lib/gradebook_exporter.rb): `Student` or `LastName,FirstName`,
`ID`, the SIS/Integration/Root Account columns, `Section`, assignments `Title (id)`, the total
columns; a "Manual Posting" (older: "Muted") row, then "    Points Possible" with "(read only)"
under the totals; the Test Student last; names starting with '=' written as `="=…"`; BOM and CRLF.
Spreadsheets that saved the file again may drop the empty cells at the end of a row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.domain.errors import ValidationFailed
from grader.files.roster_import import CANVAS, CLASSROOM, NOT_LINKED, parse_lms_roster
from grader.gradebook.roster_import import RosterImport, import_roster

ASSIGNMENTS = ["Project 1 (123456)", "Quiz 1 (123457)"]
TOTALS = ["Current Score", "Unposted Current Score", "Final Score", "Unposted Final Score"]


@dataclass(frozen=True)
class Shape:
    split_name: bool = False
    sis_user_id: bool = True
    integration: bool = False
    hidden: str = "Manual Posting"
    cut_short: bool = False
    delimiter: str = ","
    ending: str = "\r\n"
    bom: bool = True


@dataclass(frozen=True)
class Person:
    last: str
    first: str
    canvas_id: str
    sis_user_id: str
    login: str
    section: str
    scores: tuple[str, ...] = ("87.5", "EX", "91.25", "91.25", "91.25", "91.25")


ZOE = Person("Ångström", "Zoë", "98765", "00123", "zoe@example.edu", "A")
ANNA = Person("Иванова", "Анна", "98767", "00125", "anna", "B", scores=("", "", "", "", "", ""))
EVE = Person("=cmd|' /C calc'!A0", "Eve", "98770", "S0099", "eve", "C")
TEST_STUDENT = Person("Student", "Test", "999", "", "", "A")


def _names(shape: Shape, person: Person) -> list[str]:
    def quoted(name: str) -> str:  # what Canvas does to a name that starts with '='
        return f'="{name}"' if name.startswith("=") else name

    if shape.split_name:
        return [quoted(person.last), quoted(person.first)]
    return [quoted(f"{person.last}, {person.first}")]


def canvas_export(shape: Shape, *people: Person) -> bytes:
    info = ["SIS User ID", "SIS Login ID"] if shape.sis_user_id else ["SIS Login ID"]
    info += ["Integration ID", "Root Account"] if shape.integration else []
    names = ["LastName", "FirstName"] if shape.split_name else ["Student"]
    header = [*names, "ID", *info, "Section", *ASSIGNMENTS, *TOTALS]
    lead = len(header) - len(ASSIGNMENTS) - len(TOTALS)
    rows = [header]
    if shape.hidden:
        rows.append([""] * lead + [shape.hidden, ""] + [""] * len(TOTALS))
    rows.append(["    Points Possible"] + [""] * (lead - 1) + ["100", "10"] + ["(read only)"] * len(TOTALS))
    for person in (*people, TEST_STUDENT):
        ids = [person.sis_user_id, person.login] if shape.sis_user_id else [person.login]
        ids += ["", "canvas.example.edu"] if shape.integration else []
        rows.append([*_names(shape, person), person.canvas_id, *ids, person.section, *person.scores])
    if shape.cut_short:
        rows = [row[: max((i + 1 for i, cell in enumerate(row) if cell), default=0)] for row in rows]
    out = io.StringIO()
    csv.writer(out, delimiter=shape.delimiter, lineterminator=shape.ending).writerows(rows)
    return (b"\xef\xbb\xbf" if shape.bom else b"") + out.getvalue().encode()


def read_roster(course: Path) -> dict[str, dict[str, str]]:
    with (course / "roster.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def imported(course: Path, name: str, raw: bytes, **options: bool) -> RosterImport:
    source = course.parent / name
    source.write_bytes(raw)
    return import_roster(course, source, display=name, **options)


def accounted_lines(result: RosterImport) -> list[int]:
    """Every line the plan or the skipped list speaks for, in order."""
    plan = result.plan
    lines = (
        [m.line for m in plan.matches] + [u.line for u in plan.unmatched] + [line for line, _ in plan.added]
    )
    return sorted(lines + [line for line, _ in result.skipped])


SHAPES = {
    "as exported": Shape(),
    "LastName,FirstName": Shape(split_name=True),
    "cut short by a spreadsheet": Shape(cut_short=True),
    "LastName,FirstName cut short": Shape(split_name=True, cut_short=True),
    "older Canvas: Muted": Shape(hidden="Muted"),
    "no hidden assignments": Shape(hidden=""),
    "semicolons (decimal-comma locales)": Shape(delimiter=";"),
    "TA export without SIS User ID": Shape(sis_user_id=False),
    "Integration ID and Root Account": Shape(integration=True),
    "LF, no BOM": Shape(ending="\n", bom=False),
}


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_canvas_shape_imports_and_loses_or_overwrites_nothing(course_dir: Path, shape: Shape) -> None:
    before = read_roster(course_dir)
    result = imported(course_dir, "grades.csv", canvas_export(shape, ZOE, ANNA, EVE))
    assert result.kind == CANVAS and result.written
    first = 3 if shape.hidden else 2
    hidden = [
        (2, "the Muted row" if shape.hidden == "Muted" else "the Manual Posting row (grades posted by hand)")
    ]
    assert result.skipped == (
        *(hidden if shape.hidden else []),
        (first, "the Points Possible row"),
        (first + 4, "Canvas's test student"),
    )
    assert [(m.student_id, m.line) for m in result.plan.matches] == [
        ("00123", first + 1),
        ("00125", first + 2),
    ]
    assert [(u.line, u.name, u.reason) for u in result.plan.unmatched] == [
        (first + 3, "Eve =cmd|' /C calc'!A0", "matches no student")
    ]
    assert accounted_lines(result) == list(range(2, first + 5)), "every row of the file is accounted for"
    assert result.plan.conflicts == ()

    after = read_roster(course_dir)
    assert list(after) == list(before), "no student added or lost"
    for student_id, row in before.items():
        assert {c: after[student_id][c] for c in row} == row, f"{student_id}: nothing overwritten"
    assert {c: after["00123"].get(c) for c in ("canvas_id", "sis_user_id", "sis_login_id", "section")} == {
        "canvas_id": "98765",
        "sis_user_id": "00123" if shape.sis_user_id else None,
        "sis_login_id": "zoe@example.edu",
        "section": "A",
    }
    assert {c: after["00125"].get(c) for c in ("canvas_id", "sis_user_id", "sis_login_id")} == {
        "canvas_id": "98767",
        "sis_user_id": "00125" if shape.sis_user_id else None,
        "sis_login_id": "anna",
    }
    assert all(after[s]["canvas_id"] == "" for s in ("00124", "00126", "00127"))


def test_the_split_name_is_matched_in_both_forms() -> None:
    raw = canvas_export(Shape(split_name=True), ZOE)
    (zoe,) = parse_lms_roster(raw, "grades.csv").people
    assert (zoe.name, zoe.names, zoe.line) == ("Zoë Ångström", ("Ångström, Zoë",), 4)


def test_a_row_of_read_only_markers_and_delimiter_only_lines_hold_nobody() -> None:
    raw = (
        b"Student,ID,SIS Login ID,Section,Project 1 (1),Current Score\r\n"
        b",,,,,(read only)\r\n"
        b",,,,,\r\n"
        b'"Roe, Rick",98766,rroe,B,12\r\n'
    )
    lms = parse_lms_roster(raw, "grades.csv")
    assert lms.skipped == ((2, "a row of (read only) markers"),)
    assert [(p.line, p.name, dict(p.values)) for p in lms.people] == [
        (4, "Rick Roe", {"canvas_id": "98766", "sis_login_id": "rroe", "section": "B"})
    ]


def test_a_row_over_several_lines_is_reported_at_the_line_where_it_starts() -> None:
    raw = b'Student,ID,Section,Notes\n"Roe, Rick",98766,B,"two\nlines"\n"Lee, Al",98x67,A\n'
    with pytest.raises(ValidationFailed) as info:
        parse_lms_roster(raw, "grades.csv")
    assert [str(p) for p in info.value.problems] == [
        'grades.csv:4 ID (column B): expected digits, got "98x67"'
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            b"LastName,FirstName,ID,Section\n,,5,A\n",
            "grades.csv:2 LastName (column A): is empty; expected the student's last or first name",
        ),
        (
            b"Student,ID,Section\nRoe,5,A,,x\n",
            "grades.csv:2 unnamed (column E): is past the header's last column: expected at most 3 fields "
            'like the header, got 5 (this one holds "x")',
        ),
        (
            b"Name,Canvas ID,Section\nRoe,5,A\n",
            "grades.csv:1 header: expected a Canvas gradebook export (Student,ID,SIS User ID,SIS Login ID,"
            "Section,… or LastName,FirstName,ID,…) or a GitHub Classroom roster "
            '(identifier,github_username,github_id,name), got "Name,Canvas ID,Section"',
        ),
        (
            b"FirstName,LastName,ID,Section\nAl,Lee,5,A\n",
            "grades.csv:1 header: expected a Canvas gradebook export",
        ),
    ],
    ids=["both names empty", "a value past the header", "unknown header", "names in the wrong order"],
)
def test_unknown_shapes_keep_a_located_error(raw: bytes, expected: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_lms_roster(raw, "grades.csv")
    assert str(info.value.problems[0]).startswith(expected)


# GitHub Classroom: students who have not linked a GitHub account yet have empty github columns

CLASSROOM_FILE = (
    '\ufeff"identifier","github_username","github_id","name"\r\n'
    '"00123","zoe-a","1001","Zoë Ångström"\r\n'
    '"00124","","",""\r\n'
    '"anna@example.edu","","","Анна Иванова"\r\n'
    '"00126"\r\n'
    '"","new-handle","1005",""\r\n'
    '"00200","","","Nia Okafor"\r\n'
)


def test_classroom_rows_not_linked_yet_match_by_identifier_and_fill_nothing(course_dir: Path) -> None:
    before = (course_dir / "roster.csv").read_bytes()
    result = imported(course_dir, "classroom.csv", CLASSROOM_FILE.encode(), add=True)
    assert result.kind == CLASSROOM
    assert [(m.student_id, m.line, m.rule, m.fills) for m in result.plan.matches] == [
        ("00123", 2, "github", {}),
        ("00124", 3, "identifier = student_id", {}),
        ("00125", 4, "email", {}),
        ("00126", 5, "identifier = student_id", {}),
    ]
    assert result.remarks == {3: NOT_LINKED, 4: NOT_LINKED, 5: NOT_LINKED, 7: NOT_LINKED}
    assert [(u.line, u.reason) for u in result.plan.unmatched] == [
        (
            6,
            "matches no student and cannot be added: the file gives no student id for it (an email is not used as one)",
        ),
        (
            7,
            "matches no student and cannot be added: no GitHub handle, which the course's repository URLs need",
        ),
    ]
    assert accounted_lines(result) == [2, 3, 4, 5, 6, 7]
    assert result.plan.conflicts == () and not result.written
    assert (course_dir / "roster.csv").read_bytes() == before, "an empty handle never clears one"
