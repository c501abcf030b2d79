"""LMS rosters: a Canvas gradebook export or a GitHub Classroom roster, read as people to import.

The kind is recognised by the header. Every problem is reported at once, located by line and
column (header name and spreadsheet letter), and nothing is imported from a file with problems.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

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
CANVAS_TEST_STUDENT = frozenset({"Test Student", "Student, Test"})
EXPECTED = (
    f"expected a {CANVAS} (Student,ID,SIS User ID,SIS Login ID,Section,…) "
    f"or a {CLASSROOM} ({','.join(CLASSROOM_COLUMNS)})"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_DIGITS = re.compile(r"[0-9]{1,20}")
_BLANK = re.compile(r"\s*")
_CANVAS_BLANK = re.compile(r"(?i)\s*(muted|manual posting.*)?\s*")
"""Cells of a row Canvas's importer skips: blank, `Muted` or `Manual Posting…`."""


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

    def get(self, index: int | None, *, required: str = "") -> str:
        if index is None:
            return ""
        value = self.cells[index].strip()
        where = column_name(self.header, index)
        if not value and required:
            self.problems.append(Problem(self.file, self.line, where, f"is empty; expected {required}"))
        elif _CONTROL.search(value):
            self.problems.append(
                Problem(
                    self.file,
                    self.line,
                    where,
                    f"expected text without control characters, got {_shown(value)}",
                )
            )
            return ""
        elif len(value) > MAX_VALUE:
            self.problems.append(
                Problem(
                    self.file, self.line, where, f"expected at most {MAX_VALUE} characters, got {len(value)}"
                )
            )
            return ""
        return value

    def check(self, index: int, value: str, pattern: re.Pattern[str], expected: str) -> str:
        if value and not pattern.fullmatch(value):
            self.problems.append(
                Problem(
                    self.file,
                    self.line,
                    column_name(self.header, index),
                    f"expected {expected}, got {_shown(value)}",
                )
            )
            return ""
        return value


def _delimiter(first_line: str) -> str:
    """Canvas writes ';' in some locales; the importer picks whichever the header uses."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _kind(header: list[str]) -> str | None:
    if len(header) >= 2 and "Student" in header[0] and "ID" in header[1]:
        return CANVAS
    if {"identifier", "github_username"} <= {h.lower() for h in header}:
        return CLASSROOM
    return None


def _canvas_person(row: _Row) -> Incoming | str:
    """One Canvas row as a person, or why it holds none."""
    name = row.get(0, required="the student's name")
    if name in CANVAS_TEST_STUDENT:
        return "Canvas's test student"
    values = {"canvas_id": row.check(1, row.get(1, required="the Canvas user id"), _DIGITS, "digits")}
    for title, column in CANVAS_INFO.items():
        values[column] = row.get(row.header.index(title) if title in row.header else None)
    family, comma, given = name.partition(", ")
    sis_user_id = values["sis_user_id"]
    return Incoming(
        line=row.line,
        name=f"{given} {family}" if comma and ", " not in given else name,
        values={c: v for c, v in values.items() if v},
        names=(name,),
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
    )


def _duplicates(people: list[Incoming], file: str, header: list[str], kind: str) -> list[Problem]:
    """An id that appears on two rows would tie two people to one student."""
    if kind == CANVAS:
        checked = {"canvas_id": "ID", **{v: k for k, v in CANVAS_INFO.items() if v != "section"}}
    else:
        checked = {"github": "github_username", "identifier": "identifier"}
    lowered = [h.lower() for h in header]
    problems: list[Problem] = []
    for column, title in checked.items():
        first: dict[str, int] = {}
        for person in people:
            value = person.identifier if column == "identifier" else person.values.get(column, "")
            key = value.casefold()
            if not value:
                continue
            if key in first:
                index = lowered.index(title.lower())
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


def parse_lms_roster(raw: bytes, file: str) -> LmsRoster:
    """Parse a Canvas gradebook export or a GitHub Classroom roster; ValidationFailed lists every problem."""
    if len(raw) > MAX_BYTES:
        raise too_big(file, len(raw), MAX_BYTES)
    text = decode_utf8(raw, file, "save the file as 'CSV UTF-8' and import it again")
    if not text.strip():
        raise ValidationFailed([Problem(file, 1, "", f"is empty; {EXPECTED}")])
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True
    )
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise ValidationFailed([Problem(file, 1, "", f"is not valid CSV: {exc}")]) from None
    kind = _kind(header)
    if kind is None:
        got = _shown(",".join(header))
        raise ValidationFailed([Problem(file, 1, "header", f"{EXPECTED}, got {got}")])
    problems: list[Problem] = []
    people: list[Incoming] = []
    skipped: list[tuple[int, str]] = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, "", f"is not valid CSV: {exc}"))
            break
        line = reader.line_num
        blank = _CANVAS_BLANK if kind == CANVAS else _BLANK
        if all(blank.fullmatch(c) for c in cells):
            continue
        if kind == CANVAS and "Points Possible" in cells[0]:
            skipped.append((line, "the Points Possible row"))
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(file, line, "", f"expected {len(header)} fields like the header, got {len(cells)}")
            )
            continue
        row = _Row(file, line, header, cells, problems)
        person = _canvas_person(row) if kind == CANVAS else _classroom_person(row)
        if isinstance(person, str):
            skipped.append((line, person))
        else:
            people.append(person)
    problems += _duplicates(people, file, header, kind)
    if problems:
        raise ValidationFailed(problems)
    return LmsRoster(kind, tuple(people), tuple(skipped))


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
