"""LMS rosters: a Canvas gradebook export or a GitHub Classroom roster, read as people to import.

The kind is recognised by the header. Files are read as the LMS really writes them: a BOM, CRLF,
rows cut short after their last value, Canvas's `LastName,FirstName` variant, its Points Possible,
Manual Posting and read-only rows and its test student, and Classroom rows not linked to a GitHub
account yet. Every problem is reported at once, located by line and column (header name and
spreadsheet letter), and nothing is imported from a file with problems.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.domain.errors import GraderError, Problem, ValidationFailed
from grader.domain.roster_merge import Incoming
from grader.domain.text import printable
from grader.files.course import COURSE_FILE
from grader.files.reading import decode_utf8, read_capped, too_big
from grader.files.roster import EMAIL, GITHUB_HANDLE, STUDENT_ID
from grader.files.schema import CourseSpec
from grader.files.strict_yaml import load_yaml
from grader.files.validate import validate

CANVAS = "Canvas gradebook export"
CLASSROOM = "GitHub Classroom roster"
MAX_BYTES = 50_000_000
MAX_VALUE = 200
CLASSROOM_COLUMNS = ("identifier", "github_username", "github_id", "name")
CANVAS_INFO = {"SIS User ID": "sis_user_id", "SIS Login ID": "sis_login_id", "Section": "section"}
CANVAS_TEST_STUDENT = "Test Student"
"""The student Canvas adds to every course for "Student View"; never a real person."""
NOT_LINKED = "not linked to a GitHub account yet"
EXPECTED = (
    f"expected a {CANVAS} (Student,ID,SIS User ID,SIS Login ID,Section,… or LastName,FirstName,ID,…) "
    f"or a {CLASSROOM} ({','.join(CLASSROOM_COLUMNS)})"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DIGITS = re.compile(r"[0-9]{1,20}")
_BLANK = re.compile(r"\s*")
_CANVAS_HIDDEN = re.compile(r"(?i)\s*(muted|manual posting.*)?\s*")
"""Cells of a row Canvas's importer skips: blank, `Muted` or `Manual Posting…`."""
_READ_ONLY = re.compile(r"(?i)\s*\(?read\s+only\)?\s*")
_FORMULA_QUOTED = re.compile(r'="(=.*)"', re.DOTALL)
"""How Canvas writes a name that starts with '=' so that a spreadsheet does not run it."""


@dataclass(frozen=True)
class LmsRoster:
    kind: str
    people: tuple[Incoming, ...]
    skipped: tuple[tuple[int, str], ...]
    """(line, why) for rows that hold no student, e.g. Canvas's test student."""


def column_name(header: list[str], index: int) -> str:
    """How a problem names a column: its header and its spreadsheet letter, e.g. `ID (column B)`."""
    letters, number = "", index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    title = printable(header[index]) if index < len(header) and header[index] else "unnamed"
    return f"{title} (column {letters})"


def _shown(value: str) -> str:
    text = printable(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


class _Row:
    """The cells of one row, with located problems for the values read from it."""

    def __init__(
        self, file: str, line: int, header: list[str], cells: list[str], problems: list[Problem]
    ) -> None:
        self.file, self.line, self.header, self.cells, self.problems = file, line, header, cells, problems

    def problem(self, index: int, message: str) -> str:
        """Record a problem with the cell at ``index``; the cell then counts as empty."""
        self.problems.append(Problem(self.file, self.line, column_name(self.header, index), message))
        return ""

    def get(self, index: int | None, *, required: str = "") -> str:
        if index is None:
            return ""
        value = self.cells[index].strip()
        if not value and required:
            return self.problem(index, f"is empty; expected {required}")
        if _CONTROL.search(value):
            return self.problem(index, f"expected text without control characters, got {_shown(value)}")
        if len(value) > MAX_VALUE:
            return self.problem(index, f"expected at most {MAX_VALUE} characters, got {len(value)}")
        return value

    def check(self, index: int, value: str, pattern: re.Pattern[str], expected: str) -> str:
        if value and not pattern.fullmatch(value):
            return self.problem(index, f"expected {expected}, got {_shown(value)}")
        return value


def _delimiter(first_line: str) -> str:
    """Canvas writes ';' in some locales; the importer picks whichever the header uses."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


@dataclass(frozen=True)
class _Layout:
    """Which kind of file a header announces, and where Canvas keeps the name and the user id."""

    kind: str
    id_column: int = 1
    split_name: bool = False
    """Canvas's variant header `LastName,FirstName,ID,…` instead of `Student,ID,…`."""


def _layout(header: list[str]) -> _Layout | None:
    if len(header) >= 3 and "LastName" in header[0] and "FirstName" in header[1] and "ID" in header[2]:
        return _Layout(CANVAS, id_column=2, split_name=True)
    if len(header) >= 2 and "Student" in header[0] and "ID" in header[1]:
        return _Layout(CANVAS)
    if {"identifier", "github_username"} <= {h.lower() for h in header}:
        return _Layout(CLASSROOM)
    return None


def _name_cell(row: _Row, index: int, required: str = "") -> str:
    value = row.get(index, required=required)
    quoted = _FORMULA_QUOTED.fullmatch(value)
    return quoted.group(1) if quoted else value


def _canvas_names(row: _Row, layout: _Layout) -> tuple[str, str]:
    """(the name as people write it, the sortable "Last, First" form) of one Canvas row."""
    if layout.split_name:
        family, given = _name_cell(row, 0), _name_cell(row, 1)
        if not family and not given:
            row.get(0, required="the student's last or first name")
        return " ".join(filter(None, (given, family))), ", ".join(filter(None, (family, given)))
    sortable = _name_cell(row, 0, required="the student's name")
    family, comma, given = sortable.partition(", ")
    return (f"{given} {family}" if comma and ", " not in given else sortable), sortable


def _canvas_person(row: _Row, layout: _Layout) -> Incoming | str:
    """One Canvas row as a person, or why it holds none."""
    name, sortable = _canvas_names(row, layout)
    if name == CANVAS_TEST_STUDENT:
        return "Canvas's test student"
    at = layout.id_column
    values = {"canvas_id": row.check(at, row.get(at, required="the Canvas user id"), _DIGITS, "digits")}
    for title, column in CANVAS_INFO.items():
        values[column] = row.get(row.header.index(title) if title in row.header else None)
    sis_user_id = values["sis_user_id"]
    return Incoming(
        line=row.line,
        name=name,
        values={c: v for c, v in values.items() if v},
        names=(sortable,),
        proposed_id=sis_user_id if STUDENT_ID.fullmatch(sis_user_id) else "",
    )


def _classroom_person(row: _Row) -> Incoming | str:
    lowered = [h.lower() for h in row.header]
    found = {c: lowered.index(c) for c in CLASSROOM_COLUMNS if c in lowered}
    identifier = row.get(found["identifier"])
    github_index = found["github_username"]
    github = row.check(github_index, row.get(github_index), GITHUB_HANDLE, "a GitHub handle")
    name = row.get(found.get("name"))
    if not identifier and not github:
        return "neither an identifier nor a GitHub account"
    email = identifier if EMAIL.fullmatch(identifier) else ""
    values = {"github": github, "email": email}
    return Incoming(
        line=row.line,
        name=name,
        values={c: v for c, v in values.items() if v},
        identifier=identifier,
        proposed_id=identifier if STUDENT_ID.fullmatch(identifier) and not email else "",
        remark="" if github else NOT_LINKED,
    )


def _duplicates(people: list[Incoming], file: str, header: list[str], layout: _Layout) -> list[Problem]:
    """An id that appears on two rows would tie two people to one student."""
    if layout.kind == CANVAS:
        checked = {"canvas_id": layout.id_column}
        checked |= {v: header.index(k) for k, v in CANVAS_INFO.items() if v != "section" and k in header}
    else:
        lowered = [h.lower() for h in header]
        checked = {"github": lowered.index("github_username"), "identifier": lowered.index("identifier")}
    problems: list[Problem] = []
    for column, index in checked.items():
        first: dict[str, int] = {}
        for person in people:
            value = person.identifier if column == "identifier" else person.values.get(column, "")
            key = value.casefold()
            if not value:
                continue
            if key in first:
                problems.append(
                    Problem(
                        file,
                        person.line,
                        column_name(header, index),
                        f"{_shown(value)} is used twice (lines {first[key]} and {person.line})",
                    )
                )
            first.setdefault(key, person.line)
    return problems


def _special_row(cells: list[str], layout: _Layout) -> str | None:
    """Why a row holds no student ("" for a blank one, reported nowhere), or None for a student row."""
    if all(_BLANK.fullmatch(c) for c in cells):
        return ""
    if layout.kind != CANVAS:
        return None
    if "Points Possible" in cells[0]:
        return "the Points Possible row"
    if all(_CANVAS_HIDDEN.fullmatch(c) for c in cells):
        muted = any(c.strip().lower() == "muted" for c in cells)
        return "the Muted row" if muted else "the Manual Posting row (grades posted by hand)"
    if all(_BLANK.fullmatch(c) or _READ_ONLY.fullmatch(c) for c in cells):
        return "a row of (read only) markers"
    return None


def _fitted(cells: list[str], header: list[str], file: str, line: int) -> list[str] | Problem:
    """The row padded to the header's width (spreadsheets drop empty trailing cells), or why not."""
    width = len(header)
    extra = next((i for i in range(width, len(cells)) if cells[i].strip()), None)
    if extra is not None:
        shown = _shown(cells[extra].strip())
        return Problem(
            file,
            line,
            column_name(header, extra),
            f"is past the header's last column: expected at most {width} fields like the header, "
            f"got {len(cells)} (this one holds {shown})",
        )
    return cells[:width] + [""] * (width - len(cells))


def _rows(reader: Any, file: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each row after the header; a CSV error ends them."""
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, "", f"is not valid CSV: {exc}"))
            return
        yield last + 1, cells
        last = reader.line_num


def parse_lms_roster(raw: bytes, file: str) -> LmsRoster:
    """Parse a Canvas gradebook export or a GitHub Classroom roster; ValidationFailed lists every problem."""
    if len(raw) > MAX_BYTES:
        raise too_big(file, len(raw), MAX_BYTES)
    text = decode_utf8(raw, file, "save the file as 'CSV UTF-8' and import it again")
    if not text.strip():
        raise ValidationFailed([Problem(file, 1, "", f"is empty; {EXPECTED}")])
    delimiter = _delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise ValidationFailed([Problem(file, 1, "", f"is not valid CSV: {exc}")]) from None
    layout = _layout(header)
    if layout is None:
        raise ValidationFailed([Problem(file, 1, "header", f"{EXPECTED}, got {_shown(','.join(header))}")])
    problems: list[Problem] = []
    people: list[Incoming] = []
    skipped: list[tuple[int, str]] = []
    for line, cells in _rows(reader, file, problems):
        special = _special_row(cells, layout)
        if special is not None:
            skipped += [(line, special)] if special else []
            continue
        fitted = _fitted(cells, header, file, line)
        if isinstance(fitted, Problem):
            problems.append(fitted)
            continue
        row = _Row(file, line, header, fitted, problems)
        person = _canvas_person(row, layout) if layout.kind == CANVAS else _classroom_person(row)
        if isinstance(person, str):
            skipped.append((line, person))
        else:
            people.append(person)
    problems += _duplicates(people, file, header, layout)
    if problems:
        raise ValidationFailed(problems)
    return LmsRoster(layout.kind, tuple(people), tuple(skipped))


def load_lms_roster(path: Path, display: str) -> LmsRoster:
    return parse_lms_roster(read_capped(path, display, MAX_BYTES), display)


@dataclass(frozen=True)
class RosterSettings:
    path: str
    """roster.csv's path as course.yaml names it, relative to the course folder."""
    needs_github: bool
    """A repository URL template uses {github}, so every student needs a handle."""


def roster_settings(root: Path) -> RosterSettings:
    """What course.yaml says about the roster; the rest of the course need not be valid yet."""
    if not (root / COURSE_FILE).is_file():
        raise GraderError(f"{root} has no {COURSE_FILE}: run 'grader init {root}' or pass --course DIR")
    problems: list[Problem] = []
    spec = validate(CourseSpec, load_yaml(root / COURSE_FILE, COURSE_FILE), problems)
    if spec is None:
        raise ValidationFailed(problems)
    return RosterSettings(spec.roster, any("{github}" in a.repo for a in spec.assignments))
